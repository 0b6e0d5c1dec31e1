import factory
from allauth.account.models import EmailAddress

from portal.models import Notification, Role, User

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


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "announcement"
    message = factory.Sequence(lambda n: f"Mededeling {n}")
    url = "/"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
