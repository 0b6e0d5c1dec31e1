import factory

from accounts.tests.factories import UserFactory
from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "announcement"
    message = factory.Sequence(lambda n: f"Mededeling {n}")
    url = "/"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
