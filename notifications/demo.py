"""Demo data: a welcome announcement for the first demo resident."""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.demo import DemoContext
from notifications import service


def seed(demo: DemoContext) -> None:
    service.notify(
        recipient=demo.residents[0],
        kind="announcement",
        message=lambda: (
            _("Welcome to the participation portal of %(municipality)s!")
            % {"municipality": settings.PORTAL_MUNICIPALITY_NAME}
        ),
        url="/",
        dedupe_key="demo:welcome",
    )
