"""Support is once per resident, also when the same resident's requests race."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from initiatives.models import Initiative, Status, Support
from initiatives.tests.factories import InitiativeFactory
from portal.tests.factories import UserFactory

CONCURRENT_REQUESTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_support_requests_count_once():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    supporter = UserFactory()
    url = reverse("initiatives:support", args=[initiative.pk])
    clients = []
    for _number in range(CONCURRENT_REQUESTS):
        client = Client()
        client.force_login(supporter)
        clients.append(client)
    barrier = threading.Barrier(CONCURRENT_REQUESTS)
    statuses: list[int] = []

    def post(client: Client) -> None:
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(url).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * CONCURRENT_REQUESTS
    assert Support.objects.filter(initiative=initiative, user=supporter).count() == 1
    assert Initiative.objects.get(pk=initiative.pk).supporter_count == 1
