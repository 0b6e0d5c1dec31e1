"""Who may open what: every URL pattern of the portal (the back office included), asked
by every kind of person, on things that belong to resident A.

The people: a visitor who is not signed in, residents A and B, suppliers A and B (each a
resident on the team of their own company), a council member, one colleague per staff
role (signed in with password and authenticator app) and an administrator. Each request
runs in a savepoint that is rolled back, so an allowed POST changes nothing for the next
one; forms are posted empty, views that only take POST are posted to.

The expected outcome of every cell comes from ``PORTAL`` (the portal's own pages, one
rule per URL name) and ``BACK_OFFICE`` (what each staff role may do with each model in
the Django admin). A URL in neither fails the test: a new page must say who may open it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

# --- outcomes -------------------------------------------------------------------------

OK = "ok"  # the view served this person: a page, a file, a form error, a redirect onward
LOGIN = "login"  # sent to sign in first
DENIED = "denied"  # 403 or 404: not theirs, or not for them
ADMIN_LOGIN = "admin login"  # sent to the back office's sign-in (not staff)


def outcome(response, *, admin_login: str) -> str:
    assert response.status_code < 500, f"server error {response.status_code}"
    if response.status_code in (403, 404):
        return DENIED
    if response.status_code in (301, 302, 303):
        target = response["Location"]
        if target.startswith(admin_login):
            return ADMIN_LOGIN
        if target.startswith(reverse("account_login")):
            return LOGIN
        asked = response.wsgi_request.path
        if target == reverse("admin:index") and asked not in (
            reverse("admin:login"),
            reverse("admin:logout"),
        ):
            # The admin's answer for a record that is not in this person's list (another
            # area's, or none at all): it does not exist for them.
            return DENIED
    return OK


# --- the people -----------------------------------------------------------------------

STAFF_ROLES = [role for role in Role if role not in (Role.RESIDENT, Role.COUNCIL_MEMBER)]
PEOPLE = [
    "anonymous",
    "resident_a",
    "resident_b",
    "supplier_a",
    "supplier_b",
    "council_member",
    *[role.value for role in STAFF_ROLES],
    "superuser",
]
STAFF = {role.value for role in STAFF_ROLES} | {"superuser"}


# --- rules for the portal's own pages ------------------------------------------------


def everyone(person: str) -> str:
    return OK


def signed_in(person: str) -> str:
    return LOGIN if person == "anonymous" else OK


def only(*allowed: str) -> Callable[[str], str]:
    """Signed-in people other than ``allowed`` get a 403 or 404."""

    def rule(person: str) -> str:
        if person == "anonymous":
            return LOGIN
        return OK if person in allowed else DENIED

    return rule


def visible_to(*allowed: str) -> Callable[[str], str]:
    """No sign-in asked; who is not ``allowed`` (the visitor included) gets a 404."""

    def rule(person: str) -> str:
        return OK if person in allowed else DENIED

    return rule


def sign_in_then_hidden(person: str) -> str:
    """Asks the visitor to sign in first; for everyone signed in the thing is a 404."""
    return LOGIN if person == "anonymous" else DENIED


def residents_only(person: str) -> str:
    """Staff accounts are managed in the back office, not by their holders."""
    if person == "anonymous":
        return LOGIN
    return DENIED if person in STAFF else OK


def sign_in_step(person: str) -> str:
    """A step of signing in: a visitor who has not begun is sent to the start."""
    return LOGIN if person == "anonymous" else OK


def with_authenticator(person: str) -> str:
    """Only who has an authenticator app (here: the staff, who must) can turn it off."""
    if person == "anonymous":
        return LOGIN
    return OK if person in STAFF else DENIED


def without_the_link(person: str) -> str:
    """A page that needs a secret link's token in the session: 404 for everyone here."""
    return DENIED


def nobody(person: str) -> str:
    """Nobody in the world has recovery codes yet: 404 for all who are signed in."""
    return LOGIN if person == "anonymous" else DENIED


owner = only("resident_a")
suppliers = only("supplier_a", "supplier_b")

