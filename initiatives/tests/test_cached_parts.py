"""The parts of an initiative's page that are the same for everyone are cached while
nothing changes, for residents as for visitors: each person still gets their own form
token in the comments' reply forms, a hidden comment's reason reaches its author only,
and a new comment or another contact person shows at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from common import public_cache
from initiatives import actions
from initiatives.models import Comment, Status
from initiatives.tests.factories import CommentFactory, InitiativeFactory

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def caching(settings):
    settings.PORTAL_VISITOR_CACHE_SECONDS = 60


@pytest.fixture
def discussed():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    CommentFactory(initiative=initiative, text="Mooi plan voor het plein")
    return initiative


def signed_in(person) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    return client


def test_each_resident_replies_with_their_own_token(discussed):
    url = discussed.get_absolute_url()
    first, second = signed_in(UserFactory()), signed_in(UserFactory())
    first.get(url)  # renders and caches the comments for everyone signed in
    page = second.get(url).text
    tokens = set(TOKEN.findall(page))
    assert public_cache.CSRF_PLACEHOLDER not in page
    assert len(tokens) == 1  # the reply form's token is the page's own
    assert tokens != set(TOKEN.findall(first.get(url).text))
    top = Comment.objects.get()
    reply = second.post(
        reverse("initiatives:comment", args=[discussed.pk]),
        {"text": "Ik help mee", "parent": top.pk, "csrfmiddlewaretoken": tokens.pop()},
    )
    assert reply.status_code == 302
    assert "Ik help mee" in first.get(url).text  # the cached comments were renewed


def test_a_hidden_comments_reason_reaches_its_author_only(discussed):
    author, other = UserFactory(), UserFactory()
    hidden = CommentFactory(initiative=discussed, author=author, text="Iets grofs")
    actions.hide_comment(comment=hidden, by=UserFactory(is_staff=True), reason="Grof taalgebruik")
    url = discussed.get_absolute_url()
    for _round in range(2):  # whoever comes first, the other's page stays their own
        assert "Grof taalgebruik" not in signed_in(other).get(url).text
        assert "Grof taalgebruik" in signed_in(author).get(url).text
        assert "Iets grofs" not in Client().get(url).text


def test_visitors_and_residents_get_their_own_version(discussed):
    url = discussed.get_absolute_url()
    resident = signed_in(UserFactory())
    for _round in range(2):
        assert "Melden" in resident.get(url).text
        visitor = Client().get(url).text
        assert "Mooi plan voor het plein" in visitor
        assert "Melden" not in visitor


def test_a_new_contact_person_shows_at_once(discussed):
    url = discussed.get_absolute_url()
    resident = signed_in(UserFactory())
    assert "de initiatiefmakelaar van de gemeente" in resident.get(url).text
    discussed.assignee = UserFactory(is_staff=True, display_name="Fatima de Vries")
    discussed.save()
    assert "Fatima de Vries" in resident.get(url).text
    assert "Fatima de Vries" in Client().get(url).text
