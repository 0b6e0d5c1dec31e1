from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory
from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory
from participation.models import (
    Decision,
    Level,
    Phase,
    Process,
    Stakeholder,
    TaskTeam,
    TeamMembership,
    Topic,
)


class ProcessFactory(factory.django.DjangoModelFactory):
    """A published process; ``published_at=None`` for a draft."""

    class Meta:
        model = Process

    title = factory.Sequence(lambda n: f"Herinrichting plein {n}")
    slug = factory.Sequence(lambda n: f"herinrichting-{n}")
    kind = Process.Kind.PROJECT
    summary = "Het plein wordt groener; samen kiezen we hoe."
    published_at = factory.LazyFunction(timezone.now)


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Fase {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    level = Level.CONSULT
    level_reason = "We willen eerst horen wat er speelt."


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    process = factory.SubFactory(ProcessFactory)
    name = factory.Sequence(lambda n: f"Bewonersvereniging {n}")
    interests = "Groen en rust"
    influence = Stakeholder.Influence.HIGH
    involvement = "Ateliers"
    level = Level.COPRODUCE


def area_manager():
    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    return manager


class TaskTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskTeam

    title = factory.Sequence(lambda n: f"Opgaveteam groen {n}")
    description = "Samen meer groen in de wijk."
    agenda_item = factory.SubFactory(
        AgendaItemFactory,
        neighbourhood=factory.SubFactory(
            NeighbourhoodFactory, area_manager=factory.LazyFunction(area_manager)
        ),
    )
    municipality_role = TaskTeam.MunicipalityRole.PARTNER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TaskTeamFactory)
    user = factory.SubFactory(UserFactory)
    motivation = "Ik help graag mee."


def council_member():
    member = UserFactory()
    member.groups.add(Role.COUNCIL_MEMBER.group())
    return member


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"onderwerp-{n}")
    name_nl = factory.Sequence(lambda n: f"Onderwerp {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class DecisionFactory(factory.django.DjangoModelFactory):
    """A published decision; ``published_at=None`` for one not yet on the list."""

    class Meta:
        model = Decision

    title = factory.Sequence(lambda n: f"Besluit over de speeltuin {n}")
    summary = "Het college stelt geld beschikbaar."
    reasoning = "Bewoners vroegen erom in de peiling."
    decided_on = factory.LazyFunction(timezone.localdate)
    topic = factory.SubFactory(TopicFactory)
    published_at = factory.LazyFunction(timezone.now)