# URL name -> rule. Objects in the URL belong to resident A (or supplier A); tokens are
# A's own: a link from an email works for whoever holds it, as such links do.
PORTAL: dict[str, Callable[[str], str]] = {
    "home": everyone,
    "health": everyone,
    "set_language": everyone,
    # Accounts (allauth): sign-in pages for visitors, account pages for the signed-in.
    "account_login": everyone,
    "account_logout": everyone,
    "account_inactive": everyone,
    "account_signup": everyone,
    "account_reauthenticate": signed_in,
    "account_email": signed_in,
    "account_email_verification_sent": everyone,
    "account_change_password": signed_in,
    "account_set_password": signed_in,
    "account_reset_password": everyone,
    "account_confirm_login_code": sign_in_step,
    "account_confirm_email": everyone,
    "account_reset_password_from_key_done": everyone,
    "account_reset_password_from_key": everyone,
    "account_reset_password_done": everyone,
    "mfa_index": signed_in,
    "mfa_authenticate": sign_in_step,
    "mfa_reauthenticate": signed_in,
    "mfa_activate_totp": signed_in,
    "mfa_deactivate_totp": with_authenticator,
    "mfa_view_recovery_codes": nobody,
    "mfa_generate_recovery_codes": signed_in,
    "mfa_download_recovery_codes": nobody,
    # The portal's kernel.
    "notifications:list": signed_in,
    "notifications:read": owner,
    "notifications:open": owner,
    "notifications:read_all": signed_in,
    "notifications:preferences": signed_in,
    "notifications:unsubscribe": everyone,
    # The old /meldingen/ addresses redirect to /berichten/ for everyone.
    "notifications:old_address_root": everyone,
    "notifications:old_address": everyone,
    "overview:page": everyone,
    "overview:search": everyone,
    "overview:dashboard": everyone,
    "overview:dashboard_csv": everyone,
    "overview:open_data": everyone,
    "overview:api_initiatives": everyone,
    "overview:api_agenda_items": everyone,
    "overview:api_programmes": everyone,
    "overview:api_events": everyone,
    "overview:api_surveys": everyone,
    "overview:api_survey_results": everyone,
    "overview:api_indicators": everyone,
    "overview:api_neighbourhoods_geojson": everyone,
    "overview:api_initiatives_geojson": everyone,
    "overview:api_area_figures": everyone,
    "overview:api_area_figures_csv": everyone,
    "overview:my_page": signed_in,
    "privacy:my_data": signed_in,
    "privacy:my_data_download": signed_in,
    "privacy:delete_account": residents_only,
    # Neighbourhoods.
    "neighbourhoods:list": everyone,
    "neighbourhoods:find": everyone,
    "neighbourhoods:monitor_csv": everyone,
    "neighbourhoods:events": everyone,
    "neighbourhoods:event": everyone,
    "neighbourhoods:event_rsvp": signed_in,
    "neighbourhoods:event_ics": everyone,
    "neighbourhoods:detail": everyone,
    "neighbourhoods:follow": signed_in,
    "neighbourhoods:agenda": everyone,
    "neighbourhoods:agenda_propose": signed_in,
    "neighbourhoods:agenda_item": everyone,
    "neighbourhoods:agenda_edit": owner,
    "neighbourhoods:agenda_vote": signed_in,
    # A programme not yet published: nobody sees it on the portal (staff use the admin).
    "neighbourhoods:programme": visible_to(),
    # Its project, following it and an update's photo likewise (a published one is
    # followed by anyone signed in: tests/test_project_progress.py).
    "neighbourhoods:project": visible_to(),
    "neighbourhoods:project_follow": sign_in_then_hidden,
    "neighbourhoods:project_photo": visible_to(),
    "neighbourhoods:monitor": everyone,
    "neighbourhoods:area_monitor": everyone,
    "neighbourhoods:area_monitor_csv": everyone,
    # Showing where you live: the page (letter code) for everyone signed in; DigiD is not
    # configured here, so its two addresses are a 404 for them.
    "verification:start": signed_in,
    "verification:digid_start": nobody,
    "verification:digid_callback": nobody,
    # Initiatives: the public one is A's submitted initiative; edit, preview and submit
    # are on A's draft.
    "initiatives:list": everyone,
    "initiatives:create": signed_in,
    "initiatives:similar": everyone,
    "initiatives:detail": everyone,
    "initiatives:edit": owner,
    "initiatives:preview": owner,
    "initiatives:submit": owner,
    "initiatives:withdraw": owner,
    "initiatives:answer": owner,
    "initiatives:support": signed_in,
    "initiatives:follow": signed_in,
    "initiatives:comment": signed_in,
    "initiatives:market_signup": owner,
    "initiatives:report": signed_in,
    # A file of A's draft: only A sees it until the initiative is public.
    "initiatives:attachment": visible_to("resident_a"),
    # The invitation is for resident B's address; anyone signed in reaches the page,
    # which tells others it is not for them.
    "initiatives:invitation": signed_in,
    # Surveys.
    "surveys:list": everyone,
    "surveys:panel": signed_in,
    "surveys:panel_leave": everyone,
    # Without a leave link opened in this session the page only says where to go.
    "surveys:panel_leave_confirm": everyone,
    "surveys:invitation": everyone,
    "surveys:indicators": everyone,
    "surveys:indicator": everyone,
    "surveys:start": everyone,
    "surveys:page": everyone,
    "surveys:thanks": everyone,
    "surveys:results": everyone,
    "surveys:results_csv": everyone,
    # Procurement.
    "procurement:calendar": everyone,
    "procurement:calendar_ics": everyone,
    "procurement:calendar_csv": everyone,
    "procurement:ocds": everyone,
    "procurement:supplier_ics": everyone,
    "procurement:tender": everyone,
    # Any supplier may say it is interested; who has no company is sent to register one.
    "procurement:interest": signed_in,
    "procurement:cpv_search": everyone,
    "procurement:profile": signed_in,
    "procurement:register": signed_in,
    "procurement:team_invite": suppliers,
    "procurement:renew_feed": suppliers,
    "procurement:team_accept": signed_in,
    "procurement:contracts": everyone,
    "procurement:contracts_csv": everyone,
    # The figures the council asks for: aggregates of the public register and calendar.
    "procurement:figures": everyone,
    "procurement:figures_csv": everyone,
    # A contract's files and its social return: supplier A's own team, and the officers
    # (through the permission); everyone else gets a 404.
    "procurement:contract_document": only(
        "supplier_a", Role.PROCUREMENT_OFFICER.value, "superuser"
    ),
    "procurement:evidence": only("supplier_a", Role.PROCUREMENT_OFFICER.value, "superuser"),
    "procurement:supplier_contracts": suppliers,
    "procurement:supplier_contract": only("supplier_a"),
    "procurement:activity_answer": only("supplier_a"),
    "procurement:kpi_response": only("supplier_a"),
    # Participation.
    "participation:processes": everyone,
    "participation:teams": everyone,
    "participation:team": everyone,
    "participation:team_apply": signed_in,
    # The team's progress log is written by its leads (A leads the team) and the area
    # manager of its neighbourhood.
    "participation:team_log": only("resident_a", Role.AREA_MANAGER.value),
    "participation:council": everyone,
    "participation:council_ask": only("council_member"),
    # A question not yet answered: only the council member who asked it sees it.
    "participation:council_question": visible_to("council_member"),
    "participation:decisions": everyone,
    "participation:decision_follow": signed_in,
    "participation:decisions_rss": everyone,
    "participation:decisions_atom": everyone,
    "participation:decision": everyone,
    "participation:process": everyone,
    "participation:process_follow": signed_in,
    # Public-space reports: A's report went in; anyone may report, confirm a link (A's
    # own), and say "I saw this too" (a visitor's empty form is refused beside the field).
    "reports:list": everyone,
    "reports:create": everyone,
    "reports:confirm": everyone,
    "reports:confirm_link": everyone,
    "reports:detail": everyone,
    "reports:support": everyone,
    # Open data and Open311 (JSON/XML, not pages): public; the POST to requests needs an
    # app's api_key, which nobody here has (403 in the standard's format).
    "reports:opendata_json": everyone,
    "reports:opendata_geojson": everyone,
    "reports:opendata_csv": everyone,
    # "U zei, wij deden": what was improved from reporters' answers, with figures.
    "reports:improvements": everyone,
    "open311:services": everyone,
    "open311:service": everyone,
    "open311:requests": everyone,
    "open311:request": everyone,
    # A photo not yet checked by staff: the reporter and colleagues who handle reports.
    "reports:photo": visible_to("resident_a", Role.AREA_MANAGER.value, "superuser"),
    # "Is it solved?": the link moves its token into the session (anyone may follow it);
    # the form, the thank-you page and reopening need that token (or the answer given
    # with it) in the session, which nobody here has: a "this link does not work" 404.
    "reports:feedback_link": everyone,
    "reports:feedback": without_the_link,
    "reports:feedback_thanks": without_the_link,
    "reports:feedback_reopen": without_the_link,
    # Questions (webcare): the public Q&A page and the form are for anyone; A's question
    # (private, not answered yet) only for A: everyone else gets a 404 like a missing page.
    "reports:questions": everyone,
    "reports:question_create": everyone,
    "reports:question": visible_to("resident_a"),
    # "Wat leeft er in de stad": the published summaries of the mood of the city.
    "mood:public": everyone,
    # The inner city's data: the dashboard, the API's documentation and the approved
    # datasets as open data for anyone; the partners' pages only for a member of a
    # partner (resident A, of Binnenstadsondernemers). The API authenticates by token,
    # not session: without one it answers 401 to everyone.
    "citydata:dashboard": everyone,
    "citydata:api_docs": everyone,
    "citydata:dataset_json": everyone,
    "citydata:dataset_csv": everyone,
    "citydata:api_observations": everyone,
    "citydata:partner_home": only("resident_a"),
    "citydata:upload": only("resident_a"),
    # Near me: anyone signed in has their own buurtradar; A's saved area only for A.
    "radar:list": signed_in,
    "radar:create": signed_in,
    "radar:edit": owner,
    "radar:delete": owner,
    # Residents together: A's offer, A's volunteer call for A's initiative, A as approved
    # ambassador, and a conversation between the council member and A about the offer.
    "community:index": everyone,
    "community:post_create": signed_in,
    "community:post": everyone,
    "community:post_reply": signed_in,
    "community:post_edit": owner,
    "community:call": everyone,
    "community:call_respond": signed_in,
    "community:call_create": owner,
    "community:networks": everyone,
    "community:join": signed_in,
    "community:ambassador": everyone,
    "community:ambassador_contact": signed_in,
    "community:conversations": signed_in,
    "community:conversation": only("resident_a", "council_member"),
    "community:conversation_share": only("resident_a", "council_member"),
    "community:conversation_block": only("resident_a", "council_member"),
    "community:message_report": only("resident_a", "council_member"),
    # A asks a coach for their initiative; A, as the ambassador asked, answers.
    "community:coach_ask": owner,
    "community:coaching": only("resident_a"),
    # The neighbourhood budget: A lives in the round's neighbourhood (a Residence), so
    # only A may vote there; a plan needs a confirmed email address (everyone here has
    # one); the results of a closed round and the open data are public.
    "budgets:list": everyone,
    "budgets:round": everyone,
    "budgets:plan_submit": signed_in,
    "budgets:ballot": owner,
    "budgets:results": everyone,
    "budgets:results_csv": everyone,
    "budgets:progress": everyone,
    "budgets_opendata:json": everyone,
    "budgets_opendata:csv": everyone,
}

