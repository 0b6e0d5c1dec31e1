"""Findings of the back-office walk (issue 28): what a civil servant reads there."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, sign_in_staff
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from privacy.models import AuditEntry
from procurement.tests.factories import SupplierFactory, SupplierMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    staff = StaffFactory(is_superuser=True)
    sign_in_staff(client, staff)
    return staff


def test_an_initiative_nobody_handles_says_so_in_the_column_and_the_filter(client, superuser):
    InitiativeFactory(status=Status.SUBMITTED, assignee=None)
    InitiativeFactory(status=Status.SUBMITTED, assignee=superuser)
    response = client.get(reverse("admin:initiatives_initiative_changelist"))
    html = response.content.decode()
    assert html.count("nog niemand") >= 2  # the column of the unassigned row, the filter
    choices = [
        choice["display"]
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", "") == "assignee"
        for choice in spec.choices(response.context["cl"])
    ]
    assert "nog niemand" in choices
    assert "-" not in choices


def test_the_audit_log_stores_no_english_word_and_filters_only_what_occurs(client, superuser):
    client.get(reverse("admin:accounts_user_changelist"))
    listed = AuditEntry.objects.get(action=AuditEntry.Action.LISTED)
    assert listed.summary == ""
    html = client.get(reverse("admin:privacy_auditentry_changelist")).content.decode()
    # The filter lists the kinds of data in the log (people), not every table there is.
    assert "sessie" not in html.lower()
    assert "soort inhoud" not in html.lower()


def test_the_library_apps_have_names_of_their_own(client, superuser):
    apps = {
        app["app_label"]: app["name"]
        for app in client.get(reverse("admin:index")).context["app_list"]
    }
    assert apps["account"] == "E-mailadressen en inloggen"
    assert apps["mfa"] == "Tweestapsverificatie"
    assert apps["accounts"] != apps["account"]


def test_verifying_a_supplier_without_a_team_does_not_claim_the_team_was_told(client):
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    sign_in_staff(client, officer)
    alone = SupplierFactory(status="pending")
    with_team = SupplierFactory(status="pending")
    SupplierMemberFactory(supplier=with_team)
    response = client.post(
        reverse("admin:procurement_supplier_changelist"),
        {"action": "verify", ACTION_CHECKBOX_NAME: [str(alone.pk), str(with_team.pk)]},
        follow=True,
    )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[-1:] == [
        "2 leveranciers geverifieerd. Bij 1 daarvan zit nog niemand in het team, "
        "dus niemand is op de hoogte gebracht. "
        "Het team van 1 leverancier is op de hoogte gebracht."
    ]


def test_verifying_suppliers_already_verified_says_nothing_was_done_and_why(client):
    """Walk finding 5: "0 leveranciers geverifieerd; hun teams zijn op de hoogte gebracht."
    when every chosen supplier was verified already."""
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    sign_in_staff(client, officer)
    done = SupplierFactory(status="verified")
    SupplierMemberFactory(supplier=done)
    pending = SupplierFactory(status="pending")
    SupplierMemberFactory(supplier=pending)
    changelist = reverse("admin:procurement_supplier_changelist")
    response = client.post(
        changelist, {"action": "verify", ACTION_CHECKBOX_NAME: [str(done.pk)]}, follow=True
    )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[-1:] == [
        "0 leveranciers geverifieerd. 1 leverancier was al geverifieerd en is overgeslagen."
    ]
    response = client.post(
        changelist,
        {"action": "verify", ACTION_CHECKBOX_NAME: [str(done.pk), str(pending.pk)]},
        follow=True,
    )
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[-1:] == [
        "1 leverancier geverifieerd. Het team van 1 leverancier is op de hoogte gebracht. "
        "1 leverancier was al geverifieerd en is overgeslagen."
    ]


def test_the_supplier_search_labels_its_checkboxes_without_a_colon(client):
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    sign_in_staff(client, officer)
    response = client.get(reverse("admin:procurement_supplier_search"))
    form = response.context["form"]
    html = response.content.decode()
    checkboxes = [f for f in form if f.field.widget.input_type == "checkbox"]
    assert checkboxes
    for field in checkboxes:
        assert f"{field.label}</label>" in html
        assert f"{field.label}:</label>" not in html
