"""Who may report something in the public space: the verification level the
municipality set for ``report`` (a confirmed email address unless set otherwise), asked
of ``neighbourhoods.verification`` for the neighbourhood the report's point lies in
(without a point: anywhere in the city).

A visitor who is not signed in confirms their email address through the link we send,
and an app that reports through Open311 vouches for its user's address: both meet the
level ``email`` and no more. When the municipality asks more (living in the
neighbourhood, an invitation), a visitor signs in and shows it first, and the apps'
reports are refused."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from neighbourhoods import verification
from neighbourhoods.models import Neighbourhood

REPORT = "report"


def register() -> None:
    """From the app's ``ready()``: the action and its default level."""
    verification.register_action(
        REPORT, _("Reports about the public space"), verification.Level.EMAIL
    )


def neighbourhood_of(latitude, longitude) -> Neighbourhood | None:
    """The report's neighbourhood: the one its point lies in."""
    if latitude is None or longitude is None:
        return None
    return Neighbourhood.objects.containing(latitude, longitude)


def visitors_may_report() -> bool:
    """Whether an email address confirmed by a link is all the level asks."""
    return verification.required_level(REPORT) == verification.Level.EMAIL


def refusal(
    user: User | AnonymousUser | None, neighbourhood: Neighbourhood | None
) -> verification.Refusal | None:
    """Why ``user`` (None or anonymous: a visitor or an app's user, whose address a
    link or the app confirms) may not report in ``neighbourhood`` (None: they may)."""
    if user is not None and user.is_authenticated:
        return verification.refusal(user, REPORT, neighbourhood)
    if visitors_may_report():
        return None
    return verification.Refusal(
        verification.Refusal.SIGN_IN,
        _(
            "Only residents who signed in can report here now. Sign in and show that you "
            "live here first, with the code from our letter or with DigiD."
        ),
        verification.verification_url(),
    )