# What each staff role may do per model in the admin: v(iew), a(dd), c(hange), d(elete).
# The administrator may do everything; residents, suppliers and council members nothing.
# Deleting is rare on purpose: initiatives, suppliers and surveys are withdrawn, archived
# or closed, so their history stays.
BACK_OFFICE: dict[str, dict[str, str]] = {
    "Area manager": {
        "initiatives.comment": "v",
        "initiatives.initiative": "cv",
        "initiatives.marketpitch": "v",
        "initiatives.theme": "v",
        "neighbourhoods.addresslist": "acdv",
        "neighbourhoods.agendaitem": "acv",
        "neighbourhoods.buurt": "cv",
        "neighbourhoods.event": "acv",
        "neighbourhoods.neighbourhood": "v",
        "neighbourhoods.programme": "acv",
        "neighbourhoods.programmeproject": "acdv",
        "participation.decision": "acv",
        "participation.process": "acv",
        "participation.taskteam": "acv",
        "participation.teammembership": "acv",
        "participation.topic": "v",
        "reports.category": "v",
        "reports.department": "v",
        "reports.improvement": "acv",
        "reports.report": "cv",
        "reports.question": "cv",
        "reports.topic": "v",
        "community.membership": "cv",
        "community.volunteercall": "acv",
        "community.networktheme": "v",
        "community.coachrequest": "cv",
        "budgets.round": "acv",
        "budgets.plan": "cv",
        "budgets.ballot": "acdv",
    },
    "Initiative broker": {
        "community.networktheme": "acv",
        "community.post": "cv",
        "community.message": "v",
        "community.coachrequest": "cv",
        "initiatives.comment": "cv",
        "initiatives.initiative": "cv",
        "initiatives.marketpitch": "dv",
        "initiatives.theme": "cv",
        "neighbourhoods.event": "acv",
    },
    "Privacy officer": {
        "privacy.auditentry": "v",
        "accounts.user": "v",
        "privacy.erasurerequest": "v",
    },
    "Procurement officer": {
        "procurement.cpvcode": "v",
        "procurement.supplier": "acv",
        "procurement.tender": "acv",
        "procurement.threshold": "acv",
        "procurement.mvicriterion": "acv",
        "procurement.contract": "acv",
        "procurement.socialreturnblock": "acv",
        "procurement.socialreturnactivity": "cv",
        "procurement.officerdepartment": "v",
    },
    "Researcher": {
        "citydata.apitoken": "acv",
        "citydata.dataset": "acv",
        "citydata.partner": "acv",
        "mood.analysisrun": "acv",
        "neighbourhoods.buurt": "v",
        "neighbourhoods.cbsimport": "av",
        "participation.councilquestion": "cv",
        "participation.decision": "acv",
        "participation.topic": "v",
        "surveys.indicator": "acv",
        "surveys.panelmember": "v",
        "surveys.question": "acdv",
        "surveys.survey": "acv",
    },
}


# --- the world: resident A's things, and the people ----------------------------------


@dataclass
class World:
    people: dict
    objects: dict


