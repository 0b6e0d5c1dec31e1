from datetime import timedelta

import factory
from django.utils import timezone

from community.models import Membership, Network, NetworkTheme, Post, VolunteerCall


def theme(slug: str = "energie") -> NetworkTheme:
    """A seeded theme (post_migrate puts back energy, green, care, safety, playgrounds)."""
    found, _created = NetworkTheme.objects.get_or_create(
        slug=slug, defaults={"name_nl": slug.capitalize(), "name_en": slug.capitalize()}
    )
    return found


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("theme", "neighbourhood")

    theme = factory.LazyFunction(theme)
    neighbourhood = factory.SubFactory("neighbourhoods.tests.factories.NeighbourhoodFactory")


class AmbassadorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    role = Membership.Role.AMBASSADOR
    status = Membership.Status.APPROVED
    public_name = factory.Sequence(lambda n: f"Sanne {n}")
    can_help_with = "Isolatie, warmtecamera"
    decided_at = factory.LazyAttribute(
        lambda membership: (
            timezone.now() if membership.status == Membership.Status.APPROVED else None
        )
    )


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    kind = Post.Kind.OFFER
    what = factory.Sequence(lambda n: f"Ladder {n}")
    neighbourhood = factory.SubFactory("neighbourhoods.tests.factories.NeighbourhoodFactory")
    theme = factory.LazyFunction(theme)
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    owner = factory.SubFactory("accounts.tests.factories.UserFactory")


class VolunteerCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VolunteerCall

    title = factory.Sequence(lambda n: f"Plantdag {n}")
    wanted = 3
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    initiative = factory.SubFactory(
        "initiatives.tests.factories.InitiativeFactory", status="submitted"
    )
    neighbourhood = factory.LazyAttribute(lambda o: o.initiative.neighbourhood)
    created_by = factory.LazyAttribute(lambda o: o.initiative.initiator)
