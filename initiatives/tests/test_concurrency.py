"""Support is once per resident, also when the same resident's requests race."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from initiatives.models import Initiative, Status, Support
from initiatives.tests.factories import InitiativeFactory
from tests.concurrency import run_together, signed_in_post

CONCURRENT_REQUESTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_support_requests_count_once():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    supporter = UserFactory()
    url = reverse("initiatives:support", args=[initiative.pk])
    statuses = run_together(
        [signed_in_post(supporter, url) for _number in range(CONCURRENT_REQUESTS)]
    )
    assert statuses == [302] * CONCURRENT_REQUESTS
    assert Support.objects.filter(initiative=initiative, user=supporter).count() == 1
    assert Initiative.objects.get(pk=initiative.pk).supporter_count == 1