def _build_world() -> World:
    from initiatives import actions as initiative_actions
    from initiatives.models import Attachment, Status
    from initiatives.tests.factories import CommentFactory, InitiativeFactory
    from neighbourhoods.models import ProjectUpdate
    from neighbourhoods.tests.factories import (
        AgendaItemFactory,
        EventFactory,
        NeighbourhoodFactory,
        ProgrammeFactory,
        ProgrammeProjectFactory,
    )
    from notifications.kinds import unsubscribe_token
    from overview.models import PortalPage
    from participation.models import CouncilQuestion, TeamMembership
    from participation.tests.factories import (
        DecisionFactory,
        MembershipFactory,
        ProcessFactory,
        TaskTeamFactory,
    )
    from procurement import actions as procurement_actions
    from procurement.tasks import team_token
    from procurement.tests.factories import SupplierMemberFactory, TenderFactory
    from surveys import actions as survey_actions
    from surveys.models import Indicator, Invitation, PanelMember, Survey
    from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory

    a = UserFactory(display_name="Anna")
    b = UserFactory(display_name="Bram")
    council = UserFactory(display_name="Raadslid")
    council.groups.add(Role.COUNCIL_MEMBER.group())
    supplier_a = SupplierMemberFactory().user
    supplier_b = SupplierMemberFactory().user
    people = {
        "anonymous": None,
        "resident_a": a,
        "resident_b": b,
        "supplier_a": supplier_a,
        "supplier_b": supplier_b,
        "council_member": council,
    }
    for role in STAFF_ROLES:
        colleague = StaffFactory()
        colleague.groups.add(role.group())
        people[role.value] = colleague
    people["superuser"] = StaffFactory(is_superuser=True)

    # The area manager manages A's neighbourhood: their cells are about their own area
    # (other areas: tests/test_authorisation_actions.py).
    neighbourhood = NeighbourhoodFactory(area_manager=people[Role.AREA_MANAGER.value])
    # A buurt of it and an import of CBS figures (the back office's pages of both).
    from neighbourhoods.models import Buurt, CbsImport

    Buurt.objects.create(cbs_code="BU99999901", name="Buurt A", neighbourhood=neighbourhood)
    CbsImport.objects.create(year=2024, source="CBS, Kerncijfers wijken en buurten 2024")
    # What the municipality asks for agenda votes; an address list for letter codes in A's
    # neighbourhood, its codes not yet issued.
    from neighbourhoods.models import ActionLevel, AddressList, LetterCode

    ActionLevel.objects.create(action="agenda_vote", level="email")
    LetterCode.objects.create(
        address_list=AddressList.objects.create(file_name="adressen.csv", addresses=1),
        neighbourhood=neighbourhood,
        postcode="9712CP",
        house_number=1,
    )
    public = InitiativeFactory(initiator=a, neighbourhood=neighbourhood, status=Status.SUBMITTED)
    draft = InitiativeFactory(initiator=a, neighbourhood=neighbourhood)
    attachment = Attachment.objects.create(
        initiative=draft,
        kind=Attachment.Kind.DOCUMENT,
        token="a" * 32,
        extension="pdf",
        content_type="application/pdf",
        original_name="plan.pdf",
        size=9,
        file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"),
    )
    invitation = initiative_actions.invite_co_initiator(initiative=draft, email=b.email, by=a)
    PanelMemberFactory(user=a)
    panel_survey = SurveyFactory()
    survey_actions.invite_whole_panel(survey=panel_survey)
    open_survey = SurveyFactory(audience=Survey.Audience.OPEN)
    QuestionFactory(survey=open_survey, page=1)
    from initiatives.models import MarketPitch
    from notifications.models import NotificationPreference
    from privacy import audit

    NotificationPreference.objects.create(user=a, kind="announcement", email="never")
    audit.record(actor=people["superuser"], action="viewed", target=a)
    from privacy.models import ErasureRequest

    ErasureRequest.objects.create(
        user=b, account_number=str(b.pk), requested_by=people[Role.PRIVACY_OFFICER.value]
    )
    MarketPitch.objects.create(
        event=EventFactory(neighbourhood=neighbourhood), initiative=draft, signed_up_by=a
    )
    supplier = supplier_a.supplier_membership.supplier
    team = TaskTeamFactory(agenda_item__neighbourhood=neighbourhood)
    MembershipFactory(
        team=team,
        user=a,
        status=TeamMembership.Status.ACCEPTED,
        role=TeamMembership.Role.RESIDENT_LEAD,
    )
    process, decision = ProcessFactory(), DecisionFactory()
    process.neighbourhoods.add(neighbourhood)
    decision.neighbourhoods.add(neighbourhood)
    from reports import actions as report_actions
    from reports.models import Photo as ReportPhoto
    from reports.tests.factories import ReportFactory

    report = ReportFactory(reporter=a, neighbourhood=neighbourhood)
    report.changes.create(status="received", key="received")
    from reports.models import Department, Open311Client
    from reports.tests.factories import QuestionFactory as ReportQuestionFactory
    from reports.tests.factories import topic as question_topic

    # A's private question about parking, for the roads department (which also handles
    # A's report); the area manager is one of its colleagues (questions have no area:
    # the department is the only scope).
    report_question = ReportQuestionFactory(asker=a, topic=question_topic("parkeren"))
    Department.objects.get(slug="wegen").members.add(people[Role.AREA_MANAGER.value])
    open311_app = Open311Client(name="Buitenbeter")
    open311_app.new_key()
    open311_app.save()
    from reports.models import Improvement

    Improvement.objects.create(
        title_nl="Losse tegels sneller vast",
        said_nl="Het duurde te lang.",
        done_nl="Een vaste ploeg voor losse tegels.",
        changed_on=timezone.localdate() - timedelta(days=30),
        category=report.category.parent,
        department=Department.objects.get(slug="wegen"),
    )
    # A programme not yet published, with a project and an update with a photo.
    programme = ProgrammeFactory(neighbourhood=neighbourhood)
    project = ProgrammeProjectFactory(programme=programme)
    objects = {
        "report": report,
        "report_question": report_question,
        "report_photo": ReportPhoto.objects.create(
            report=report,
            token="b" * 32,
            content_type="image/png",
            size=8,
            file=ContentFile(b"\x89PNG\r\n\x1a\n", name="foto.png"),
        ),
        "report_token": report_actions.confirmation_token("r", report.pk),
        "neighbourhood": neighbourhood,
        "public": public,
        "draft": draft,
        "comment": CommentFactory(initiative=public, author=a),
        "attachment": attachment,
        "invitation_token": invitation.token(),
        "item": AgendaItemFactory(neighbourhood=neighbourhood, proposed_by=a),
        "event": EventFactory(neighbourhood=neighbourhood),
        "programme": programme,
        "project": project,
        "project_update": ProjectUpdate.objects.create(
            project=project,
            text_nl="Het plein is open.",
            progress=50,
            photo_token="c" * 32,
            photo_content_type="image/png",
            photo_alt_nl="Het plein",
            photo_alt_en="The square",
            photo=ContentFile(b"\x89PNG\r\n\x1a\n", name="plein.png"),
        ),
        "notification": NotificationFactory(recipient=a),
        "unsubscribe": unsubscribe_token(a, "announcement"),
        "survey": open_survey,
        "survey_invitation": Invitation.objects.get(survey=panel_survey).token(),
        "panel_leave": PanelMember.leave_token(a),
        "closed": SurveyFactory(
            opens_at=timezone.now() - timedelta(days=30),
            closes_at=timezone.now() - timedelta(days=1),
            results_published_at=timezone.now(),
        ),
        "indicator": Indicator.objects.create(slug="tevredenheid", name="Tevredenheid"),
        "supplier": supplier,
        "tender": TenderFactory(),
        **_contract_objects(supplier, supplier_a, people[Role.PROCUREMENT_OFFICER.value]),
        "team_token": team_token(
            procurement_actions.invite_colleague(
                supplier=supplier, email="collega@bedrijf.example.nl", by=supplier_a
            )
        ),
        "process": process,
        "team": team,
        "question": CouncilQuestion.objects.create(
            asked_by=council, question="Hoe staat het met het groen in de wijk?"
        ),
        "decision": decision,
        "page": PortalPage.objects.order_by("pk").first(),
        "mood_run": _mood_run(neighbourhood, public, people[Role.RESEARCHER.value]),
        "dataset": _partner_dataset(people["resident_a"]),
        **_community_objects(neighbourhood, public, a, council),
        "radar_area": _radar_area(a, neighbourhood),
        **_budget_rounds(neighbourhood, a, people),
    }
    return World(people=people, objects=objects)


