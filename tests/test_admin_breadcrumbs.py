"""The back office's own pages carry Django's breadcrumb markup (an ordered list the
admin's style sheet draws as a bar), not the older ``div`` it no longer styles."""

from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "admin"


def test_no_admin_template_uses_the_unstyled_breadcrumb_markup():
    pages = sorted(TEMPLATES.rglob("*.html"))
    with_breadcrumbs = [page for page in pages if "block breadcrumbs" in page.read_text()]
    # The pages beside a model's list share admin/model_page.html's trail.
    assert TEMPLATES / "model_page.html" in with_breadcrumbs
    extends = '{% extends "admin/model_page.html" %}'
    sharing = [page for page in pages if extends in page.read_text()]
    assert len(sharing) >= 8
    unstyled = [
        str(page.relative_to(TEMPLATES))
        for page in with_breadcrumbs
        if '<ol class="breadcrumbs">' not in page.read_text()
    ]
    assert unstyled == []
