"""Demo data: a welcome announcement for the first demo resident."""

from accounts.demo import DemoContext
from notifications import service


def seed(demo: DemoContext) -> None:
    service.notify(
        recipient=demo.residents[0],
        kind="announcement",
        message="Welkom op het participatieportaal van Gemeente Eemdal!",
        url="/",
        dedupe_key="demo:welcome",
    )
