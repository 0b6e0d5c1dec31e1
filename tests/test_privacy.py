"""Privacy self-service: the export holds everything we keep about a person, erasure
leaves nothing behind, and a new personal field cannot slip past either."""

import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, give_totp
from citydata.tests.factories import DatasetFactory, PartnerFactory
from initiatives.models import (
    Attachment,
    CoInitiatorInvitation,
    Comment,
    CommentReport,
    Follow,
    Initiative,
    InternalNote,
    MarketPitch,
    Status,
    StatusChange,
    Support,
)
from initiatives.tests.factories import CommentFactory, InitiativeFactory, ThemeFactory
from mood.models import AnalysisRun as MoodRun
from mood.models import Summary as MoodSummary
from neighbourhoods.models import (
    AddressList,
    AgendaItem,
    AgendaItemChange,
    AgendaVote,
    CbsImport,
    EventRSVP,
    NeighbourhoodFollow,
    Residence,
)
from neighbourhoods.tests.factories import (
    AgendaItemFactory,
    EventFactory,
    NeighbourhoodFactory,
)
from notifications.models import Notification, NotificationPreference
from participation.models import (
    CouncilQuestion,
    DecisionFollow,
    ProcessFollow,
    TeamLogEntry,
    TeamMembership,
)
from participation.tests.factories import ProcessFactory, TaskTeamFactory
from privacy import registry, retention
from privacy.audit import Action, record
from privacy.models import AuditEntry, ErasureRequest
from procurement.models import (
    KpiCheckpoint,
    OfficerDepartment,
    SocialReturnActivity,
    TeamInvitation,
    TenderChange,
    TenderInvitation,
)
from procurement.tests.factories import (
    ContractFactory,
    SupplierFactory,
    SupplierMemberFactory,
    TenderFactory,
    block,
)
from reports.models import Department, Feedback, FeedbackRequest, Forward
from reports.models import InternalNote as ReportNote
from reports.models import Photo as ReportPhoto
from reports.models import Status as ReportStatus
from reports.models import StatusChange as ReportStatusChange
from reports.models import Supporter as ReportSupporter
from reports.tests.factories import QuestionFactory as MunicipalQuestionFactory
from reports.tests.factories import ReportFactory
from surveys.models import Answer, Invitation, Response
from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory

EMAIL = "zwaluwstaart.qx7@example.nl"
NAME = "Zwaluwstaart Qx7"

# Columns that say something about people in general: a model with one of these, or a
# relation to an account, must be declared in a privacy module.
PERSONAL_COLUMN = re.compile(r"email|phone|telephone|ip_address|contact_name|display_name|birth")


def _models_about_people():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "contenttypes", "auth"}:
            continue
        for field in model._meta.get_fields():
            if not field.concrete and not field.many_to_many:
                continue
            if field.is_relation and field.related_model is user_model:
                yield model
                break
            if isinstance(field, models.EmailField) or PERSONAL_COLUMN.search(field.name):
                yield model
                break


def test_every_table_about_people_is_declared():
    declared = {entry.model for entry in registry.registry()}
    missing = {model._meta.label for model in _models_about_people()} - declared
    assert not missing, f"declare these tables in a privacy module: {sorted(missing)}"


@pytest.mark.parametrize("entry", registry.registry(), ids=lambda entry: entry.model)
def test_every_column_of_a_declared_table_is_classified(entry):
    model = entry.model_class
    columns = {f.name for f in model._meta.concrete_fields} | {
        f.name for f in model._meta.many_to_many
    }
    classified = set(entry.exported) | set(entry.not_personal) | set(entry.withheld)
    assert columns - classified == set(), "new columns: export, withhold or mark not personal"
    assert classified - columns == set(), "declared columns that do not exist"
    assert not set(entry.exported) & set(entry.not_personal)


