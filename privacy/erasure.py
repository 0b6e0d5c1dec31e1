"""Erasing a colleague's account takes two people (four eyes): one records the request
by letter, a different colleague with the same right approves it, and only then is the
account erased. Both steps are in the audit log."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from privacy import registry
from privacy.audit import Action, Outcome, record
from privacy.models import ErasureRequest

ERASE_PERMISSION = "privacy.erase_on_behalf"
EXPORT_PERMISSION = "privacy.export_on_behalf"


def needs_second_person(user: User) -> bool:
    """A staff account (or an administrator's) is erased only with four eyes."""
    return user.is_staff or user.is_superuser


def request_erasure(*, user: User, options: Iterable[str], by: User) -> ErasureRequest:
    """The first colleague's step: record the request; nothing is erased yet. Asking
    again while a request waits returns the waiting one."""
    if not by.has_perm(ERASE_PERMISSION) or by.pk == user.pk:
        record(
            actor=by,
            action=Action.ERASURE_REQUESTED,
            target=user,
            outcome=Outcome.REFUSED,
        )
        raise PermissionDenied
    return _record_request(user=user, options=options, by=by)


@transaction.atomic
def _record_request(*, user: User, options: Iterable[str], by: User) -> ErasureRequest:
    waiting = ErasureRequest.objects.filter(
        account_number=str(user.pk), state=ErasureRequest.State.WAITING
    ).first()
    if waiting is not None:
        return waiting
    erasure = ErasureRequest.objects.create(
        user=user, account_number=str(user.pk), options=sorted(options), requested_by=by
    )
    record(actor=by, action=Action.ERASURE_REQUESTED, target=user)
    return erasure


def approve_erasure(*, erasure: ErasureRequest, by: User) -> None:
    """The second colleague's step: a different colleague with the right to erase
    approves, and the account is erased. Refused (and recorded) otherwise."""
    try:
        _approve(erasure=erasure, by=by)
    except PermissionDenied:
        # Recorded after the refused transaction is rolled back, so the entry stays.
        record(
            actor=by,
            action=Action.ERASED,
            target=erasure,
            summary="second approval refused",
            outcome=Outcome.REFUSED,
        )
        raise


@transaction.atomic
def _approve(*, erasure: ErasureRequest, by: User) -> None:
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    user = erasure.user
    allowed = (
        by.has_perm(ERASE_PERMISSION)
        and by.pk != erasure.requested_by_id
        and erasure.requested_by_id is not None
        and user is not None
        and by.pk != user.pk
        and erasure.state == ErasureRequest.State.WAITING
    )
    if not allowed or user is None:
        raise PermissionDenied
    erasure.approved_by = by
    erasure.approved_at = timezone.now()
    erasure.state = ErasureRequest.State.ERASED
    erasure.save(update_fields=["approved_by", "approved_at", "state"])
    registry.erase_person(user=user, options=erasure.options, by=by)
