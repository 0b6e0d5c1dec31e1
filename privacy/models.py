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
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.target_type_id}:{self.target_id}"
