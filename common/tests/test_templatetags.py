import pytest

from common.templatetags.portal_tags import button_variant


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


def test_kept_needs_a_name_and_renders_plainly_without_a_request():
    from django.template import Context, Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load portal_tags %}{% kept %}x{% endkept %}")
    template = Template('{% load portal_tags %}{% kept "part" %}{{ word }}{% endkept %}')
    assert template.render(Context({"word": "hallo"})) == "hallo"
