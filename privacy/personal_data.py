"""Personal data in the portal's own tables and in the account libraries' tables."""

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.db.models import Q

from accounts.models import User
from notifications.kinds import kind_label
from notifications.models import Notification, NotificationPreference
from privacy.models import AuditEntry, ErasureRequest
from privacy.registry import PersonalData

PERSONAL_DATA = [
    PersonalData(
        model="accounts.User",
        rows=lambda user: User.objects.filter(pk=user.pk),
        exported=(
            "email",
            "display_name",
            "home_neighbourhood",
            "language",
            "date_joined",
            "last_login",
            "retention_warned_at",
            "groups",
        ),
        not_personal=("id", "is_staff", "is_active", "is_superuser", "user_permissions"),
        withheld={"password": "a one-way hash of the password, useless outside the portal"},
    ),
    PersonalData(
        model="account.EmailAddress",
        rows=lambda user: EmailAddress.objects.filter(user=user),
        exported=("email", "verified", "primary"),
        not_personal=("id", "user"),
    ),
    PersonalData(
        model="account.EmailConfirmation",
        rows=lambda user: EmailConfirmation.objects.filter(email_address__user=user),
        exported=("created", "sent"),
        not_personal=("id", "email_address"),
        withheld={"key": "the secret in the confirmation link"},
    ),
    PersonalData(
        model="mfa.Authenticator",
        rows=lambda user: Authenticator.objects.filter(user=user),
        exported=("type", "created_at", "last_used_at"),
        not_personal=("id", "user"),
        withheld={"data": "the secret of the authenticator app; showing it would weaken it"},
    ),
    PersonalData(
        model="notifications.Notification",
        rows=lambda user: Notification.objects.filter(recipient=user),
        exported=("kind", "messages", "url", "created_at", "read_at", "emailed_at"),
        not_personal=(
            "id",
            "recipient",
            "subject_type",
            "subject_id",
            "dedupe_key",
            "in_app",
            "email_state",
        ),
        labels={"kind": kind_label},
        read_as={"messages": lambda notification: notification.message},
    ),
    PersonalData(
        model="notifications.NotificationPreference",
        rows=lambda user: NotificationPreference.objects.filter(user=user),
        exported=("kind", "email", "in_app"),
        not_personal=("id", "user"),
        labels={"kind": kind_label},
    ),
    # Staff: their own work in the back office.
    PersonalData(
        model="admin.LogEntry",
        rows=lambda user: LogEntry.objects.filter(user=user),
        exported=("action_time", "content_type", "object_repr", "action_flag"),
        not_personal=("id", "user", "object_id", "change_message"),
    ),
    PersonalData(
        model="privacy.AuditEntry",
        rows=lambda user: AuditEntry.objects.filter(actor=user),
        exported=("created_at", "action", "target_type", "target_id", "summary", "outcome"),
        not_personal=("id", "actor"),
        withheld={"actor_label": "kept as evidence of the civil servant's work (BIO)"},
    ),
    PersonalData(
        model="privacy.ErasureRequest",
        rows=lambda user: ErasureRequest.objects.filter(
            Q(user=user) | Q(requested_by=user) | Q(approved_by=user)
        ),
        exported=("requested_at", "approved_at", "state"),
        not_personal=(
            "id",
            "user",
            "account_number",
            "options",
            "requested_by",
            "approved_by",
        ),
    ),
]
