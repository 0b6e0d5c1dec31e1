"""The back office's index of what needs attention, and the audit log of staff actions
on residents' and suppliers' data."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from initiatives.models import Status
from initiatives.tests.factories import InitiativeFactory
from privacy.models import AuditEntry
from procurement.models import Supplier
from procurement.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    staff = StaffFactory(is_superuser=True)
    sign_in_staff(client, staff)
    return staff


def test_index_lists_what_needs_attention_with_filtered_links(client, superuser):
    from datetime import timedelta

    from django.utils import timezone

    initiative = InitiativeFactory(status=Status.SUBMITTED)
    type(initiative).objects.filter(pk=initiative.pk).update(
        response_due=timezone.localdate() - timedelta(days=3)
    )
    SupplierFactory(status=Supplier.Status.PENDING)
    response = client.get(reverse("admin:index"))
    queues = {queue.label: queue for queue in response.context["attention"]}
    overdue = queues["Initiatieven over hun antwoordtermijn"]
    assert overdue.count == 1
    assert overdue.url.endswith("?deadline=overdue")
    listing = client.get(overdue.url)
    assert listing.status_code == 200
    assert list(listing.context["cl"].queryset) == [initiative]
    pending = queues["Leveranciers om te controleren"]
    assert pending.count == 1
    assert client.get(pending.url).context["cl"].queryset.count() == 1
    for queue in queues.values():
        assert client.get(queue.url).status_code == 200


def test_index_shows_only_queues_the_role_may_open(client):
    officer = StaffFactory()
    officer.groups.add(Role.PROCUREMENT_OFFICER.group())
    sign_in_staff(client, officer)
    labels = [queue.label for queue in client.get(reverse("admin:index")).context["attention"]]
    assert labels == ["Leveranciers om te controleren"]


def test_looking_at_and_changing_a_person_is_audited_without_the_data(client, superuser):
    resident = UserFactory(display_name="Oud")
    url = reverse("admin:accounts_user_change", args=[resident.pk])
    client.get(url)
    viewed = AuditEntry.objects.get(action=AuditEntry.Action.VIEWED)
    assert (viewed.actor, viewed.target_id) == (superuser, str(resident.pk))
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "email": resident.email,
            "display_name": "Nieuw geheim",
            "language": "nl",
            "groups": [group.pk for group in resident.groups.all()],
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        }
    )
    data.pop("password", None)
    data.pop("user_permissions", None)
    data.pop("home_neighbourhood", None)
    client.post(url, data)
    changed = AuditEntry.objects.get(action=AuditEntry.Action.CHANGED)
    assert "Nieuw geheim" not in changed.summary
    assert changed.summary


def test_privacy_officer_reads_the_audit_log_and_nobody_edits_it(client, superuser):
    resident = UserFactory()
    client.get(reverse("admin:accounts_user_change", args=[resident.pk]))
    entry = AuditEntry.objects.get()
    assert client.get(reverse("admin:privacy_auditentry_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:privacy_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(reverse("admin:privacy_auditentry_change", args=[entry.pk]), {"summary": "weg"})
    entry.refresh_from_db()
    assert entry.summary == ""

    client.logout()
    officer = StaffFactory()
    officer.groups.add(Role.PRIVACY_OFFICER.group())
    sign_in_staff(client, officer)
    listing = client.get(reverse("admin:privacy_auditentry_changelist"))
    assert listing.status_code == 200
    assert entry in listing.context["cl"].queryset
    assert client.get(reverse("admin:initiatives_initiative_changelist")).status_code == 403


def test_residents_and_other_staff_cannot_read_the_audit_log(client):
    resident = UserFactory()
    client.force_login(resident)
    response = client.get(reverse("admin:privacy_auditentry_changelist"))
    assert response.status_code in {302, 403}
    client.logout()
    broker = StaffFactory()
    broker.groups.add(Role.INITIATIVE_BROKER.group())
    sign_in_staff(client, broker)
    assert client.get(reverse("admin:privacy_auditentry_changelist")).status_code == 403


def test_every_back_office_list_and_add_page_opens(client, superuser):
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert listing.status_code == 200, opts.label
        if model_admin.has_add_permission(listing.wsgi_request):
            add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
            assert add.status_code == 200, opts.label


def _counts_and_lists(client) -> dict[str, tuple[int, int]]:
    """Each queue on the index: its count, and the rows its link shows."""
    queues = client.get(reverse("admin:index")).context["attention"]
    return {
        queue.label: (queue.count, client.get(queue.url).context["cl"].result_count)
        for queue in queues
    }


def test_an_area_managers_attention_counts_are_the_rows_of_their_own_areas(client):
    from datetime import timedelta

    from django.utils import timezone

    from community.models import Membership
    from community.tests.factories import AmbassadorFactory, NetworkFactory
    from initiatives import actions as initiative_actions
    from initiatives.tests.factories import CommentFactory
    from neighbourhoods.models import AgendaStatus
    from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory
    from reports.tests.factories import ReportFactory

    manager = StaffFactory()
    manager.groups.add(Role.AREA_MANAGER.group())
    mine = NeighbourhoodFactory(area_manager=manager)
    other = NeighbourhoodFactory()
    for neighbourhood, how_many in ((mine, 1), (other, 2)):
        for _ in range(how_many):
            late = InitiativeFactory(status=Status.SUBMITTED, neighbourhood=neighbourhood)
            type(late).objects.filter(pk=late.pk).update(
                response_due=timezone.localdate() - timedelta(days=3)
            )
            comment = CommentFactory(initiative=late)
            initiative_actions.report_comment(
                comment=comment, reporter=UserFactory(), reason="Grof"
            )
            AgendaItemFactory(neighbourhood=neighbourhood, status=AgendaStatus.PROPOSED)
            ReportFactory(
                neighbourhood=neighbourhood, due_date=timezone.localdate() - timedelta(days=3)
            )
            AmbassadorFactory(
                network=NetworkFactory(neighbourhood=neighbourhood),
                status=Membership.Status.WAITING,
            )
    sign_in_staff(client, manager)
    assert _counts_and_lists(client) == {
        "Initiatieven over hun antwoordtermijn": (1, 1),
        "Gemelde reacties die op moderatie wachten": (1, 1),
        "Agendapunten die op een antwoord wachten": (1, 1),
        "Meldingen openbare ruimte over hun termijn": (1, 1),
        # Questions are scoped by department only: none of theirs (they are in none).
        "Vragen over hun termijn": (0, 0),
        "Ambassadeurs die wachten op goedkeuring": (1, 1),
    }


def test_researchers_are_told_of_council_questions_waiting_for_them(client):
    from participation.models import CouncilQuestion
    from participation.tests.factories import council_member

    member = council_member()
    for status in CouncilQuestion.Status.values:
        CouncilQuestion.objects.create(
            asked_by=member,
            question=f"Vraag {status}?",
            context="Omdat de raad het wil weten.",
            status=status,
            researcher_message="Reden." if status == CouncilQuestion.Status.DECLINED else "",
        )
    researcher = StaffFactory()
    researcher.groups.add(Role.RESEARCHER.group())
    sign_in_staff(client, researcher)
    counts = _counts_and_lists(client)
    # The submitted question to review and the accepted one that is no poll yet.
    assert counts["Raadsvragen die op de onderzoekers wachten"] == (2, 2)
    listing = client.get(
        reverse("admin:participation_councilquestion_changelist"), {"waiting": "researchers"}
    )
    assert {row.status for row in listing.context["cl"].result_list} == {
        CouncilQuestion.Status.SUBMITTED,
        CouncilQuestion.Status.ACCEPTED,
    }