def _partner_dataset(member):
    """A partner of the inner-city dashboard with resident A as its member, a token and
    an approved dataset with one row."""
    from citydata import actions as citydata_actions
    from citydata.tests.factories import DatasetFactory, PartnerFactory, make_token

    partner = PartnerFactory(name="Binnenstadsondernemers", members=[member])
    make_token(partner)
    dataset = DatasetFactory(partner=partner, approved_at=timezone.now())
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    citydata_actions.publish_observations(
        dataset=dataset, rows=[{"period": yesterday, "street": "Hof", "value": 120}]
    )
    return dataset


def _radar_area(a, neighbourhood):
    """A's saved area of the buurtradar (their neighbourhood)."""
    from radar.models import SavedArea

    return SavedArea.objects.create(
        user=a, name="Thuis", neighbourhood=neighbourhood, kinds=["initiatives"]
    )


def _community_objects(neighbourhood, initiative, a, council) -> dict:
    """A's offer, A's call for volunteers, A as ambassador, the council member's message
    to A about the offer (reported by A, so the moderators' list has it), and A's request
    for a coach, which A's ambassador profile was asked to answer."""
    from community.models import CoachRequest, Conversation, Message, MessageReport
    from community.tests.factories import (
        AmbassadorFactory,
        NetworkFactory,
        PostFactory,
        VolunteerCallFactory,
    )

    post = PostFactory(owner=a, neighbourhood=neighbourhood)
    conversation = Conversation.objects.create(post=post, starter=council, other=a)
    message = Message.objects.create(conversation=conversation, author=council, text="Ladder?")
    MessageReport.objects.create(message=message, reporter=a, reason="Spam")
    ambassador = AmbassadorFactory(user=a, network=NetworkFactory(neighbourhood=neighbourhood))
    # A asked a coach for their initiative, and A's ambassador profile was asked to coach.
    coaching = CoachRequest.objects.create(
        initiative=initiative,
        asked_by=a,
        question="Subsidie?",
        ambassador=ambassador,
        status=CoachRequest.Status.ASSIGNED,
    )
    return {
        "community_post": post,
        "community_call": VolunteerCallFactory(initiative=initiative, created_by=a),
        "community_ambassador": ambassador,
        "community_conversation": conversation,
        "community_message": message,
        "community_coaching": coaching,
    }


def _budget_rounds(neighbourhood, a, people) -> dict:
    """Rounds of the neighbourhood budget in A's neighbourhood: one voting (A lives
    there), one taking plans, one closed; a paper ballot typed in by the area manager."""
    from budgets.models import Ballot
    from budgets.tests.factories import PlanFactory, RoundFactory, close
    from neighbourhoods.tests.factories import ResidenceFactory

    ResidenceFactory(user=a, neighbourhood=neighbourhood)
    voting = RoundFactory(neighbourhood=neighbourhood)
    PlanFactory(round=voting)
    Ballot.objects.create(round=voting, paper=True, entered_by=people[Role.AREA_MANAGER.value])
    now = timezone.now()
    taking_plans = RoundFactory(
        neighbourhood=neighbourhood,
        submission_opens=now - timedelta(days=1),
        submission_closes=now + timedelta(days=5),
        voting_opens=now + timedelta(days=6),
        voting_closes=now + timedelta(days=9),
    )
    closed = close(RoundFactory(neighbourhood=neighbourhood))
    PlanFactory(round=closed)
    return {
        "budget_round": voting,
        "budget_round_taking_plans": taking_plans,
        "budget_round_closed": closed,
    }


