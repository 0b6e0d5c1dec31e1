"""The demo's questions: believable, some published with answers, some private, some
open past their term, feedback on part of the answered ones; the same every run."""

import pytest

from accounts.demo import DemoContext
from accounts.tests.factories import StaffFactory, UserFactory
from reports import question_demo
from reports.models import Feedback, Question, QuestionStatus

pytestmark = pytest.mark.django_db


def _seed() -> list[tuple]:
    demo = DemoContext(
        residents=UserFactory.create_batch(6), superuser=StaffFactory(is_superuser=True)
    )
    question_demo.seed(demo)
    question_demo.seed(demo)  # a second run adds nothing
    return list(
        Question.objects.order_by("pk").values_list("topic__slug", "text", "status", "is_public")
    )


def test_the_demo_has_three_dozen_questions_in_every_state():
    rows = _seed()
    assert len(rows) == 36
    published = Question.objects.published()
    assert published.count() == len(question_demo.QUESTIONS)
    assert Question.objects.filter(status=QuestionStatus.ANSWERED, is_public=False).exists()
    assert Question.objects.overdue().exists()
    assert Question.objects.open().exclude(pk__in=Question.objects.overdue()).exists()
    assert all(q.department_id and q.due_date for q in Question.objects.all())
    feedback = Feedback.objects.filter(question__isnull=False)
    assert 5 < feedback.count() < 25
    assert not Feedback.objects.filter(report__isnull=False).exists()
    assert all(reason.applies_to == "question" for f in feedback for reason in f.reasons.all())


def test_the_demo_is_the_same_every_run(django_db_reset_sequences):
    first = _seed()
    Question.objects.all().delete()
    assert _seed() == first
