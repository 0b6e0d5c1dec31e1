"""Verification levels per action: what a person must have shown before they may do
something, as the municipality sets it.

The levels (``Level``): a confirmed email address; living in the neighbourhood (a
``Residence``, shown with a letter code or through DigiD); an invitation (a survey
invitation actually sent to the person, for the neighbourhood; joining the panel alone
is not one). Each app registers its actions with a default level from its
``AppConfig.ready()`` (``register_action``); staff change the level per action in the
back office (``ActionLevel``). Apps ask ``may`` before the action, and ``refusal`` for
what to tell the person and where they can show what is missing.

Where invitations come from is registered too (``register_invitation``), so this app
never imports the apps above it: the surveys app says who was sent an invitation.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from neighbourhoods.models import ActionLevel, Level, Neighbourhood, Residence

__all__ = [
    "Action",
    "Level",
    "Refusal",
    "actions",
    "label_of",
    "may",
    "refusal",
    "register_action",
    "register_invitation",
    "required_level",
    "required_levels",
    "verification_url",
]


@dataclass(frozen=True)
class Action:
    """Something a person does that the municipality may ask a level for."""

    key: str
    label: str | Promise
    default: Level


_ACTIONS: dict[str, Action] = {}
# Each gives whether the person holds an invitation (for this neighbourhood, or for
# None: anywhere in the city).
_INVITATIONS: list[Callable[[User, Neighbourhood | None], bool]] = []


def register_action(key: str, label: str | Promise, default: Level) -> None:
    """An app's action that a level applies to, e.g. ``register_action("agenda_vote",
    _("Priority votes on the agenda"), Level.EMAIL)``. Registering a key twice with
    another default is a programming error."""
    known = _ACTIONS.get(key)
    if known is not None and known.default != default:
        raise ValueError(f"Action {key!r} is registered with another default level.")
    _ACTIONS[key] = Action(key, label, Level(default))


def register_invitation(check: Callable[[User, Neighbourhood | None], bool]) -> None:
    """A source of invitations: ``check(user, neighbourhood)`` says whether the person
    is invited (for ``neighbourhood``, or anywhere when it is None)."""
    _INVITATIONS.append(check)


def actions() -> list[Action]:
    """The registered actions, by label."""
    return sorted(_ACTIONS.values(), key=lambda action: str(action.label))


def label_of(key: str) -> str:
    action = _ACTIONS.get(key)
    return str(action.label) if action is not None else key


def required_level(action: str) -> Level:
    """The level the municipality set for ``action``, else the action's default."""
    try:
        default = _ACTIONS[action].default
    except KeyError:
        raise KeyError(f"No verification level registered for {action!r}.") from None
    chosen = ActionLevel.objects.filter(action=action).values_list("level", flat=True).first()
    return Level(chosen) if chosen else default


def required_levels() -> list[tuple[Action, Level]]:
    """Every registered action with the level it asks now, in one query."""
    chosen = dict(ActionLevel.objects.values_list("action", "level"))
    return [(action, Level(chosen.get(action.key, action.default))) for action in actions()]


@dataclass(frozen=True)
class Refusal:
    """Why a person may not do an action yet, said to them, and where they can show
    what is missing (``url``)."""

    reason: str  # one of the REASONS below
    message: str | Promise
    url: str

    SIGN_IN = "sign_in"
    EMAIL = "email"
    RESIDENCE = "residence"
    INVITATION = "invitation"

    def url_back_to(self, next_url: str) -> str:
        """Where to show what is missing, coming back to ``next_url`` afterwards."""
        return f"{self.url}?{urlencode({'next': next_url})}"


def verification_url() -> str:
    """The page where a person shows where they live (letter code, DigiD)."""
    return reverse("verification:start")


def digid_configured() -> bool:
    """Whether the portal is connected to a DigiD broker (OpenID Connect)."""
    return bool(settings.PORTAL_DIGID_OIDC_ISSUER)


def _email_confirmed(user: User) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _lives_in(user: User, neighbourhood: Neighbourhood | None) -> bool:
    return Residence.objects.of(neighbourhood).filter(user=user).exists()


def _invited(user: User, neighbourhood: Neighbourhood | None) -> bool:
    return any(check(user, neighbourhood) for check in _INVITATIONS)


def refusal(
    user: User | AnonymousUser, action: str, neighbourhood: Neighbourhood | None
) -> Refusal | None:
    """None when ``user`` may do ``action`` in ``neighbourhood`` (None: the whole city),
    else why not. An anonymous visitor is asked to sign in; every level asks a
    confirmed email address first."""
    level = required_level(action)
    url = verification_url()
    if not user.is_authenticated:
        return Refusal(Refusal.SIGN_IN, _("Sign in first."), url)
    if not user.is_active:
        return Refusal(Refusal.SIGN_IN, _("Sign in first."), url)
    if not _email_confirmed(user):
        return Refusal(
            Refusal.EMAIL,
            _("Confirm your email address first: open the link in the email we sent you."),
            url,
        )
    if level == Level.RESIDENT and not _lives_in(user, neighbourhood):
        if neighbourhood is None:
            message = _("Only residents of the city can do this. Show that you live here first.")
        else:
            message = _(
                "Only residents of this neighbourhood can do this. "
                "Show that you live here first, with the code from our letter or with DigiD."
            )
        return Refusal(Refusal.RESIDENCE, message, url)
    if level == Level.INVITED and not _invited(user, neighbourhood):
        return Refusal(
            Refusal.INVITATION, _("Only people invited to the resident panel can do this."), url
        )
    return None


def may(user: User | AnonymousUser, action: str, neighbourhood: Neighbourhood | None) -> bool:
    """Whether ``user`` has shown what ``action`` asks in ``neighbourhood``."""
    return refusal(user, action, neighbourhood) is None
