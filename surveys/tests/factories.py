from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys.models import Choice, PanelMember, Question, Survey


class SurveyFactory(factory.django.DjangoModelFactory):
    """An open, anonymous panel survey with reminders after 5 and 10 days."""

    class Meta:
        model = Survey

    title = factory.Sequence(lambda n: f"Peiling {n}")
    slug = factory.Sequence(lambda n: f"peiling-{n}")
    kind = Survey.Kind.PANEL
    audience = Survey.Audience.PANEL
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=27))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    kind = Question.Kind.RATING
    text = factory.Sequence(lambda n: f"Vraag {n}")
    order = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    label = factory.Sequence(lambda n: f"Keuze {n}")
    value = factory.Sequence(lambda n: f"keuze-{n}")


class PanelMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMember

    user = factory.SubFactory(UserFactory)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    age_band = "25-44"
