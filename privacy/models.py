"""The audit log of what civil servants did with personal data."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One thing a civil servant did with a resident's or supplier's data: looked at it,
    changed it, deleted it, exported it or erased an account on request. Written by the
    back office, read by the privacy officer (functionaris gegevensbescherming), and
    never edited. The summary names fields and actions, never the data itself."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("viewed")
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        DELETED = "deleted", _("deleted")
        BULK_ACTION = "bulk_action", _("bulk action")
        EXPORTED = "exported", _("exported personal data")
        ERASED = "erased", _("erased an account")
        LISTED = "listed", _("opened a list of people")
        ERASURE_REQUESTED = "erase_requested", _("asked to erase a colleague's account")

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        REFUSED = "refused", _("refused")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("civil servant"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Kept when the civil servant's own account is later removed.
    actor_label = models.CharField(_("civil servant (at the time)"), max_length=254)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(_("record number"), max_length=64)
    summary = models.CharField(_("what"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=8,
        choices=Outcome.choices,
        default=Outcome.DONE,
        help_text=_("Refused: the civil servant tried something their role does not allow."),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.target_type_id}:{self.target_id}"


class ErasureRequest(models.Model):
    """A request by letter to erase a colleague's account (four eyes): one civil servant
    with the right to erase records it, a second one with that right approves it, and
    only then is the account erased. Keeps the account's number, never its data."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for a second colleague")
        ERASED = "erased", _("erased")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    account_number = models.CharField(_("account number"), max_length=64)
    options = models.JSONField(_("erasure options"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.WAITING)

    class Meta:
        verbose_name = _("erasure of a colleague's account")
        verbose_name_plural = _("erasures of colleagues' accounts")
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("erase_on_behalf", _("Can erase an account on a request by letter")),
            ("export_on_behalf", _("Can export a person's data on a request by letter")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account_number"],
                condition=models.Q(state="waiting"),
                name="erasure_request_once_while_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_number} ({self.state})"
