"""Who may comment on an initiative and who may support one: the verification level
the municipality set for ``comment`` and ``support`` (a confirmed email address unless
set otherwise), asked of ``neighbourhoods.verification`` for the initiative's
neighbourhood."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative, WorkflowError
from neighbourhoods import verification

COMMENT = "comment"
SUPPORT = "support"


class NotEntitledError(WorkflowError):
    """The person has not shown what the municipality asks for this action;
    ``refusal`` says what is missing and where to show it."""

    def __init__(self, refusal: verification.Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
        self.message: str | Promise = refusal.message


def register() -> None:
    """From the app's ``ready()``: the two actions and their default levels."""
    verification.register_action(COMMENT, _("Comments on initiatives"), verification.Level.EMAIL)
    verification.register_action(SUPPORT, _("Supporting an initiative"), verification.Level.EMAIL)


def refusal(user, action: str, initiative: Initiative) -> verification.Refusal | None:
    """Why ``user`` may not do ``action`` on ``initiative`` (None: they may)."""
    return verification.refusal(user, action, initiative.neighbourhood)


def check(user, action: str, initiative: Initiative) -> None:
    """For the actions: raise ``NotEntitledError`` unless ``user`` may."""
    refused = refusal(user, action, initiative)
    if refused is not None:
        raise NotEntitledError(refused)
