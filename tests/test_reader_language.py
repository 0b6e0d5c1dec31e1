"""Texts the portal writes itself come out in the reader's language, also when they were
stored before (issue 28): timeline messages, a tender's history, counts with the right
plural, the back office's messages without a wrong article, and "je" throughout."""

import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import translation

from accounts.tests.factories import StaffFactory, UserFactory
from initiatives import actions
from initiatives.admin import InitiativeAdmin
from initiatives.models import Initiative, Status, StatusChange
from initiatives.tests.factories import InitiativeFactory
from procurement.models import TenderChange
from procurement.tests.factories import TenderFactory
from surveys.models import AgeBand
from surveys.results import _group_label

pytestmark = pytest.mark.django_db


def test_a_timeline_message_of_the_portal_is_in_the_readers_language(client):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=StaffFactory(), message_key="in_review"
    )
    client.cookies["portal_language"] = "en"
    english = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "The municipality is reviewing this initiative." in english.content.decode()
    client.cookies["portal_language"] = "nl"
    dutch = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl")
    assert "De gemeente bekijkt dit initiatief nu." in dutch.content.decode()
    assert "reviewing" not in dutch.content.decode()


def test_followers_hear_the_portals_message_in_their_own_language():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    english = UserFactory(language="en")
    actions.follow_initiative(initiative=initiative, user=english)
    actions.change_initiative_status(
        initiative=initiative, to=Status.IN_REVIEW, by=StaffFactory(), message_key="in_review"
    )
    told = english.notifications.get()
    assert "The municipality is reviewing this initiative." in told.message_in("en")
    # Kept in every language: they read it in Dutch once they read the portal in Dutch.
    assert "De gemeente bekijkt dit initiatief nu." in told.message_in("nl")


def test_an_account_closed_withdrawal_is_written_as_a_key():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    actions.withdraw_all_open(user=initiative.initiator)
    change = initiative.status_changes.get()
    assert (change.message_key, change.message) == ("account_closed", "")
    with translation.override("en"):
        assert change.public_message.startswith("The initiator closed their account")


def test_timeline_rows_written_before_get_their_key_back():
    initiative = InitiativeFactory(status=Status.IN_REVIEW)
    old = [
        StatusChange.objects.create(
            initiative=initiative, from_status="submitted", to_status="in_review", message=text
        )
        for text in [
            "De gemeente bekijkt dit initiatief nu.",
            "The municipality is reviewing this initiative.",
            "Wij kijken ernaar.",  # written by a person: stays as written
        ]
    ]
    migration = importlib.import_module("initiatives.migrations.0007_status_change_message_key")
    migration.keys_for_known_texts(apps, None)
    rows = [StatusChange.objects.get(pk=row.pk) for row in old]
    assert [(row.message_key, row.message) for row in rows] == [
        ("in_review", ""),
        ("in_review", ""),
        ("", "Wij kijken ernaar."),
    ]
    with translation.override("en"):
        assert rows[0].public_message == "The municipality is reviewing this initiative."


def test_a_tenders_history_is_in_the_readers_language():
    tender = TenderFactory()
    created = TenderChange.objects.create(
        tender=tender, kind=TenderChange.Kind.CREATED, details={"status": "planned"}
    )
    changed = TenderChange.objects.create(
        tender=tender, kind=TenderChange.Kind.CHANGED, details={"fields": ["title"]}
    )
    with translation.override("nl"):
        assert created.description() == "aangemaakt (status: Gepland)"
        dutch_changed = changed.description()
    with translation.override("en"):
        assert created.description() == "created (status: Planned)"
        assert changed.description() == "changed: title"
    assert dutch_changed.startswith("gewijzigd: ")
    assert dutch_changed != "gewijzigd: title"


def test_tender_history_written_before_is_read_back_into_kind_and_details():
    tender = TenderFactory()
    with translation.override("nl"):
        title = str(tender._meta.get_field("title").verbose_name).capitalize()
    rows = [
        TenderChange.objects.create(tender=tender, summary=text)
        for text in [
            "aangemaakt (status: Gepland)",
            f"gewijzigd: {title}",
            "De sluitingsdatum is een week later.",
        ]
    ]
    migration = importlib.import_module("procurement.migrations.0008_tender_change_kind")
    migration.kinds_for_known_texts(apps, None)
    rows = [TenderChange.objects.get(pk=row.pk) for row in rows]
    assert (rows[0].kind, rows[0].details) == ("created", {"status": "planned"})
    assert (rows[1].kind, rows[1].details) == ("changed", {"fields": ["title"]})
    assert (rows[2].kind, rows[2].summary) == ("", "De sluitingsdatum is een week later.")
    with translation.override("en"):
        assert rows[0].description() == "created (status: Planned)"


@pytest.mark.parametrize(
    ("left", "dutch"), [(1, "1 werkdag"), (3, "3 werkdagen"), (-1, "1 werkdag te laat")]
)
def test_days_left_in_the_queue_say_one_working_day(left, dutch, monkeypatch):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    monkeypatch.setattr(Initiative, "working_days_left", lambda self, today=None: left)
    with translation.override("nl"):
        shown = str(InitiativeAdmin(Initiative, admin.site).deadline(initiative))
    assert dutch in shown
    assert "1 werkdagen" not in shown


def test_the_back_office_says_no_wrong_article_and_uses_je():
    with translation.override("nl"):
        added = translation.gettext("The {name} “{obj}” was added successfully.")
        changed = translation.gettext(
            "The {name} “{obj}” was changed successfully. You may edit it again below."
        )
        hints = " ".join(password_validators_help_texts())
    assert not added.startswith("De ")
    assert (
        added.format(name="initiatief", obj="Moestuin") == "“Moestuin” (initiatief) is toegevoegd."
    )
    assert "U kunt" not in changed
    assert "Je kunt" in changed
    assert "Uw " not in hints
    assert "Je wachtwoord" in hints


def test_django_admins_own_english_is_dutch_on_dutch_pages():
    with translation.override("nl"):
        for msgid in ["Filter by %(field_name)s", "Search %(name)s", "Pagination %(name)s"]:
            assert translation.gettext(msgid) != msgid


def test_an_initiative_answered_or_submitted_today_says_so_without_zero_days(client):
    initiative = InitiativeFactory()
    actions.submit_initiative(initiative=initiative, by=initiative.initiator)
    client.cookies["portal_language"] = "nl"
    page = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "0 dagen" not in page
    assert "Vandaag ingediend" in page


def test_an_age_band_is_shown_by_its_label():
    with translation.override("nl"):
        assert _group_label("age_band", "u25") == str(AgeBand.UNDER_25.label)
        assert "u25" not in _group_label("age_band", "u25")
