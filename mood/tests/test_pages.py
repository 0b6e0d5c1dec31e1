"""The mood of the city in the back office and on "Wat leeft er in de stad": who may
see and publish, what is read, what is shown, and bad input."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory, signed_in_colleague
from initiatives.models import Status
from initiatives.tests.factories import CommentFactory, InitiativeFactory
from mood import actions
from mood.models import AnalysisRun, Kind, Summary, Topic, TopicInput
from neighbourhoods.tests.factories import AgendaItemFactory, NeighbourhoodFactory
from privacy.models import AuditEntry
from reports.tests.factories import AnsweredQuestionFactory, QuestionFactory, ReportFactory
from surveys.models import Answer, Question, Response
from surveys.tests.factories import QuestionFactory as SurveyQuestionFactory
from surveys.tests.factories import SurveyFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:mood_analysisrun_add")


def _answer(text, *, anonymous=True, closed=True, neighbourhood=None, respondent=None):
    survey = SurveyFactory(anonymous=anonymous, closed_at=timezone.now() if closed else None)
    question = SurveyQuestionFactory(survey=survey, kind=Question.Kind.TEXT)
    response = Response.objects.create(
        survey=survey,
        neighbourhood=neighbourhood,
        submitted_on=timezone.localdate(),
        respondent=respondent,
    )
    return Answer.objects.create(response=response, question=question, value_text=text)


@pytest.fixture
def city():
    """What residents wrote in two neighbourhoods, and what may not be read."""
    north, south = NeighbourhoodFactory(name="Noord"), NeighbourhoodFactory(name="Zuid")
    initiative = InitiativeFactory(
        neighbourhood=north,
        status=Status.SUBMITTED,
        title="Speeltuin voor kinderen",
        description="De kinderen willen een speeltuin, mail piet@example.nl",
    )
    written = {
        "initiative": initiative,
        "draft": InitiativeFactory(neighbourhood=north, title="Geheim concept speeltuin"),
        "comment": CommentFactory(initiative=initiative, text="Speeltuin graag, bel 06-12345678"),
        "hidden": CommentFactory(
            initiative=initiative,
            text="Verborgen speeltuin",
            hidden_at=timezone.now(),
            hidden_reason="Scheldwoord",
        ),
        "agenda": AgendaItemFactory(
            neighbourhood=south, title="Afval", description="Afval naast de container"
        ),
        "report": ReportFactory(neighbourhood=south, description="Afval en vuilnis overal"),
        "question": AnsweredQuestionFactory(
            text="Geheime vraag van Piet over de container",
            public_text="Wanneer wordt de container geleegd? Bel 3512 AB 4",
        ),
        "private_question": QuestionFactory(text="Prive vraag speeltuin afval container"),
        "withdrawn": InitiativeFactory(
            neighbourhood=north,
            status=Status.WITHDRAWN,
            submitted_at=timezone.now(),
            title="Ingetrokken speeltuin",
        ),
        "answer": _answer("Meer speeltuinen voor kinderen", neighbourhood=north),
        "named_answer": _answer("Speeltuin met naam", anonymous=False),
        "running_answer": _answer("Speeltuin lopende peiling", closed=False),
        "linked_answer": _answer("Speeltuin gekoppeld antwoord", respondent=UserFactory()),
    }
    return north, south, written


def _run(client, django_capture_on_commit_callbacks, **data):
    today = timezone.localdate()
    form = {"start": today - timedelta(days=30), "end": today, "topic_count": 4, **data}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, form)
    assert response.status_code == 302, response.content.decode()
    return AnalysisRun.objects.get()


def test_a_researcher_finds_the_topics_of_the_city(
    client, city, django_capture_on_commit_callbacks
):
    _north, _south, written = city
    researcher = signed_in_colleague(client, Role.RESEARCHER)
    run = _run(client, django_capture_on_commit_callbacks)
    assert run.status == AnalysisRun.Status.DONE
    assert run.progress == 100
    read = set(TopicInput.objects.filter(topic__run=run).values_list("kind", "object_key"))
    assert read == {
        (Kind.INITIATIVE, str(written["initiative"].pk)),
        (Kind.COMMENT, str(written["comment"].pk)),
        (Kind.AGENDA_ITEM, str(written["agenda"].pk)),
        (Kind.REPORT, str(written["report"].pk)),
        (Kind.QUESTION, str(written["question"].pk)),
        (Kind.SURVEY_ANSWER, str(written["answer"].pk)),
    }
    assert run.text_count == 6
    words = {word for topic in Topic.objects.filter(run=run) for word in topic.words}
    assert {"speeltuin", "afval"} <= words
    assert not words & {"piet", "example", "mailadres", "telefoonnummer", "postcode"}
    page = client.get(reverse("admin:mood_analysisrun_change", args=[run.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    # Every topic shows its texts, masked, with a link to where they are handled.
    assert reverse("admin:initiatives_initiative_change", args=[written["initiative"].pk]) in html
    # Reports and questions link to their public page, not to a department's work list.
    assert reverse("reports:question", args=[written["question"].pk]) in html
    assert reverse("reports:detail", args=[written["report"].pk]) in html
    # Of a question only what a colleague published is read, never what the asker wrote.
    assert "Geheime vraag" not in html
    assert "Prive vraag" not in html
    assert "[e-mailadres]" in html
    assert "piet@example.nl" not in html
    assert "[telefoonnummer]" in html
    assert "06-12345678" not in html
    assert "[postcode]" in html
    assert "3512 AB" not in html
    assert "Teksten per maand" in html
    assert "Noord" in html
    # Who read residents' texts is in the audit log.
    entry = AuditEntry.objects.get(actor=researcher, action=AuditEntry.Action.LISTED)
    assert entry.target_type.model == "topicinput"
    assert entry.summary == f"analysis {run.pk}"


def test_a_neighbourhood_reads_only_its_own_texts(client, city, django_capture_on_commit_callbacks):
    north, _south, written = city
    signed_in_colleague(client, Role.RESEARCHER)
    run = _run(client, django_capture_on_commit_callbacks, neighbourhood=north.pk)
    read = set(TopicInput.objects.filter(topic__run=run).values_list("kind", "object_key"))
    assert read == {
        (Kind.INITIATIVE, str(written["initiative"].pk)),
        (Kind.COMMENT, str(written["comment"].pk)),
        (Kind.SURVEY_ANSWER, str(written["answer"].pk)),
    }
    topic = Topic.objects.filter(run=run).first()
    assert set(topic.per_neighbourhood) == {str(north.pk)}


def test_progress_is_shown_while_the_run_waits(client, db):
    signed_in_colleague(client, Role.RESEARCHER)
    today = timezone.localdate()
    run = AnalysisRun.objects.create(start=today, end=today, progress=40)
    url = reverse("admin:mood_analysisrun_change", args=[run.pk])
    partial = client.get(url, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert 'value="40"' in html
    assert "every 3s" in html
    assert "<html" not in html
    # Once it is over, htmx is told to load the whole page with the topics.
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.DONE, progress=100)
    over = client.get(url, headers={"HX-Request": "true"})
    assert over.status_code == 204
    assert over["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end", "voor het begin"),
        ({"start": "2999-01-01", "end": "2999-02-01"}, "start", "niet in de toekomst beginnen"),
        ({"start": "2026-01-01", "end": "2999-02-01"}, "end", "niet in de toekomst eindigen"),
        ({"start": "", "end": "2026-02-01"}, "start", "verplicht"),
    ],
)
def test_a_bad_period_is_refused_beside_its_field(client, db, data, field, message):
    signed_in_colleague(client, Role.RESEARCHER)
    response = client.post(ADD, {"topic_count": 5, **data})
    assert response.status_code == 400
    html = response.content.decode()
    error = html.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert message in error
    assert not AnalysisRun.objects.exists()


def _done_run(neighbourhood=None):
    today = timezone.localdate()
    run = AnalysisRun.objects.create(
        start=today - timedelta(days=30),
        end=today,
        neighbourhood=neighbourhood,
        status=AnalysisRun.Status.DONE,
        progress=100,
    )
    topic = Topic.objects.create(
        run=run, position=1, words=["speeltuin", "kinderen"], size=2, per_month={}
    )
    TopicInput.objects.create(topic=topic, kind=Kind.COMMENT, object_key="1", weight=0.5)
    return run


SUMMARY = {
    "title_nl": "Kinderen willen spelen",
    "title_en": "Children want to play",
    "text_nl": "Veel bewoners vragen om speeltuinen.",
    "text_en": "Many residents ask for playgrounds.",
}


def test_only_a_reviewed_summary_is_published(client, db, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 2
    researcher = signed_in_colleague(client, Role.RESEARCHER)
    run = _done_run()
    topic = run.topics.get()
    url = reverse("admin:mood_analysisrun_summary", args=[run.pk])
    refused = client.post(url, {**SUMMARY, "action": "publish"})
    assert refused.status_code == 400
    assert "Alleen een nagekeken samenvatting" in refused.content.decode()
    assert not Summary.objects.filter(published_at__isnull=False).exists()
    assert client.get(reverse("mood:public")).content.decode().count("speeltuin") == 0

    client.post(url, {**SUMMARY, "action": "save"})
    draft = Summary.objects.get()
    assert draft.published_at is None
    assert draft.reviewed_at is None
    client.post(url, {**SUMMARY, "action": "publish", "reviewed": "on", "topics": [topic.pk]})
    summary = Summary.objects.get()
    assert summary.published_at
    assert summary.reviewed_by == researcher

    public = client.get(reverse("mood:public")).content.decode()
    assert "Kinderen willen spelen" in public
    assert "speeltuin, kinderen" in public

    client.post(url, {"action": "withdraw"})
    assert Summary.objects.get().published_at is None


def test_publishing_needs_a_finished_run(db):
    run = _done_run()
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING)
    run.refresh_from_db()
    with pytest.raises(actions.NotPublishable):
        actions.save_summary(run=run, user=UserFactory(), reviewed=True, publish=True, **SUMMARY)


@pytest.mark.parametrize("person", ["anonymous", "resident", Role.AREA_MANAGER])
def test_who_is_not_a_researcher_can_neither_see_nor_publish(client, db, person):
    run = _done_run()
    if person == "resident":
        client.force_login(UserFactory())
    elif person != "anonymous":
        signed_in_colleague(client, person)
    for url in (
        ADD,
        reverse("admin:mood_analysisrun_changelist"),
        reverse("admin:mood_analysisrun_change", args=[run.pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(
        reverse("admin:mood_analysisrun_summary", args=[run.pk]),
        {**SUMMARY, "action": "publish", "reviewed": "on"},
    )
    assert response.status_code in (302, 403)
    assert not Summary.objects.exists()
    response = client.post(ADD, {"start": "2026-01-01", "end": "2026-01-31", "topic_count": 3})
    assert not AnalysisRun.objects.exclude(pk=run.pk).exists()


def test_the_public_page_asks_the_same_queries_for_one_or_many(client, db, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 2

    def publish(title):
        run = _done_run(NeighbourhoodFactory())
        run.topics.update(public=True)
        Summary.objects.create(
            run=run,
            **{**SUMMARY, "title_nl": title},
            reviewed_at=timezone.now(),
            published_at=timezone.now(),
        )

    publish("Eerste")
    url = reverse("mood:public")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        first = client.get(url)
    for n in range(4):
        publish(f"Nummer {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(one) == len(many)
    html = response.content.decode()
    assert first.status_code == response.status_code == 200
    assert "Nummer 3" in html
    assert html.count("speeltuin, kinderen") == 5
    assert "Wat leeft er in de stad" in html
    # A draft and an unreviewed summary stay away.
    Summary.objects.create(run=_done_run(), **{**SUMMARY, "title_nl": "Concept"})
    assert "Concept" not in client.get(url).content.decode()


def test_the_run_page_asks_the_same_queries_for_one_topic_or_many(client, db):
    signed_in_colleague(client, Role.RESEARCHER)
    comments = [CommentFactory(text=f"Speeltuin nummer {n}") for n in range(14)]

    def run_with(topics):
        run = _done_run()
        Topic.objects.filter(run=run).delete()
        for position in range(1, topics + 1):
            topic = Topic.objects.create(
                run=run, position=position, words=[f"woord{position}"], size=12
            )
            for n, comment in enumerate(comments[:12]):
                TopicInput.objects.create(
                    topic=topic,
                    kind=Kind.COMMENT,
                    object_key=str(comment.pk),
                    weight=n,
                    rank=12 - n,  # heaviest first, as the analysis stores them
                )
        return reverse("admin:mood_analysisrun_change", args=[run.pk])

    one, many = run_with(1), run_with(4)
    client.get(one)
    with CaptureQueriesContext(connection) as asked_one:
        response = client.get(one)
    with CaptureQueriesContext(connection) as asked_many:
        page = client.get(many)
    assert len(asked_one) == len(asked_many)
    html = page.content.decode()
    # The ten heaviest texts of each topic, heaviest first.
    assert html.count("Speeltuin nummer 11") == 4
    assert "Speeltuin nummer 1<" not in html
    assert response.status_code == 200


LONELY = "Mijn buurman Jansen in de Kerkstraat maakt elke nacht herrie met zijn scooter"
PLAYGROUND = [
    "De speeltuin bij de school is kapot, de kinderen kunnen niet spelen",
    "Graag een nieuwe speeltuin voor de kinderen in de wijk",
    "De kinderen willen schommels in de speeltuin",
]


def test_only_chosen_topics_resting_on_enough_texts_are_published_never_a_text(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SURVEY_MIN_GROUP_SIZE = 3
    initiative = InitiativeFactory(
        status=Status.SUBMITTED, title="Speeltuin", description="Een speeltuin voor kinderen"
    )
    for text in [*PLAYGROUND, LONELY]:
        CommentFactory(initiative=initiative, text=text)
    signed_in_colleague(client, Role.RESEARCHER)
    run = _run(client, django_capture_on_commit_callbacks, topic_count=2)
    topics = list(Topic.objects.filter(run=run))
    (big,) = [topic for topic in topics if "speeltuin" in topic.words]
    (small,) = [topic for topic in topics if "herrie" in topic.words]
    assert big.size >= 3
    assert small.size == 1
    page = client.get(reverse("admin:mood_analysisrun_change", args=[run.pk])).content.decode()
    # The big topic is chosen until the researcher says otherwise; the small one cannot be.
    assert f'value="{big.pk}" id="id_topics_0" checked' in page.replace('checked=""', "checked")
    assert f'name="topics" value="{small.pk}"' not in page
    assert "worden met de samenvatting gepubliceerd" in page

    url = reverse("admin:mood_analysisrun_summary", args=[run.pk])
    refused = client.post(
        url, {**SUMMARY, "action": "publish", "reviewed": "on", "topics": [big.pk, small.pk]}
    )
    assert refused.status_code == 400
    assert not Summary.objects.exists()
    client.post(url, {**SUMMARY, "action": "publish", "reviewed": "on", "topics": [big.pk]})
    assert Summary.objects.get().published_at
    # A topic marked public some other way, or grown too small for a raised minimum,
    # still stays off the page.
    Topic.objects.filter(pk=small.pk).update(public=True)

    public = client.get(reverse("mood:public")).content.decode()
    assert ", ".join(big.words) in public
    # The words of the topic resting on one resident's text: their neighbour's name and
    # street among them.
    own = [word for word in small.words if word not in big.words]
    assert {"jansen", "kerkstraat"} <= set(own)
    for word in own:
        assert word not in public.lower()
    for text in [*PLAYGROUND, LONELY, initiative.description]:
        words = text.split()
        assert text not in public
        # Not even three words of it in a row.
        for start in range(len(words) - 2):
            assert " ".join(words[start : start + 3]) not in public

    # A topic the researcher leaves out is not published either.
    client.post(url, {**SUMMARY, "action": "publish", "reviewed": "on"})
    public = client.get(reverse("mood:public")).content.decode()
    assert ", ".join(big.words) not in public
    assert "Kinderen willen spelen" in public


def test_the_public_page_leaves_filler_words_out_of_a_published_topic(client, db, settings):
    settings.SURVEY_MIN_GROUP_SIZE = 2
    researcher = signed_in_colleague(client, Role.RESEARCHER)
    run = _done_run()
    # A topic found before "graag" and "echt" were on the list of filler words.
    Topic.objects.filter(run=run).update(words=["speeltuin", "graag", "kinderen", "echt"])
    topic = run.topics.get()
    url = reverse("admin:mood_analysisrun_summary", args=[run.pk])
    client.post(url, {**SUMMARY, "action": "publish", "reviewed": "on", "topics": [topic.pk]})
    assert Summary.objects.get().reviewed_by == researcher
    client.logout()
    public = client.get(reverse("mood:public")).content.decode()
    assert "speeltuin, kinderen" in public
    assert "graag" not in public
    # What was found and published stays as it was stored.
    topic.refresh_from_db()
    assert topic.words == ["speeltuin", "graag", "kinderen", "echt"]
