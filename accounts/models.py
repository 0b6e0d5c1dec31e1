"""The people who use the portal and their roles."""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    Group,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        """The auth group of this role (see ``accounts.roles``); recreated if someone
        deleted it in the admin, so sign-up never fails on a missing group."""
        group, _created = Group.objects.get_or_create(name=self.value)
        return group


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
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
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # The permission backends' answer, kept on the instance for the request.
    _perm_cache: set[str]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
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
