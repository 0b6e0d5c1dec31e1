"""Demo data of the shared kernel: people in every role.

``manage.py seed_demo`` calls each app's ``demo.seed(demo)`` in dependency order; an
app adds its own believable data there and may use what earlier apps put in ``demo``.
Every seeder is idempotent: running it twice changes nothing the second time.
"""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.contrib.auth.hashers import make_password

from accounts.models import Role, User

DEMO_PASSWORD = "Eemdal-demo-2026"  # noqa: S105  demo accounts only; seed_demo refuses production
DEMO_DOMAIN = "eemdal.example"


@dataclass
class DemoLogin:
    email: str
    role: str
    totp_secret: str = ""
    recovery_code: str = ""


@dataclass
class DemoContext:
    residents: list[User] = field(default_factory=list)
    staff: dict[Role, User] = field(default_factory=dict)
    superuser: User | None = None
    logins: list[DemoLogin] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


RESIDENTS = [
    ("fatima", "Fatima"),
    ("jeroen", "Jeroen"),
    ("ingrid", "Ingrid"),
    ("mohamed", "Mohamed"),
    ("sanne", "Sanne"),
    ("kees", "Kees"),
]

STAFF = [
    (Role.INITIATIVE_BROKER, "makelaar", "Initiatiefmakelaar Eva"),
    (Role.AREA_MANAGER, "gebiedsmanager", "Gebiedsmanager Ruud"),
    (Role.AREA_MANAGER, "gebiedsmanager2", "Gebiedsmanager Aylin"),
    (Role.RESEARCHER, "onderzoeker", "Onderzoeker Pieter"),
    (Role.PROCUREMENT_OFFICER, "inkoper", "Inkoper Noor"),
    (Role.PRIVACY_OFFICER, "privacy", "Functionaris gegevensbescherming Sanne"),
]


@cache
def _demo_password_hash() -> str:
    """Hashing is slow on purpose; the demo accounts share one password, so hash it once."""
    return make_password(DEMO_PASSWORD)


def _user(email: str, display_name: str, *, staff: bool = False, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"display_name": display_name, "is_staff": staff, "is_superuser": superuser},
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _totp(user: User) -> tuple[str, str]:
    """Staff need an authenticator app; the demo prints its secret and a recovery code."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        TOTP.activate(user, generate_totp_secret())
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    recovery = RecoveryCodes(codes) if codes else RecoveryCodes.activate(user)
    return decrypt(authenticator.data["secret"]), recovery.get_unused_codes()[0]


def seed(demo: DemoContext) -> None:
    resident_group = Role.RESIDENT.group()
    for local, name in RESIDENTS:
        user = _user(f"{local}@{DEMO_DOMAIN}", name)
        user.groups.add(resident_group)
        demo.residents.append(user)
    demo.logins.append(DemoLogin(demo.residents[0].email, "Resident (and 5 more)"))

    for role, local, name in STAFF:
        user = _user(f"{local}@{DEMO_DOMAIN}", name, staff=True)
        user.groups.add(role.group())
        demo.staff.setdefault(role, user)
        demo.extra.setdefault("area_managers", [])
        if role == Role.AREA_MANAGER:
            demo.extra["area_managers"].append(user)
        secret, recovery = _totp(user)
        demo.logins.append(DemoLogin(user.email, str(role.label), secret, recovery))

    admin = _user(f"beheerder@{DEMO_DOMAIN}", "Functioneel beheerder", staff=True, superuser=True)
    demo.superuser = admin
    secret, recovery = _totp(admin)
    demo.logins.append(DemoLogin(admin.email, "Superuser", secret, recovery))
