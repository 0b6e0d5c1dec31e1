import factory
from django.utils import timezone

from neighbourhoods.models import (
    AgendaItem,
    Event,
    Neighbourhood,
    Programme,
    ProgrammeProject,
    Residence,
)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.Sequence(lambda n: f"wijk-{n}")
    cbs_code = factory.Sequence(lambda n: f"WK{n % 1_000_000:06d}")
    population = 5000


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.MARKET
    title = factory.Sequence(lambda n: f"Initiatievenmarkt {n}")
    location = "Stadhuis"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timezone.timedelta(hours=3))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    title = factory.Sequence(lambda n: f"Agendapunt {n}")
    description = "Dit is nodig voor de buurt."
    proposed_by = factory.SubFactory("accounts.tests.factories.UserFactory")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    budget = 100_000


class ProgrammeProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeProject

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    budget = 20_000


class ResidenceFactory(factory.django.DjangoModelFactory):
    """A resident who has shown (with a letter code) that they live in a neighbourhood."""

    class Meta:
        model = Residence

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    method = Residence.Method.LETTER_CODE