def _mood_run(neighbourhood, initiative, researcher):
    """An analysis of the mood of the city, done, with a published summary: its page
    shows a topic and the texts behind it."""
    from mood.models import AnalysisRun, Kind, Summary, Topic, TopicInput

    today = timezone.localdate()
    run = AnalysisRun.objects.create(
        start=today - timedelta(days=30),
        end=today,
        status=AnalysisRun.Status.DONE,
        progress=100,
        text_count=1,
        started_by=researcher,
    )
    topic = Topic.objects.create(
        run=run,
        position=1,
        words=["speeltuin", "kinderen"],
        size=1,
        per_month={month: 1 for month in run.months()},
        per_neighbourhood={str(neighbourhood.pk): 1},
    )
    TopicInput.objects.create(
        topic=topic, kind=Kind.INITIATIVE, object_key=str(initiative.pk), weight=1
    )
    Summary.objects.create(
        run=run,
        title_nl="Kinderen willen spelen",
        title_en="Children want to play",
        text_nl="Bewoners vragen om speeltuinen.",
        text_en="Residents ask for playgrounds.",
        written_by=researcher,
        reviewed_by=researcher,
        reviewed_at=timezone.now(),
        published_at=timezone.now(),
    )
    return run


def _contract_objects(supplier, member, officer) -> dict:
    """Supplier A's contract, with a document and a reported activity whose
    coordinator asked for more (so the answer page opens); the officer works for the
    contract's department."""
    from procurement.models import (
        ContractDocument,
        KpiCheckpoint,
        OfficerDepartment,
        SocialReturnActivity,
        SocialReturnEvidence,
    )
    from procurement.tests.factories import ContractFactory, block, minimal_pdf

    contract = ContractFactory(supplier=supplier)
    OfficerDepartment.objects.create(user=officer, department=contract.department)
    document = ContractDocument.objects.create(
        contract=contract, title="Overeenkomst", file=ContentFile(minimal_pdf(), name="c.pdf")
    )
    activity = SocialReturnActivity.objects.create(
        contract=contract,
        block=block(),
        description="Een werkzoekende in dienst",
        quantity=1,
        period_start=contract.start_date,
        period_end=contract.start_date,
        value=35_000,
        reported_by=member,
        status=SocialReturnActivity.Status.MORE_ASKED,
        review_note="Stuur de arbeidsovereenkomst mee.",
    )
    evidence = SocialReturnEvidence.objects.create(
        activity=activity, file=ContentFile(minimal_pdf(), name="e.pdf"), original_name="e.pdf"
    )
    # A KPI checkpoint not yet answered, so its page shows the response form.
    checkpoint = KpiCheckpoint.objects.create(
        contract=contract,
        period_start=contract.start_date,
        period_end=contract.start_date + timedelta(days=90),
        quality=8,
        on_time=7,
        communication=8,
        sustainability=6,
        remark="Netjes opgeleverd.",
        recorded_by=officer,
    )
    return {
        "contract": contract,
        "contract_document": document,
        "activity": activity,
        "evidence": evidence,
        "kpi_checkpoint": checkpoint,
    }


