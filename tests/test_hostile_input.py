"""Hostile input: property-based tests (hypothesis) that send every form and every
filtered or JSON endpoint random and malicious values.

Values: arbitrary unicode, control characters, huge strings, right-to-left overrides and
combining marks, numbers where text belongs and text where numbers belong, script, SQL
and template fragments; fields left out, and fields sent twice. Whatever comes in:

- never a server error;
- a refused form (4xx) saves nothing: the rows of the tables it writes stay as they were;
- a script sent in is never sent back as markup (text is escaped; the CSP would block it
  anyway, and ``test_security_headers`` checks that header on every kind of page).

Each example runs in a savepoint that is rolled back, so an accepted example does not
change the next one. Uploads (wrong types behind right names, SVG with script, oversized
files, decompression bombs) are at the end.
"""

import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
PAYLOADS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE portal_user; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "{{ 7*7 }}{% debug %}",
    "${7*7}",
    "../../../../etc/passwd",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\ufeff\u200b\u200d",
    "a\u0301" * 300,
    "\U0001d54f" * 500,  # a letter outside the basic plane
    "NaN",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e309",
    "[]",
    "{}",
    "null",
    "true",
    "",
    " ",
    "\r\n\t",
]
CONTROL = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=40)
HUGE = st.integers(min_value=5_000, max_value=120_000).map(lambda n: "x" * n)
HOSTILE = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=200),
    CONTROL,
    HUGE,
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
# One value, or the same field twice with different values.
VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, min_size=2, max_size=3))

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "25"))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    # CI must be repeatable: the same examples every run there; new ones on a laptop.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def form_data(fields: list[str]):
    """Some of ``fields`` (missing ones are left out), each with a hostile value."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(fields, VALUE))


# --- the endpoints ----------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    url: Callable[[dict], str]
    fields: Callable[[dict], list[str]]
    method: str = "post"
    person: str = "resident"  # who sends it: resident, council_member or anonymous
    writes: list[str] = field(default_factory=list)  # "app.Model" tables it may write


def _fields(form_class) -> Callable[[dict], list[str]]:
    return lambda world: [*form_class.base_fields]


def _endpoints() -> list[Endpoint]:
    from initiatives.forms import (
        AnswerForm,
        CommentForm,
        InitiativeFilterForm,
        InitiativeForm,
        MarketSignupForm,
        ReportForm,
        WithdrawForm,
    )
    from neighbourhoods.forms import AgendaItemForm, PostcodeForm
    from overview.forms import PeriodForm
    from participation.forms import (
        ApplicationForm,
        CouncilQuestionForm,
        DecisionFilterForm,
        DecisionFollowForm,
        LogEntryForm,
    )
    from privacy.forms import DeleteAccountForm
    from procurement.forms import InterestForm, SupplierForm, TeamInviteForm, TenderFilterForm
    from surveys.forms import PanelForm

    certificates = [
        "certificates-TOTAL_FORMS",
        "certificates-INITIAL_FORMS",
        "certificates-0-kind",
        "certificates-0-level",
        "certificates-0-valid_until",
    ]
    return [
        Endpoint(
            "initiative",
            lambda w: reverse("initiatives:create"),
            lambda w: [*InitiativeForm.base_fields, "remove_attachment"],
            writes=["initiatives.Initiative", "initiatives.Attachment"],
        ),
        Endpoint(
            "initiative edit",
            lambda w: reverse("initiatives:edit", args=[w["draft"].pk]),
            _fields(InitiativeForm),
            writes=["initiatives.Attachment"],
        ),
        Endpoint(
            "comment",
            lambda w: reverse("initiatives:comment", args=[w["public"].pk]),
            _fields(CommentForm),
            writes=["initiatives.Comment"],
        ),
        Endpoint(
            "report",
            lambda w: reverse("initiatives:report", args=[w["comment"].pk]),
            _fields(ReportForm),
            writes=["initiatives.CommentReport"],
        ),
        Endpoint(
            "withdraw",
            lambda w: reverse("initiatives:withdraw", args=[w["own_public"].pk]),
            _fields(WithdrawForm),
        ),
        Endpoint(
            "support",
            lambda w: reverse("initiatives:support", args=[w["public"].pk]),
            lambda w: ["withdraw"],
        ),
        Endpoint(
            "agenda item",
            lambda w: reverse("neighbourhoods:agenda_propose", args=[w["neighbourhood"].slug]),
            _fields(AgendaItemForm),
            writes=["neighbourhoods.AgendaItem"],
        ),
        Endpoint(
            "agenda vote",
            lambda w: reverse(
                "neighbourhoods:agenda_vote", args=[w["neighbourhood"].slug, w["item"].pk]
            ),
            lambda w: ["value", "withdraw"],
        ),
        Endpoint(
            "council question",
            lambda w: reverse("participation:council_ask"),
            _fields(CouncilQuestionForm),
            person="council_member",
            writes=["participation.CouncilQuestion"],
        ),
        Endpoint(
            "team application",
            lambda w: reverse("participation:team_apply", args=[w["team"].pk]),
            _fields(ApplicationForm),
            writes=["participation.TeamMembership"],
        ),
        Endpoint(
            "supplier registration",
            lambda w: reverse("procurement:register"),
            lambda w: [*SupplierForm.base_fields, *certificates],
            writes=["procurement.Supplier", "procurement.SupplierMember"],
        ),
        Endpoint(
            "survey page",
            lambda w: reverse("surveys:page", args=[w["survey"].slug, 1]),
            lambda w: [str(pk) for pk in w["survey"].questions.values_list("pk", flat=True)],
            person="anonymous",
            writes=["surveys.Response", "surveys.Answer"],
        ),
        Endpoint(
            "panel",
            lambda w: reverse("surveys:panel"),
            _fields(PanelForm),
            writes=["surveys.PanelMember"],
        ),
        Endpoint(
            "notification preferences",
            lambda w: reverse("notifications:preferences"),
            lambda w: ["announcement-email", "announcement-in_app", "initiative_news-email"],
        ),
        Endpoint(
            "delete account",
            lambda w: reverse("privacy:delete_account"),
            _fields(DeleteAccountForm),
            writes=["accounts.User"],
        ),
        Endpoint(
            "sign-up",
            lambda w: reverse("account_signup"),
            lambda w: ["email", "password1", "password2"],
            person="anonymous",
            writes=["accounts.User"],
        ),
        Endpoint(
            "answer to the municipality",
            lambda w: reverse("initiatives:answer", args=[w["needs_info"].pk]),
            _fields(AnswerForm),
        ),
        Endpoint(
            "market sign-up",
            lambda w: reverse("initiatives:market_signup", args=[w["own_public"].pk]),
            _fields(MarketSignupForm),
            writes=["initiatives.MarketPitch"],
        ),
        Endpoint(
            "event RSVP",
            lambda w: reverse("neighbourhoods:event_rsvp", args=[w["event"].pk]),
            lambda w: ["cancel", "guests"],
        ),
        Endpoint(
            "team progress note",
            lambda w: reverse("participation:team_log", args=[w["team"].pk]),
            _fields(LogEntryForm),
            writes=["participation.TeamLogEntry"],
        ),
        Endpoint(
            "follow decisions",
            lambda w: reverse("participation:decision_follow"),
            lambda w: [f"follow-{name}" for name in DecisionFollowForm.base_fields] + ["unfollow"],
        ),
        Endpoint(
            "tender interest",
            lambda w: reverse("procurement:interest", args=[w["tender"].pk]),
            _fields(InterestForm),
            writes=["procurement.Interest"],
        ),
        Endpoint(
            "team invitation",
            lambda w: reverse("procurement:team_invite"),
            _fields(TeamInviteForm),
            writes=["procurement.TeamInvitation"],
        ),
        Endpoint(
            "language switch",
            lambda w: reverse("set_language"),
            lambda w: ["language", "next"],
            person="anonymous",
        ),
        Endpoint(
            "unsubscribe link",
            lambda w: reverse("notifications:unsubscribe", args=[w["unsubscribe"]]),
            lambda w: ["kind", "confirm"],
            person="anonymous",
        ),
        Endpoint(
            "sign-in",
            lambda w: reverse("account_login"),
            lambda w: ["login", "password", "remember"],
            person="anonymous",
        ),
        Endpoint(
            "password reset",
            lambda w: reverse("account_reset_password"),
            lambda w: ["email"],
            person="anonymous",
        ),
        # Searches, filters and the open data: GET with hostile parameters.
        Endpoint("search", lambda w: reverse("overview:search"), lambda w: ["q"], "get"),
        Endpoint(
            "initiative list",
            lambda w: reverse("initiatives:list"),
            lambda w: [*InitiativeFilterForm.base_fields, "page", "view"],
            "get",
        ),
        Endpoint(
            "similar initiatives",
            lambda w: reverse("initiatives:similar"),
            lambda w: ["title"],
            "get",
        ),
        Endpoint(
            "postcode", lambda w: reverse("neighbourhoods:find"), _fields(PostcodeForm), "get"
        ),
        Endpoint(
            "tender calendar",
            lambda w: reverse("procurement:calendar"),
            lambda w: [*TenderFilterForm.base_fields, "page"],
            "get",
        ),
        Endpoint(
            "cpv search", lambda w: reverse("procurement:cpv_search"), lambda w: ["cpv_q"], "get"
        ),
        Endpoint(
            "decisions",
            lambda w: reverse("participation:decisions"),
            lambda w: [*DecisionFilterForm.base_fields, "page"],
            "get",
        ),
        Endpoint(
            "processes", lambda w: reverse("participation:processes"), lambda w: ["wijk"], "get"
        ),
        Endpoint(
            "dashboard",
            lambda w: reverse("overview:dashboard"),
            lambda w: [*PeriodForm.base_fields],
            "get",
        ),
        Endpoint(
            "open data: initiatives",
            lambda w: reverse("overview:api_initiatives"),
            lambda w: ["page"],
            "get",
        ),
        Endpoint(
            "open data: decisions",
            lambda w: reverse("overview:api_agenda_items"),
            lambda w: ["page"],
            "get",
        ),
        Endpoint(
            "open data: public-space reports",
            lambda w: reverse("reports:opendata_json"),
            lambda w: ["page"],
            "get",
        ),
        Endpoint(
            "open311: search requests",
            lambda w: reverse("open311:requests", kwargs={"fmt": "json"}),
            lambda w: [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "locale",
            ],
            "get",
        ),
        *_community_endpoints(),
        *_radar_endpoints(),
        Endpoint(
            "open311: send a request",
            lambda w: reverse("open311:requests", kwargs={"fmt": "xml"}),
            lambda w: [
                "api_key",
                "service_code",
                "lat",
                "long",
                "address_string",
                "email",
                "description",
            ],
            person="anonymous",
            writes=["reports.Report", "reports.StatusChange"],
        ),
        Endpoint(
            "inner city: a partner's CSV upload",
            lambda w: reverse("citydata:upload"),
            lambda w: ["dataset", "file"],
            writes=["citydata.Observation"],
        ),
        Endpoint(
            "open data: survey results",
            lambda w: reverse("overview:api_survey_results", args=[w["closed"].slug]),
            lambda w: ["page", "question"],
            "get",
        ),
    ]


def _radar_endpoints() -> list[Endpoint]:
    from radar.forms import SavedAreaForm

    return [
        Endpoint(
            "buurtradar: save an area",
            lambda w: reverse("radar:create"),
            _fields(SavedAreaForm),
            writes=["radar.SavedArea"],
        ),
        Endpoint(
            "buurtradar: change an area",
            lambda w: reverse("radar:edit", args=[w["own_area"].pk]),
            _fields(SavedAreaForm),
        ),
    ]


def _community_endpoints() -> list[Endpoint]:
    from community.forms import CallForm, JoinForm, MessageForm, PostFilterForm, PostForm

    message = [*MessageForm.base_fields]
    writes = ["community.Conversation", "community.Message"]
    return [
        Endpoint(
            "community: offer or request",
            lambda w: reverse("community:post_create"),
            _fields(PostForm),
            writes=["community.Post"],
        ),
        Endpoint(
            "community: change an offer",
            lambda w: reverse("community:post_edit", args=[w["own_post"].pk]),
            _fields(PostForm),
        ),
        Endpoint(
            "community: reply to an offer",
            lambda w: reverse("community:post_reply", args=[w["elses_post"].pk]),
            lambda w: message,
            writes=writes,
        ),
        Endpoint(
            "community: ask for volunteers",
            lambda w: reverse("community:call_create", args=[w["own_public"].pk]),
            _fields(CallForm),
            writes=["community.VolunteerCall"],
        ),
        Endpoint(
            "community: volunteer",
            lambda w: reverse("community:call_respond", args=[w["call"].pk]),
            lambda w: message,
            writes=["community.VolunteerResponse", *writes],
        ),
        Endpoint(
            "community: join a network",
            lambda w: reverse("community:join", args=[w["neighbourhood"].slug]),
            _fields(JoinForm),
            writes=["community.Network", "community.Membership"],
        ),
        Endpoint(
            "community: write to an ambassador",
            lambda w: reverse("community:ambassador_contact", args=[w["ambassador"].pk]),
            lambda w: message,
            writes=writes,
        ),
        Endpoint(
            "community: answer in a conversation",
            lambda w: reverse("community:conversation", args=[w["conversation"].pk]),
            lambda w: message,
            writes=["community.Message"],
        ),
        Endpoint(
            "community: report a message",
            lambda w: reverse("community:message_report", args=[w["message"].pk]),
            lambda w: [f"report-{w['message'].pk}-reason"],
            writes=["community.MessageReport"],
        ),
        Endpoint(
            "community: offers and requests",
            lambda w: reverse("community:index"),
            lambda w: [*PostFilterForm.base_fields, "page"],
            "get",
        ),
    ]


ENDPOINTS = {endpoint.name: endpoint for endpoint in _endpoints()}


def _world() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role
    from citydata.tests.factories import DatasetFactory, PartnerFactory
    from initiatives.models import Status
    from initiatives.tests.factories import CommentFactory, InitiativeFactory
    from neighbourhoods.tests.factories import AgendaItemFactory, EventFactory, NeighbourhoodFactory
    from notifications.kinds import unsubscribe_token
    from participation.models import TeamMembership
    from participation.tests.factories import MembershipFactory, TaskTeamFactory
    from procurement.tests.factories import SupplierMemberFactory, TenderFactory
    from surveys.models import Question, Survey
    from surveys.tests.factories import ChoiceFactory, QuestionFactory, SurveyFactory

    resident = UserFactory()
    SupplierMemberFactory(user=resident)
    council_member = UserFactory()
    council_member.groups.add(Role.COUNCIL_MEMBER.group())
    neighbourhood = NeighbourhoodFactory()
    public = InitiativeFactory(status=Status.SUBMITTED, neighbourhood=neighbourhood)
    survey = SurveyFactory(audience=Survey.Audience.OPEN)
    QuestionFactory(survey=survey, page=1, kind=Question.Kind.RATING)
    QuestionFactory(survey=survey, page=1, kind=Question.Kind.TEXT, required=False)
    single = QuestionFactory(survey=survey, page=1, kind=Question.Kind.SINGLE)
    ChoiceFactory(question=single, value="ja", label="Ja")
    # The resident uploads the figures of a partner of the inner-city dashboard.
    DatasetFactory(partner=PartnerFactory(members=[resident]))
    team = TaskTeamFactory()
    MembershipFactory(
        team=team,
        user=resident,
        status=TeamMembership.Status.ACCEPTED,
        role=TeamMembership.Role.RESIDENT_LEAD,
    )
    from community import actions as community_actions
    from community.tests.factories import AmbassadorFactory, PostFactory, VolunteerCallFactory
    from radar.models import SavedArea

    own_public = InitiativeFactory(status=Status.SUBMITTED, initiator=resident)
    elses_post = PostFactory(neighbourhood=neighbourhood)
    conversation = community_actions.write_to(
        about=PostFactory(owner=resident), author=council_member, text="Mag ik je ladder lenen?"
    )
    return {
        "own_post": PostFactory(owner=resident),
        "own_area": SavedArea.objects.create(
            user=resident, name="Thuis", neighbourhood=neighbourhood, kinds=["initiatives"]
        ),
        "elses_post": elses_post,
        "call": VolunteerCallFactory(initiative=public),
        "ambassador": AmbassadorFactory(),
        "conversation": conversation,
        "message": conversation.messages.get(),
        "people": {"resident": resident, "council_member": council_member, "anonymous": None},
        "needs_info": InitiativeFactory(status=Status.NEEDS_INFO, initiator=resident),
        "event": EventFactory(neighbourhood=neighbourhood),
        "tender": TenderFactory(),
        "unsubscribe": unsubscribe_token(resident, "announcement"),
        "neighbourhood": neighbourhood,
        "public": public,
        "own_public": own_public,
        "draft": InitiativeFactory(initiator=resident),
        "comment": CommentFactory(initiative=public),
        "item": AgendaItemFactory(neighbourhood=neighbourhood),
        "team": team,
        "survey": survey,
        "closed": SurveyFactory(
            opens_at=timezone.now() - timedelta(days=30),
            closes_at=timezone.now() - timedelta(days=1),
            results_published_at=timezone.now(),
        ),
    }


def _row_counts(models: list[str]) -> dict[str, int]:
    from django.apps import apps

    return {label: apps.get_model(label)._default_manager.count() for label in models}


@pytest.fixture
def generous_limits(settings):
    settings.PORTAL_RATE_LIMITS = {action: "100000/m" for action in settings.PORTAL_RATE_LIMITS}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_hostile_values_never_break_a_form_or_endpoint(endpoint, generous_limits):
    endpoint = ENDPOINTS[endpoint]
    world = _world()
    client = Client()
    person = world["people"][endpoint.person]
    if person is not None:
        client.force_login(person)
    cookies = client.cookies.output(header="", sep="\n")
    url = endpoint.url(world)
    fields = endpoint.fields(world)

    @HYPOTHESIS
    @given(data=form_data(fields))
    def send(data):
        with transaction.atomic():
            before = _row_counts(endpoint.writes)
            response = getattr(client, endpoint.method)(url, data)
            assert response.status_code < 500, (response.status_code, data)
            if 400 <= response.status_code < 500:
                assert _row_counts(endpoint.writes) == before, data
            body = b"" if response.streaming else response.content
            assert SCRIPT.encode() not in body
            assert b"onerror=alert(1)>" not in body
            if response.get("Content-Type", "").startswith("application/json"):
                json.loads(body)
            transaction.set_rollback(True)
        client.cookies = SimpleCookie(cookies)

    send()


# --- uploads ----------------------------------------------------------------------------


def _png(width: int, height: int, mode: str = "1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "field", "message"),
    [
        # A decompression bomb: 20,000 by 20,000 pixels in a few kB of PNG.
        ("bomb", "images", "te veel pixels"),
        # A PDF behind an image's name, an image behind a PDF's name.
        (SimpleUploadedFile("foto.jpg", b"%PDF-1.4\n%%EOF\n", "image/jpeg"), "images", "JPEG"),
        (SimpleUploadedFile("brief.pdf", _png(10, 10), "application/pdf"), "documents", "PDF"),
        # HTML that calls itself a PNG.
        (
            SimpleUploadedFile("plaatje.png", b"<html><script>alert(1)</script>", "image/png"),
            "images",
            "JPEG",
        ),
    ],
    ids=["decompression bomb", "pdf as jpg", "png as pdf", "html as png"],
)
def test_hostile_uploads_are_refused_and_nothing_is_saved(client, upload, field, message):
    if upload == "bomb":  # built here, not at collection: it takes a moment
        upload = SimpleUploadedFile("bom.png", _png(20_000, 20_000), "image/png")
    from initiatives.models import Attachment, Initiative
    from initiatives.tests.factories import ThemeFactory
    from neighbourhoods.tests.factories import NeighbourhoodFactory

    client.force_login(UserFactory())
    response = client.post(
        reverse("initiatives:create"),
        {
            "title": "Een bankje bij de speeltuin",
            "summary": "Een bankje voor ouders bij de speeltuin.",
            "description": "Ouders staan nu de hele middag; een bankje helpt.",
            "neighbourhood": NeighbourhoodFactory().pk,
            "theme": ThemeFactory().pk,
            field: [upload],
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Initiative.objects.exists()
    assert not Attachment.objects.exists()
