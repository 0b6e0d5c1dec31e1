"""``rows_point_here`` (an EXISTS written as SQL, read with the row) answers as Django's
``Exists`` does, for a foreign key, a many-to-many table and extra conditions."""

import pytest
from django.db.models import Exists, OuterRef

from accounts.tests.factories import UserFactory
from common.expressions import rows_point_here
from initiatives.models import Initiative, Support
from initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_it_answers_as_exists_does():
    reader, other = UserFactory(), UserFactory()
    supported, co_run, bare = (
        InitiativeFactory(status="submitted"),
        InitiativeFactory(status="submitted"),
        InitiativeFactory(status="submitted"),
    )
    Support.objects.create(initiative=supported, user=reader)
    co_run.co_initiators.add(other)
    through = Initiative.co_initiators.through
    ours = Initiative.objects.annotate(
        by_reader=rows_point_here(Support, "initiative", user=reader),
        by_other=rows_point_here(Support, "initiative", user=other.pk),
        co=rows_point_here(through, "initiative"),
    )
    djangos = Initiative.objects.annotate(
        by_reader=Exists(Support.objects.filter(initiative=OuterRef("pk"), user=reader)),
        by_other=Exists(Support.objects.filter(initiative=OuterRef("pk"), user=other)),
        co=Exists(through.objects.filter(initiative=OuterRef("pk"))),
    )
    columns = ("pk", "by_reader", "by_other", "co")
    assert sorted(ours.values_list(*columns)) == sorted(djangos.values_list(*columns))
    assert ours.get(pk=supported.pk).by_reader is True
    assert ours.get(pk=bare.pk).co is False
    assert ours.get(pk=co_run.pk).co is True


def test_only_columns_are_accepted():
    with pytest.raises(TypeError):
        rows_point_here(Initiative, "supports")
