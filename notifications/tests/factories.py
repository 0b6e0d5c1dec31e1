import factory

from accounts.tests.factories import UserFactory
from notifications.models import Notification, portal_languages


class NotificationFactory(factory.django.DjangoModelFactory):
    """``message="..."`` gives one text for every language (as a notification written
    before the texts were kept per language); ``messages={...}`` gives them each."""

    class Meta:
        model = Notification

    class Params:
        message = factory.Sequence(lambda n: f"Mededeling {n}")

    recipient = factory.SubFactory(UserFactory)
    kind = "announcement"
    messages = factory.LazyAttribute(lambda o: dict.fromkeys(portal_languages(), o.message))
    url = "/"
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