def _kwargs_for(name: str, pattern: str, objects: dict) -> dict:
    """The URL's parameters, filled in with resident A's things."""
    o = objects
    by_name = {
        "notifications:read": {"pk": o["notification"].pk},
        "notifications:open": {"pk": o["notification"].pk},
        "notifications:unsubscribe": {"token": o["unsubscribe"]},
        "overview:page": {"slug": o["page"].slug},
        "overview:api_survey_results": {"slug": o["closed"].slug},
        "neighbourhoods:event": {"pk": o["event"].pk},
        "neighbourhoods:event_rsvp": {"pk": o["event"].pk},
        "neighbourhoods:event_ics": {"pk": o["event"].pk},
        "neighbourhoods:programme": {"slug": o["neighbourhood"].slug, "year": o["programme"].year},
        "neighbourhoods:project": {
            "slug": o["neighbourhood"].slug,
            "year": o["programme"].year,
            "pk": o["project"].pk,
        },
        "neighbourhoods:project_follow": {
            "slug": o["neighbourhood"].slug,
            "year": o["programme"].year,
            "pk": o["project"].pk,
        },
        "neighbourhoods:project_photo": {"token": o["project_update"].photo_token},
        "initiatives:edit": {"pk": o["draft"].pk},
        "initiatives:preview": {"pk": o["draft"].pk},
        "initiatives:submit": {"pk": o["draft"].pk},
        "initiatives:report": {"pk": o["comment"].pk},
        "initiatives:attachment": {"token": o["attachment"].token},
        "initiatives:invitation": {"token": o["invitation_token"]},
        "surveys:panel_leave": {"token": o["panel_leave"]},
        "surveys:invitation": {"token": o["survey_invitation"]},
        "surveys:indicator": {"slug": o["indicator"].slug},
        "surveys:results": {"slug": o["closed"].slug},
        "surveys:results_csv": {"slug": o["closed"].slug},
        "surveys:page": {"slug": o["survey"].slug, "page": 1},
        "procurement:supplier_ics": {"token": o["supplier"].feed_token},
        "procurement:tender": {"pk": o["tender"].pk},
        "procurement:interest": {"pk": o["tender"].pk},
        "procurement:team_accept": {"token": o["team_token"]},
        "procurement:contract_document": {"pk": o["contract_document"].pk},
        "procurement:evidence": {"pk": o["evidence"].pk},
        "procurement:supplier_contract": {"pk": o["contract"].pk},
        "procurement:activity_answer": {"pk": o["activity"].pk},
        "procurement:kpi_response": {"pk": o["kpi_checkpoint"].pk},
        "participation:team": {"pk": o["team"].pk},
        "participation:team_apply": {"pk": o["team"].pk},
        "participation:team_log": {"pk": o["team"].pk},
        "participation:council_question": {"pk": o["question"].pk},
        "participation:decision": {"pk": o["decision"].pk},
        "participation:process": {"slug": o["process"].slug},
        "participation:process_follow": {"slug": o["process"].slug},
        "notifications:old_address": {"rest": "instellingen/"},
        "reports:photo": {"token": o["report_photo"].token},
        "reports:confirm_link": {"token": o["report_token"]},
        "open311:services": {"fmt": "json"},
        "open311:service": {"code": o["report"].category.slug, "fmt": "xml"},
        "open311:requests": {"fmt": "json"},
        "open311:request": {"request_id": str(o["report"].pk), "fmt": "xml"},
        "reports:feedback_link": {"token": "not-a-real-token"},
        "reports:question": {"pk": o["report_question"].pk},
        "citydata:dataset_json": {"slug": o["dataset"].slug},
        "citydata:dataset_csv": {"slug": o["dataset"].slug},
        "citydata:api_observations": {"slug": o["dataset"].slug},
        **{
            f"community:{name}": {"pk": o["community_post"].pk}
            for name in ("post", "post_reply", "post_edit")
        },
        **{
            f"community:{name}": {"pk": o["community_call"].pk} for name in ("call", "call_respond")
        },
        "community:call_create": {"initiative": o["public"].pk},
        "radar:edit": {"pk": o["radar_area"].pk},
        "radar:delete": {"pk": o["radar_area"].pk},
        "community:networks": {"slug": o["neighbourhood"].slug},
        "community:join": {"slug": o["neighbourhood"].slug},
        **{
            f"community:{name}": {"pk": o["community_ambassador"].pk}
            for name in ("ambassador", "ambassador_contact")
        },
        **{
            f"community:{name}": {"pk": o["community_conversation"].pk}
            for name in ("conversation", "conversation_share", "conversation_block")
        },
        "community:message_report": {"pk": o["community_message"].pk},
        "community:coach_ask": {"initiative": o["public"].pk},
        "community:coaching": {"pk": o["community_coaching"].pk},
        "budgets:round": {"pk": o["budget_round"].pk},
        "budgets:ballot": {"pk": o["budget_round"].pk},
        "budgets:plan_submit": {"pk": o["budget_round_taking_plans"].pk},
        "budgets:results": {"pk": o["budget_round_closed"].pk},
        "budgets:results_csv": {"pk": o["budget_round_closed"].pk},
        "budgets:progress": {"pk": o["budget_round_closed"].pk},
        "account_confirm_email": {"key": "not-a-real-key"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-real-key"},
    }
    if name in by_name:
        return by_name[name]
    kwargs = {}
    if "<slug:slug>" in pattern:
        in_neighbourhood = name.startswith("neighbourhoods:")
        kwargs["slug"] = (o["neighbourhood"] if in_neighbourhood else o["survey"]).slug
    if "<int:pk>" in pattern:
        if name.startswith("neighbourhoods:agenda"):
            kwargs["pk"] = o["item"].pk
        elif name.startswith("initiatives:"):
            kwargs["pk"] = o["public"].pk
        elif name.startswith("reports:"):
            kwargs["pk"] = o["report"].pk
        else:
            kwargs["pk"] = None
    return kwargs


def _patterns(resolver=None, prefix="", namespace=""):
    """(pattern, name) of every URL pattern, namespaces included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), (namespace + entry.name) if entry.name else ""


# --- the back office ------------------------------------------------------------------

# What the admin refuses everyone, the administrator included: records that only the
# portal itself creates (notifications, the audit trail, comments, initiatives, panel
# sign-ups, memberships, council questions, CPV codes from the EU list) and deletions
# that would erase history.
ADMIN_NEVER = {
    "notifications.notification": "a",
    "privacy.auditentry": "ad",
    "privacy.erasurerequest": "acd",
    "neighbourhoods.agendaitem": "d",
    "neighbourhoods.cbsimport": "c",  # an import is replaced by importing again
    "initiatives.initiative": "ad",
    "initiatives.comment": "ad",
    "initiatives.marketpitch": "a",
    "surveys.panelmember": "a",
    "procurement.cpvcode": "ad",
    "procurement.socialreturnactivity": "a",
    "participation.teammembership": "a",
    "participation.councilquestion": "a",
    "reports.report": "ad",
    "reports.question": "ad",
    # Ambassadors ask on the portal, offers are posted there, messages are written there;
    # calls for volunteers are closed by their date, not deleted.
    "community.membership": "ad",
    "community.post": "ad",
    "community.message": "ad",
    "community.volunteercall": "d",
    # Coaches are asked on the portal; a request stays with its initiative.
    "community.coachrequest": "ad",
    # Rounds hold ballots; plans come from residents and are checked, never removed.
    "budgets.round": "d",
    "budgets.plan": "ad",
}
# "search" is the officers' supplier search: whoever may view the model; "figures" the
# figures of public-space reports: whoever may view the queue; "summary" the summary of
# an analysis of the mood of the city: whoever may change analyses; "again" the same
# analysis run once more: whoever may start analyses.
ADMIN_ACTIONS = {
    "summary": "c",
    "again": "a",
    "figures": "vc",
    "changelist": "vc",
    "change": "vc",
    "history": "vc",
    "add": "a",
    "delete": "d",
    "search": "vc",
    # Category management (spending per CPV division) and its CSV: whoever may view
    # contracts.
    "spending": "vc",
    "spendingcsv": "vc",
    # Issuing an address list's letter codes: whoever may change address lists.
    "issue": "c",
    # A project update's photo, also before the programme is published: whoever may
    # change the project (an area manager: of their own areas).
    "photo": "c",
}
ADMIN_MODEL_URL = re.compile(r"^admin:(?P<app>\w+?)_(?P<model>\w+)_(?P<action>\w+)$")


def back_office(name: str, person: str) -> str:
    """Expected outcome of an admin URL: residents and visitors are sent to the back
    office's sign-in; staff get what their role grants (``BACK_OFFICE``)."""
    if name == "admin:logout":
        return OK
    if name == "admin:login":
        # The back office signs in through the portal's own sign-in (allauth, then the
        # authenticator app); someone signed in who is not staff is refused.
        return LOGIN if person == "anonymous" else OK if person in STAFF else DENIED
    if person not in STAFF:
        return ADMIN_LOGIN
    grants = BACK_OFFICE.get(person, {})
    if name in {
        "admin:index",
        "admin:password_change",
        "admin:password_change_done",
        "admin:jsi18n",
        "admin:view_on_site",
    }:
        return OK
    if name in {"admin:autocomplete", "admin:catch_all"}:
        return DENIED  # asked without a field to complete / for a page that does not exist
    if name.startswith("admin:app_list:"):
        app = name.removeprefix("admin:app_list:")
        may_open = person == "superuser" or any(m.startswith(f"{app}.") for m in grants)
        return OK if may_open else DENIED
    if name.startswith("admin:redirect:"):
        return OK  # a redirect to the change page, which checks (see *_change)
    if name == "admin:auth_user_password_change":
        return OK if person == "superuser" or "c" in grants.get("accounts.user", "") else DENIED
    match = ADMIN_MODEL_URL.match(name)
    assert match, f"{name} is not in the back office's matrix"
    model = f"{match['app']}.{match['model']}"
    may = "vacd" if person == "superuser" else grants.get(model, "")
    may = "".join(letter for letter in may if letter not in ADMIN_NEVER.get(model, ""))
    needed = ADMIN_ACTIONS[match["action"]]
    return OK if any(letter in may for letter in needed) else DENIED


# --- the run --------------------------------------------------------------------------


def _admin_requests(pattern: str, name: str, world: World):
    """(matrix name, method, url) for a back-office pattern."""
    admin = reverse("admin:index")
    if name == "admin:app_list":
        for app in ADMIN_APPS:
            yield f"admin:app_list:{app}", "get", reverse(name, kwargs={"app_label": app})
        return
    if name == "admin:view_on_site":
        initiative = world.objects["public"]
        content_type = ContentType.objects.get_for_model(initiative)
        yield name, "get", reverse(name, args=[content_type.pk, initiative.pk])
        return
    if name == "admin:logout":
        yield name, "post", reverse(name)
        return
    if not name:
        if pattern.endswith("(?P<url>.*)$"):
            yield "admin:catch_all", "get", f"{admin}onbekend"
            return
        app, model = pattern.removeprefix(admin.lstrip("/")).split("/")[:2]
        instance = _instance_of(app, model)
        yield f"admin:redirect:{app}.{model}", "get", f"{admin}{app}/{model}/{instance}/"
        return
    if name == "admin:auth_user_password_change":
        yield name, "get", reverse(name, args=[world.people["resident_a"].pk])
        return
    match = ADMIN_MODEL_URL.match(name)
    if name == "admin:neighbourhoods_programmeproject_photo":
        yield name, "get", reverse(name, args=[world.objects["project_update"].photo_token])
        return
    if match and match["action"] in ADMIN_ACTIONS:
        app, model = match["app"], match["model"]
        if match["action"] in ("changelist", "add", "search", "spending", "spendingcsv", "figures"):
            yield name, "get", reverse(name)
        else:
            yield name, "get", reverse(name, args=[_instance_of(app, model)])
        return
    yield name, "get", reverse(name)


def _instance_of(app: str, model: str) -> str:
    content_type = ContentType.objects.get_by_natural_key(app, model)
    instance = content_type.model_class()._default_manager.order_by("pk").first()
    return str(instance.pk) if instance else "0"


ADMIN_APPS = [
    "auth",
    "account",
    "mfa",
    "accounts",
    "notifications",
    "privacy",
    "overview",
    "neighbourhoods",
    "initiatives",
    "surveys",
    "procurement",
    "participation",
    "community",
    "reports",
    "mood",
    "citydata",
    "budgets",
]


def _portal_requests(pattern: str, name: str, world: World):
    kwargs = _kwargs_for(name, pattern, world.objects)
    assert None not in kwargs.values(), f"no object for {name} ({pattern})"
    url = reverse(name, kwargs=kwargs)
    yield name, "get", url


def _sign_in(client: Client, person: str, user) -> None:
    if user is None:
        return
    if user.is_staff:
        sign_in_staff(client, user)
    else:
        client.force_login(user)


@pytest.fixture
def generous_limits(settings):
    """The matrix asks every page once per person; rate limits have their own tests."""
    settings.PORTAL_RATE_LIMITS = {action: "1000/m" for action in settings.PORTAL_RATE_LIMITS}


@pytest.mark.parametrize("person", PEOPLE)
def test_every_url_answers_each_person_as_the_matrix_says(person, generous_limits):
    world = _build_world()
    client = Client()
    _sign_in(client, person, world.people[person])
    cookies = SimpleCookie(client.cookies.output(header="", sep="\n"))
    admin = reverse("admin:index").lstrip("/")
    admin_login = reverse("admin:login")
    unexpected, unlisted = [], []
    for pattern, name in _patterns():
        if pattern.startswith(admin):
            requests = list(_admin_requests(pattern, name, world))
            rule = back_office
        elif name not in PORTAL:
            unlisted.append(name or pattern)
            continue
        else:
            requests = list(_portal_requests(pattern, name, world))
            rule = PORTAL[name]
        for cell, method, url in requests:
            expected = rule(cell, person) if rule is back_office else rule(person)
            with transaction.atomic():
                response = getattr(client, method)(url)
                if method == "get" and response.status_code == 405:
                    response = client.post(url)
                got = outcome(response, admin_login=admin_login)
                transaction.set_rollback(True)
            client.cookies = SimpleCookie(cookies.output(header="", sep="\n"))
            if got != expected:
                unexpected.append(f"{cell} {url}: expected {expected}, got {got}")
    assert not unlisted, f"URLs without a row in the matrix: {unlisted}"
    assert not unexpected, "\n".join([f"{person}:", *unexpected])


def test_matrix_has_no_rows_for_urls_that_no_longer_exist():
    names = {name for _pattern, name in _patterns()}
    assert set(PORTAL) <= names, set(PORTAL) - names
    for role, grants in BACK_OFFICE.items():
        for model in grants:
            app, model_name = model.split(".")
            assert ContentType.objects.filter(app_label=app, model=model_name).exists(), (
                role,
                model,
            )


def test_back_office_grants_are_what_the_roles_get():
    """The matrix's back-office policy and the roles' permissions in the database agree
    on every model the admin shows."""
    from django.contrib import admin

    letters = {"view": "v", "add": "a", "change": "c", "delete": "d"}
    for role in STAFF_ROLES:
        granted = {}
        for permission in Permission.objects.filter(group__name=role.value).select_related(
            "content_type"
        ):
            action, _sep, _model = permission.codename.partition("_")
            model_class = permission.content_type.model_class()
            if model_class in admin.site._registry and action in letters:
                key = f"{permission.content_type.app_label}.{permission.content_type.model}"
                granted[key] = "".join(sorted(granted.get(key, "") + letters[action]))
        expected = {model: "".join(sorted(may)) for model, may in BACK_OFFICE[role.value].items()}
        assert granted == expected, role