@pytest.fixture
def person(db, tmp_path):
    """One account with a row in every table that can hold data about a person."""
    user = UserFactory(email=EMAIL, display_name=NAME)
    give_totp(user)
    EmailConfirmation.objects.create(
        email_address=EmailAddress.objects.get(user=user), key="zwaluw-bevestiging"
    )
    other = UserFactory()
    neighbourhood = NeighbourhoodFactory(area_manager=user)
    user.home_neighbourhood = neighbourhood
    user.save()
    ThemeFactory(slug="zwaluw-thema", team_lead=user)
    initiative = InitiativeFactory(
        initiator=user, status=Status.SUBMITTED, neighbourhood=neighbourhood
    )
    Attachment.objects.create(
        initiative=initiative,
        kind=Attachment.Kind.DOCUMENT,
        file="initiatives/plan.pdf",
        token="zwaluwtoken",
        extension="pdf",
        content_type="application/pdf",
        original_name="plan-van-de-buurt.pdf",
        size=1000,
    )
    StatusChange.objects.create(
        initiative=initiative, actor=user, from_status="draft", to_status="submitted"
    )
    InternalNote.objects.create(initiative=initiative, author=user, text="Intern")
    elses = InitiativeFactory(initiator=other, status=Status.SUBMITTED, supporter_count=1)
    Support.objects.create(initiative=elses, user=user)
    Follow.objects.create(initiative=elses, user=user)
    CommentFactory(initiative=elses, author=user, text="Goed plan")
    CommentReport.objects.create(comment=CommentFactory(initiative=elses), reporter=user)
    CoInitiatorInvitation.objects.create(initiative=elses, email=EMAIL, invited_by=other)
    event = EventFactory(neighbourhood=neighbourhood)
    MarketPitch.objects.create(event=event, initiative=initiative, signed_up_by=user)
    EventRSVP.objects.create(event=event, user=user)
    NeighbourhoodFollow.objects.create(neighbourhood=neighbourhood, user=user)
    Residence.objects.create(user=user, neighbourhood=neighbourhood, method="letter_code")
    AddressList.objects.create(file_name="adressen.csv", imported_by=user, issued_by=user)
    item = AgendaItemFactory(neighbourhood=neighbourhood, proposed_by=user, vote_count=1)
    AgendaVote.objects.create(
        item=item, user=user, neighbourhood=neighbourhood, year=timezone.localdate().year, slot=1
    )
    AgendaItemChange.objects.create(item=item, actor=user, from_status="", to_status="proposed")
    member = PanelMemberFactory(user=user, neighbourhood=neighbourhood)
    survey = SurveyFactory(anonymous=False)
    Invitation.objects.create(survey=survey, member=member, token_hash="a" * 64)
    Invitation.objects.create(survey=SurveyFactory(), email=EMAIL, token_hash="b" * 64)
    response = Response.objects.create(
        survey=survey, respondent=user, submitted_on=timezone.localdate()
    )
    Answer.objects.create(
        response=response, question=QuestionFactory(survey=survey), value_number=8
    )
    supplier = SupplierFactory(contact_name=NAME, contact_email=EMAIL)
    SupplierMemberFactory(supplier=supplier, user=user)
    TeamInvitation.objects.create(supplier=supplier, email=EMAIL, invited_by=other)
    tender = TenderFactory(contact_name=NAME, contact_email=EMAIL)
    TenderChange.objects.create(tender=tender, actor=user, summary="Gepland")
    TenderInvitation.objects.create(
        tender=tender, supplier=supplier, reason="Lokaal", created_by=user
    )
    CbsImport.objects.create(year=2024, source="CBS 2024", file_name="kwb.csv", imported_by=user)
    contract = ContractFactory(contract_manager=user)
    ContractFactory(
        supplier=None, invited_name="Nieuw B.V.", invited_kvk="12345678", invited_email=EMAIL
    )
    OfficerDepartment.objects.create(user=user, department="Facilitair")
    SocialReturnActivity.objects.create(
        contract=contract,
        block=block(),
        description="Een leerling in dienst",
        quantity=1,
        period_start=contract.start_date,
        period_end=contract.start_date,
        value=35_000,
        reported_by=user,
        reviewed_by=user,
    )
    KpiCheckpoint.objects.create(
        contract=contract,
        period_start=contract.start_date,
        period_end=contract.start_date,
        quality=7,
        on_time=7,
        communication=7,
        sustainability=7,
        remark="Netjes",
        recorded_by=user,
        response="Dank",
        responded_by=user,
        responded_at=timezone.now(),
    )
    Notification.objects.create(
        recipient=user, kind="announcement", messages={"nl": "Hallo", "en": "Hello"}, dedupe_key="x"
    )
    NotificationPreference.objects.create(user=user, kind="announcement", email="never")
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Initiative),
        object_id=str(initiative.pk),
        object_repr=initiative.title,
        action_flag=ADDITION,
    )
    record(actor=user, action=Action.VIEWED, target=other)
    process = ProcessFactory()
    ProcessFollow.objects.create(process=process, user=user)
    team = TaskTeamFactory()
    TeamMembership.objects.create(team=team, user=user, motivation="Ik help mee")
    TeamLogEntry.objects.create(team=team, author=user, text="Voortgang")
    CouncilQuestion.objects.create(asked_by=user, question="Vraag aan het panel?", context="Omdat")
    DecisionFollow.objects.create(user=user, neighbourhood=neighbourhood)
    ErasureRequest.objects.create(user=other, account_number=str(other.pk), requested_by=user)
    own_report = ReportFactory(reporter=user, neighbourhood=neighbourhood)
    ReportPhoto.objects.create(
        report=own_report,
        token="c" * 32,
        content_type="image/png",
        size=8,
        file=ContentFile(b"\x89PNG\r\n\x1a\n", name="tegel.png"),
    )
    # What they said after their report closed, in their own words (with their name).
    Feedback.objects.create(
        report=own_report,
        request=FeedbackRequest.objects.create(
            report=own_report, token_hash="d" * 64, expires_at=timezone.now()
        ),
        solved="no",
        grade=4,
        remark=f"Groet, {NAME}",
    )
    ReportFactory(reporter=None, reporter_email=EMAIL, status=ReportStatus.UNCONFIRMED)
    elses_report = ReportFactory(reporter=other)
    ReportSupporter.objects.create(report=elses_report, user=user)
    ReportSupporter.objects.create(report=ReportFactory(reporter=other), email=EMAIL)
    ReportStatusChange.objects.create(
        report=elses_report, status=ReportStatus.SOLVED, key="solved", by=user
    )
    ReportNote.objects.create(report=elses_report, text="Opgepakt", author=user)
    Forward.objects.create(report=elses_report, party="Waterschap", by=user)
    Department.objects.order_by("pk").first().members.add(user)
    # A question to the municipality, in their own words.
    MunicipalQuestionFactory(asker=user, text=f"Wanneer wordt de container geleegd? Groet, {NAME}")
    # A researcher's analysis of the mood of the city and the summary they wrote.
    run = MoodRun.objects.create(
        start=timezone.localdate(), end=timezone.localdate(), started_by=user
    )
    MoodSummary.objects.create(
        run=run,
        title_nl="Groen",
        title_en="Green",
        text_nl="Meer groen.",
        text_en="More green.",
        written_by=user,
        reviewed_by=user,
    )
    # A member of a partner of the inner-city dashboard, who also approved a dataset.
    partner = PartnerFactory(name="Binnenstadsondernemers", members=[user])
    DatasetFactory(partner=partner, approved_at=timezone.now(), approved_by=user)
    # Residents together: an ambassador's profile, an offer, a volunteer call and a
    # response, a conversation with their message, a block, a coach request and a report.
    from community.models import Block, Conversation, Message, MessageReport, VolunteerResponse
    from community.tests.factories import AmbassadorFactory, PostFactory, VolunteerCallFactory

    ambassador = AmbassadorFactory(user=user, public_name="Zwaluw")
    PostFactory(owner=user, description=f"Groet, {NAME}")
    VolunteerCallFactory(initiative=initiative, created_by=user)
    elses_call = VolunteerCallFactory(initiative=elses, created_by=other)
    VolunteerResponse.objects.create(call=elses_call, user=user)
    conversation = Conversation.objects.create(ambassador=ambassador, starter=other, other=user)
    Message.objects.create(conversation=conversation, author=other, text="Kun je helpen?")
    Message.objects.create(conversation=conversation, author=user, text=f"Ja! {NAME}")
    Conversation.objects.create(call=elses_call, starter=user, other=other)
    Block.objects.create(blocker=user, blocked=other)
    # They asked for a coach for their initiative.
    from community.models import CoachRequest

    CoachRequest.objects.create(initiative=initiative, asked_by=user, question="Subsidie?")
    MessageReport.objects.create(
        message=Message.objects.create(conversation=conversation, author=other, text="Hé"),
        reporter=user,
        reason="Onaardig",
    )
    # Near me: a saved circle around their street and an item it was told.
    from radar.models import Delivery, SavedArea

    area = SavedArea.objects.create(
        user=user,
        name="Thuis",
        latitude="52.156100",
        longitude="5.387800",
        radius=500,
        kinds=["initiatives"],
    )
    Delivery.objects.create(
        area=area,
        source="initiatives",
        item_id=elses.pk,
        title=elses.title,
        url=elses.get_absolute_url(),
    )
    # The neighbourhood budget: a plan (a public contribution, like an agenda item) and
    # a ballot in a round still open.
    from budgets.tests.factories import PlanFactory, ballot

    plan = PlanFactory(submitted_by=user, title="Bankjes aan de Slootkade")
    ballot(plan.round, [plan], voter=user)
    # A programme project they follow, and (as a colleague) an update they wrote.
    from neighbourhoods.models import ProjectFollower, ProjectUpdate
    from neighbourhoods.tests.factories import ProgrammeProjectFactory

    project = ProgrammeProjectFactory()
    ProjectFollower.objects.create(project=project, user=user)
    ProjectUpdate.objects.create(project=project, author=user, text_nl="Klaar.", progress=100)
    return user


