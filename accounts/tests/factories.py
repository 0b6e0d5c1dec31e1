import factory
from allauth.account.models import EmailAddress

from accounts.models import Role, User

PASSWORD = "Veilig-wachtwoord-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A resident with a verified email address who can sign in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"inwoner{n}@example.nl")
    display_name = factory.Faker("first_name", locale="nl_NL")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()
        EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        self.groups.add(Role.RESIDENT.group())


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"medewerker{n}@gemeente.example.nl")
    is_staff = True


def give_totp(user) -> None:
    """Set up an authenticator app for a staff member, as allauth would."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())


def totp_code(user) -> str:
    """The code the staff member's authenticator app shows right now. Near the end of a
    30-second window it waits for the next one, as a person would: a code typed in the
    last moment reaches the server after it expired (allauth allows no drift)."""
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    left = 30 - time.time() % 30
    if left < 5:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def signed_in_colleague(client, role):
    """A colleague in ``role`` (portal.models.Role), signed in to the back office."""
    user = StaffFactory()
    user.groups.add(role.group())
    sign_in_staff(client, user)
    return user


def sign_in_staff(client, user) -> None:
    """Password, then the TOTP code: the only way into the back office."""
    from django.urls import reverse

    if not user.authenticator_set.exists():
        give_totp(user)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate"), response
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(user)})
    assert response.status_code == 302, response
