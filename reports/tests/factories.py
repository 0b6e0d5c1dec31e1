from decimal import Decimal

import factory
from django.utils import timezone

from reports.models import Category, Report, Status


def loose_paving() -> Category:
    """The subcategory of the journeys: loose paving (from the reference data)."""
    return Category.objects.get(slug="onderhoud-stoep-straat-en-fietspad")


class ReportFactory(factory.django.DjangoModelFactory):
    """A report that went in, at a point in the demo city, reported by an account."""

    class Meta:
        model = Report

    category = factory.LazyFunction(loose_paving)
    description = "Losse stoeptegels voor de bakker, iemand is gestruikeld."
    latitude = Decimal("52.150000")
    longitude = Decimal("5.370000")
    address = "Kerkstraat 12"
    status = Status.RECEIVED
    reporter = factory.SubFactory("accounts.tests.factories.UserFactory")
    created_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=14))
    department = factory.LazyAttribute(lambda o: o.category.department_for(None))


def topic(slug: str = "afval"):
    """A question topic from the reference data (waste: the waste department answers)."""
    from reports.models import Topic

    return Topic.objects.select_related("department").get(slug=slug)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question that went in, asked by an account, privately."""

    class Meta:
        model = "reports.Question"

    topic = factory.LazyFunction(topic)
    text = "Wanneer wordt de papiercontainer in de Lindenlaan weer geleegd?"
    is_public = False
    status = "received"
    asker = factory.SubFactory("accounts.tests.factories.UserFactory")
    created_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=7))
    department = factory.LazyAttribute(lambda o: o.topic.department)


class AnsweredQuestionFactory(QuestionFactory):
    """A question answered in public."""

    is_public = True
    status = "answered"
    public_text = "Wanneer wordt de papiercontainer in de Lindenlaan weer geleegd?"
    answer = "Beste vrager, de papiercontainers bij je huis worden elke dinsdag geleegd."
    public_answer = "De papiercontainers in de Lindenlaan worden elke dinsdag geleegd."
    answered_at = factory.LazyFunction(timezone.now)