def test_the_fixture_reaches_every_declared_table(person):
    empty = [entry.model for entry in registry.registry() if not entry.rows(person).exists()]
    assert empty == [], "give the person a row in these tables, so the export test sees them"


def test_export_contains_every_exported_field_of_every_row(person):
    export = registry.export_personal_data(person)
    by_table = {section["table"]: section for section in export["sections"]}
    for entry in registry.registry():
        section = by_table[entry.model]
        expected = [registry._row(row, entry) for row in entry.rows(person).order_by("pk")]
        assert section["rows"] == expected
        assert set(section["fields"]) == set(entry.exported)
    text = json.dumps(export)
    assert EMAIL in text
    assert NAME in text
    assert "plan-van-de-buurt.pdf" in text
    assert "password" not in by_table["accounts.User"]["fields"]
    assert "data" not in by_table["mfa.Authenticator"]["fields"]


def _text_columns(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def test_erasure_leaves_no_personal_data_in_any_table(person):
    user_pk = person.pk
    registry.erase_person(user=person)
    assert not User.objects.filter(pk=user_pk).exists()
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                assert not model._base_manager.filter(**{field.attname: user_pk}).exists(), (
                    f"{model._meta.label}.{field.name} still points to the erased account"
                )
        for field in _text_columns(model):
            if (model._meta.label, field.name) == ("privacy.AuditEntry", "actor_label"):
                continue  # a civil servant's trail stays as evidence (declared as withheld)
            for needle in (EMAIL, NAME):
                lookup = f"{field.name}__icontains"
                if isinstance(field, models.JSONField):
                    values = model._base_manager.values_list(field.name, flat=True)
                    assert not any(needle.lower() in json.dumps(v).lower() for v in values)
                else:
                    assert not model._base_manager.filter(**{lookup: needle}).exists(), (
                        f"{model._meta.label}.{field.name} still holds {needle}"
                    )


def test_erasure_keeps_public_contributions_as_a_former_resident(person, client):
    initiative = Initiative.objects.get(title__startswith="Buurtinitiatief", initiator=person)
    comment = Comment.objects.get(author=person)
    item = AgendaItem.objects.get(proposed_by=person)
    supported = Support.objects.get(user=person).initiative
    registry.erase_person(user=person)
    initiative.refresh_from_db()
    assert initiative.initiator is None
    assert initiative.status == Status.SUBMITTED
    assert Comment.objects.filter(pk=comment.pk, author=None).exists()
    assert AgendaItem.objects.filter(pk=item.pk, proposed_by=None).exists()
    supported.refresh_from_db()
    assert supported.supporter_count == 0
    item.refresh_from_db()
    assert item.vote_count == 0
    page = client.get(initiative.get_absolute_url())
    assert "voormalig inwoner" in page.content.decode().lower()


def test_erasure_can_withdraw_open_initiatives(person):
    draft = InitiativeFactory(initiator=person)
    submitted = Initiative.objects.get(initiator=person, status=Status.SUBMITTED)
    registry.erase_person(user=person, options={"withdraw_open_initiatives"})
    assert not Initiative.objects.filter(pk=draft.pk).exists()
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN


def test_anonymous_survey_answers_stay_and_stay_unlinkable(db):
    user = UserFactory()
    survey = SurveyFactory(anonymous=True)
    response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
    registry.erase_person(user=user)
    assert Response.objects.filter(pk=response.pk, respondent=None).exists()


# --- the resident's own pages -------------------------------------------------------


def test_resident_downloads_their_data_as_json(person, client):
    client.force_login(person)
    response = client.get(reverse("privacy:my_data_download"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert {s["table"] for s in data["sections"]} == {e.model for e in registry.registry()}


def test_resident_reads_their_data_as_a_page(person, client):
    client.force_login(person)
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 200
    assert EMAIL in response.content.decode()


def test_anonymous_visitor_gets_no_export(client, db):
    for name in ("privacy:my_data", "privacy:my_data_download", "privacy:delete_account"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]


def test_export_holds_only_ones_own_data(person, client):
    other = UserFactory(email="ander@example.nl")
    client.force_login(other)
    text = client.get(reverse("privacy:my_data_download")).content.decode()
    assert EMAIL not in text
    assert NAME not in text


def test_resident_deletes_their_account_and_cannot_sign_in(person, client):
    client.force_login(person)
    response = client.post(
        reverse("privacy:delete_account"), {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(email=EMAIL).exists()
    assert not client.login(email=EMAIL, password=PASSWORD)
    assert client.get(reverse("overview:my_page")).status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"password": "fout", "confirm": "on"}, "password"),
        ({"password": PASSWORD}, "confirm"),
        ({}, "password"),
    ],
)
def test_account_deletion_needs_password_and_confirmation(person, client, data, field):
    client.force_login(person)
    response = client.post(reverse("privacy:delete_account"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert User.objects.filter(pk=person.pk).exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_staff_cannot_delete_their_own_account_from_the_portal(client, db):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.post(reverse("privacy:delete_account"), {"password": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=staff.pk).exists()


# --- staff, for a request received by letter ----------------------------------------


@pytest.fixture
def privacy_desk(client, db):
    from accounts.tests.factories import sign_in_staff

    staff = StaffFactory(is_superuser=True)
    sign_in_staff(client, staff)
    return staff


def test_staff_export_a_persons_data_and_it_is_audited(person, client, privacy_desk):
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [person.pk]},
    )
    assert response.status_code == 200
    assert EMAIL in response.content.decode()
    assert AuditEntry.objects.filter(
        actor=privacy_desk, action=Action.EXPORTED, target_id=str(person.pk)
    ).exists()


def test_staff_erase_an_account_after_confirming(person, client, privacy_desk):
    url = reverse("admin:accounts_user_changelist")
    form = {"action": "erase_accounts", "_selected_action": [person.pk]}
    first = client.post(url, form)
    assert first.status_code == 200
    assert User.objects.filter(pk=person.pk).exists()
    client.post(url, {**form, "apply": "1"})
    assert User.objects.filter(pk=person.pk).exists(), "not without the confirmation box"
    client.post(url, {**form, "apply": "1", "confirm": "on"})
    assert not User.objects.filter(pk=person.pk).exists()
    assert AuditEntry.objects.filter(action=Action.ERASED, target_id=str(person.pk)).exists()


def test_email_addresses_go_with_the_account(person):
    registry.erase_person(user=person)
    assert not EmailAddress.objects.filter(email__iexact=EMAIL).exists()


def test_erasure_is_recorded_before_the_account_goes(person, db):
    staff = StaffFactory()
    registry.erase_person(user=person, by=staff)
    entry = AuditEntry.objects.get(action=Action.ERASED)
    assert entry.actor == staff
    assert entry.created_at > timezone.now() - timedelta(minutes=1)


# --- retention --------------------------------------------------------------------


def _inactive(days: int, **kwargs):
    user = UserFactory(**kwargs)
    User.objects.filter(pk=user.pk).update(
        last_login=timezone.now() - timedelta(days=days),
        date_joined=timezone.now() - timedelta(days=days + 10),
    )
    return User.objects.get(pk=user.pk)


def test_inactive_account_is_warned_once_then_erased(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    sleeper = _inactive(800)
    recent = _inactive(100)
    staff = _inactive(900, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.apply_retention() == (1, 0)
    assert [m.to for m in mailoutbox] == [[sleeper.email]]
    assert "30" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.apply_retention() == (0, 0), "warned accounts are not warned again"
    assert len(mailoutbox) == 1
    later = timezone.now() + timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention(now=later)
    assert not User.objects.filter(pk=sleeper.pk).exists()
    assert User.objects.filter(pk__in=[recent.pk, staff.pk]).count() == 2


def test_signing_in_cancels_the_removal(db, client, mailoutbox, django_capture_on_commit_callbacks):
    sleeper = _inactive(800)
    with django_capture_on_commit_callbacks(execute=True):
        retention.apply_retention()
    assert client.login(email=sleeper.email, password=PASSWORD)
    sleeper.refresh_from_db()
    assert sleeper.retention_warned_at is None
    retention.apply_retention(now=timezone.now() + timedelta(days=31))
    assert User.objects.filter(pk=sleeper.pk).exists()


def test_a_failed_warning_is_given_back_and_the_account_kept(db, monkeypatch, mailoutbox):
    from django.core.mail import EmailMultiAlternatives

    from privacy.retention import send_retention_warning

    def refuse(self, *args, **kwargs):
        raise OSError("mail server away")

    sleeper = _inactive(800)
    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert send_retention_warning.apply(args=(sleeper.pk,)).failed()
    sleeper.refresh_from_db()
    assert sleeper.retention_warned_at is None
    retention.apply_retention(now=timezone.now() + timedelta(days=60))
    assert User.objects.filter(pk=sleeper.pk).exists(), "never erased without a warning"
    monkeypatch.undo()
    assert send_retention_warning(sleeper.pk) is True
    assert len(mailoutbox) == 1


def test_my_data_page_reads_as_words_and_local_times_the_download_keeps_iso(person, client):
    """Finding 16 of the walk: the page showed raw kinds ("initiative_receipt") and
    "2026-12-02T14:00:56.543613+00:00"."""
    import datetime as dt

    from notifications.models import Notification, NotificationPreference

    moment = dt.datetime(2026, 12, 2, 14, 0, 56, 543613, tzinfo=dt.UTC)
    Notification.objects.create(
        recipient=person,
        kind="announcement",
        messages={"nl": "Wandeling 16", "en": "Walk 16"},
        dedupe_key="walk-16",
        created_at=moment,
    )
    NotificationPreference.objects.update_or_create(
        user=person, kind="announcement", defaults={"email": "never"}
    )
    client.force_login(person)
    html = client.get(reverse("privacy:my_data")).content.decode()
    assert "Mededelingen van de gemeente" in html
    assert ">announcement<" not in html
    assert "2026-12-02T" not in html
    assert "2 december 2026, 15:00" in html  # Amsterdam time, no seconds
    assert "portal-data-table" in html
    assert "Wandeling 16" in html  # the text in the page's language only
    assert "Walk 16" not in html
    data = json.loads(client.get(reverse("privacy:my_data_download")).content)
    notifications = next(s for s in data["sections"] if s["table"] == "notifications.Notification")
    row = next(r for r in notifications["rows"] if r["messages"]["en"] == "Walk 16")
    assert row["messages"]["nl"] == "Wandeling 16"  # the file holds every language
    assert row["kind"] == "Mededelingen van de gemeente"
    assert dt.datetime.fromisoformat(row["created_at"]) == moment
