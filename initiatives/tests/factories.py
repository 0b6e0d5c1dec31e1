import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from common import workdays
from initiatives.models import Comment, Initiative, Status, SupportKind, Theme
from neighbourhoods.tests.factories import NeighbourhoodFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name_nl = factory.Sequence(lambda n: f"Thema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    """A draft by default; ``status=...`` gives a submitted one with a consistent
    deadline (no timeline rows: tests that need them use the actions)."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Buurtinitiatief {n}")
    summary = "Samen de buurt mooier maken."
    description = "We willen met de buren iets moois maken voor iedereen."
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    theme = factory.SubFactory(ThemeFactory)
    initiator = factory.SubFactory(UserFactory)
    status = Status.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == Status.DRAFT else timezone.now()
    )
    response_due = factory.LazyAttribute(
        lambda o: (
            None
            if o.status == Status.DRAFT
            else workdays.add_working_days(timezone.localdate(), o.theme.response_days)
        )
    )

    @factory.post_generation
    def support(self, create, extracted, **kwargs):
        if create and extracted:
            self.support_kinds.set(SupportKind.objects.filter(code__in=extracted))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    initiative = factory.SubFactory(InitiativeFactory, status=Status.SUBMITTED)
    author = factory.SubFactory(UserFactory)
    text = "Mooi plan, ik doe mee."
