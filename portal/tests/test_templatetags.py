import pytest

from portal.templatetags.portal_tags import button_variant


@pytest.mark.parametrize(
    ("tags", "variant"),
    [
        (["prominent", "login"], "primary-action"),
        (["outline", "primary", "mfa", "cancel"], "secondary-action"),
        (["link", "cancel"], "secondary-action"),
        (None, "primary-action"),
    ],
)
def test_only_the_main_action_looks_primary(tags, variant):
    assert button_variant(tags) == variant
