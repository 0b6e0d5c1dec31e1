"""The shared kernel's records: people who use the portal and what we tell them."""

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    Group,
    PermissionsMixin,
)
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(dutch: str, english: str) -> str:
    """The Dutch or English text of a record kept in both, as this visitor reads."""
    return english if get_language() == "en" else dutch


class Role(models.TextChoices):
    """The roles of the municipality's people, kept as auth groups (data migration)."""

    RESIDENT = "Resident", _("Resident")
    INITIATIVE_BROKER = "Initiative broker", _("Initiative broker")
    AREA_MANAGER = "Area manager", _("Area manager")
    RESEARCHER = "Researcher", _("Researcher")
    PROCUREMENT_OFFICER = "Procurement officer", _("Procurement officer")
    PRIVACY_OFFICER = "Privacy officer", _("Privacy officer")
    COUNCIL_MEMBER = "Council member", _("Council member")

    def group(self) -> Group:
        """The auth group of this role (see ``portal.defaults``); recreated if someone
        deleted it in the admin, so sign-up never fails on a missing group."""
        group, _created = Group.objects.get_or_create(name=self.value)
        return group


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone with an account: a resident (inwoner), a civil servant (medewerker) or a
    supplier's team member. The email address is the login; we keep no more about a
    person than the portal needs."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown with your contributions. Leave empty to stay anonymous."),
    )
    home_neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood",
        verbose_name=_("home neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    retention_warned_at = models.DateTimeField(
        _("warned of removal for inactivity"),
        null=True,
        blank=True,
        help_text=_("Set when the retention task warned this inactive account; cleared on login."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="portal_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def public_name(self) -> str:
        """The name shown next to public contributions; never the email address."""
        return self.display_name or str(_("Resident"))


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In a daily digest")
    NEVER = "never", _("Never")


class NotificationPreference(models.Model):
    """How a person wants to hear about one kind of notification. Without a row the
    kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=64)
    email = models.CharField(
        _("email"), max_length=16, choices=EmailFrequency.choices, default=EmailFrequency.DAILY
    )
    in_app = models.BooleanField(_("show on the portal"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="portal_pref_user_kind_unique"),
            models.CheckConstraint(
                condition=models.Q(email__in=EmailFrequency.values),
                name="portal_pref_email_valid",
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


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user) -> "NotificationQuerySet":
        return self.filter(recipient=user, in_app=True)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """Something the portal tells one person: a status change on an initiative they
    follow, a new tender in their field, a survey invitation. The dedupe key makes
    telling the same thing twice impossible, however often a task runs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    dedupe_key = models.CharField(max_length=200)
    in_app = models.BooleanField(default=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NOT_EMAILED
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="portal_notification_dedupe"
            ),
            models.CheckConstraint(
                condition=models.Q(email_state__in=EmailState.values),
                name="portal_notification_email_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="portal_notif_unread_idx"),
            models.Index(fields=["email_state", "recipient"], name="portal_notif_email_idx"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class PortalPage(models.Model):
    """A page the municipality writes itself: the privacy statement and the
    accessibility statement (toegankelijkheidsverklaring). Plain text with blank lines
    between paragraphs, in Dutch and English."""

    class Slug(models.TextChoices):
        PRIVACY = "privacy", _("Privacy statement")
        ACCESSIBILITY = "toegankelijkheid", _("Accessibility statement")

    slug = models.CharField(_("page"), max_length=32, choices=Slug.choices, unique=True)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_nl = models.TextField(_("text (Dutch)"))
    body_en = models.TextField(_("text (English)"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("portal page")
        verbose_name_plural = _("portal pages")

    def __str__(self) -> str:
        return self.get_slug_display()

    def get_absolute_url(self) -> str:
        return reverse("portal:page", args=[self.slug])

    def title_for(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_nl

    def body_for(self, language: str) -> str:
        return self.body_en if language == "en" else self.body_nl


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
