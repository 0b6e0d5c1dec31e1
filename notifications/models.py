"""What the portal tells one person, and how they want to hear it."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    NEVER = "never", _("Never")


class NotificationPreference(models.Model):
    """How a person wants to hear about one kind of notification. Without a row the
    kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=64)
    email = models.CharField(
        _("email"), max_length=16, choices=EmailFrequency, default=EmailFrequency.DAILY
    )
    in_app = models.BooleanField(_("show on the portal"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notifications_pref_user_kind_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(email__in=EmailFrequency.values),
                name="notifications_pref_email_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.email}"


class EmailState(models.TextChoices):
    NOT_EMAILED = "none", _("Not emailed")
    PENDING = "pending", _("To be sent")
    SENDING = "sending", _("Being sent")
    IN_DIGEST = "digest", _("Waiting for the daily digest")
    SENT = "sent", _("Sent")


def portal_languages() -> list[str]:
    """The codes of the languages the portal is offered in (settings.LANGUAGES)."""
    return [code for code, _name in settings.LANGUAGES]


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: "User") -> "NotificationQuerySet":
        """What the person sees on the portal (not the kinds they only want emailed)."""
        return self.filter(recipient=user, in_app=True)

    def addressed_to(self, user: "User") -> "NotificationQuerySet":
        """Everything told to the person, on the portal or only by email."""
        return self.filter(recipient=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """Something the portal tells one person: a status change on an initiative they
    follow, a new tender in their field, a survey invitation. The dedupe key makes
    telling the same thing twice impossible, however often a task runs.

    The text is kept in every language of the portal (``messages``: language code to
    text), written when the notification is made, so each reader reads it in their own
    language, whenever they read it: on the portal in the page's language, in an email
    in the recipient's."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=64)
    messages = models.JSONField(_("message"), default=dict)
    url = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of subject"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("subject"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    dedupe_key = models.CharField(_("key against doubles"), max_length=200)
    in_app = models.BooleanField(_("show on the portal"), default=True)
    email_state = models.CharField(
        _("email state"), max_length=8, choices=EmailState, default=EmailState.NOT_EMAILED
    )
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notifications_dedupe"
            ),
            models.CheckConstraint(
                condition=models.Q(email_state__in=EmailState.values),
                name="notifications_email_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notifications_unread_idx"),
            models.Index(fields=["email_state", "recipient"], name="notifications_email_idx"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """The text in the active language (the reader's), see :meth:`message_in`."""
        return self.message_in(translation.get_language())

    def message_in(self, language: str | None) -> str:
        """The text in ``language``; if it was not written in that language (a language
        added to the portal later), in the portal's default language, else in any."""
        texts = self.messages or {}
        candidates = [language, (language or "").split("-")[0], settings.LANGUAGE_CODE]
        for code in candidates:
            if code and texts.get(code):
                return str(texts[code])
        return next((str(text) for text in texts.values() if text), "")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
