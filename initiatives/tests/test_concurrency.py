"""Support is once per resident, and a "new initiative" form makes one draft, also
when the same resident's requests race."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from initiatives.models import Initiative, Status, Support
from initiatives.tests.factories import InitiativeFactory
from tests.concurrency import run_together, signed_in_post

CONCURRENT_REQUESTS = 20
CONCURRENT_FORM_POSTS = 10


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


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_posts_of_one_new_initiative_form_make_one_draft(neighbourhood, theme):
    """A double click or an impatient resident sends the same "new initiative" form
    many times at once: one draft, and every request leads to it."""
    resident = UserFactory()
    client = Client()
    client.force_login(resident)
    page = client.get(reverse("initiatives:create")).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', page).group(1)
    data = {
        "title": "Bankjes langs de singel",
        "summary": "Er is nergens een plek om even te zitten.",
        "description": "Drie bankjes tussen de brug en de molen.",
        "neighbourhood": neighbourhood.pk,
        "theme": theme.pk,
        "form_token": token,
    }

    def sender():
        # One browser tab each, signed in as the same resident.
        tab = Client()
        tab.force_login(resident)

        def send() -> tuple[int, str | None]:
            response = tab.post(reverse("initiatives:create"), data)
            return response.status_code, response.get("Location")

        return send

    answers = run_together([sender() for _number in range(CONCURRENT_FORM_POSTS)])
    draft = Initiative.objects.get()
    assert (draft.initiator, draft.status) == (resident, Status.DRAFT)
    assert answers == [(302, reverse("initiatives:preview", args=[draft.pk]))] * len(answers)
    assert len(answers) == CONCURRENT_FORM_POSTS


@pytest.mark.django_db
def test_each_new_initiative_form_makes_its_own_draft(client, neighbourhood, theme):
    """Two forms opened one after the other are two initiatives: the token is per form."""
    client.force_login(UserFactory())
    for title in ("Bankjes langs de singel", "Een boom op het plein"):
        page = client.get(reverse("initiatives:create")).content.decode()
        token = re.search(r'name="form_token" value="([0-9a-f-]{36})"', page).group(1)
        data = {
            "title": title,
            "summary": "Dit is nodig in de buurt.",
            "description": "Meer uitleg volgt.",
            "neighbourhood": neighbourhood.pk,
            "theme": theme.pk,
            "form_token": token,
        }
        assert client.post(reverse("initiatives:create"), data).status_code == 302
    assert Initiative.objects.count() == 2
