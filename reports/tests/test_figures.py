"""The figures of public-space reports (lead time against the term, satisfaction), the
back office's figures page and its CSV, "U zei, wij deden" and the monitor's figures:
checked against values computed here from the raw rows, independently of
``reports.figures`` (working days counted by hand with the 2026 holidays written out)."""

import csv
import io
import statistics
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import StaffFactory, UserFactory, sign_in_staff
from neighbourhoods.models import Neighbourhood
from neighbourhoods.tests.factories import NeighbourhoodFactory
from reports import figures
from reports import monitor as report_monitor
from reports.models import (
    Answer,
    Category,
    Department,
    Feedback,
    FeedbackReason,
    FeedbackRequest,
    Improvement,
    Report,
    Status,
)
from reports.tests.factories import ReportFactory

pytestmark = pytest.mark.django_db

FIGURES = "/beheer/reports/report/cijfers/"
PUBLIC = "/openbare-ruimte/jij-zei-wij-deden/"
ZONE = ZoneInfo("Europe/Amsterdam")
# The Dutch public holidays of spring 2026 that fall on a weekday (Algemene termijnenwet).
HOLIDAYS_2026 = {
    date(2026, 4, 6),  # Easter Monday
    date(2026, 4, 27),  # King's Day
    date(2026, 5, 5),  # Liberation Day
    date(2026, 5, 14),  # Ascension Day
    date(2026, 5, 25),  # Whit Monday
}


def by_hand(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS_2026:
            days += 1
    return days


def moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), ZONE)


def closed_report(went_in: date, closed: date, due: date, **fields) -> Report:
    return ReportFactory(
        status=fields.pop("status", Status.SOLVED),
        submitted_at=moment(went_in),
        created_at=moment(went_in),
        closed_at=moment(closed, 15),
        due_date=due,
        **fields,
    )


def answer(report: Report, solved: str, grade: int, given: date, reasons=()) -> Feedback:
    request = FeedbackRequest.objects.create(
        report=report,
        token_hash=f"{report.pk:064d}",
        created_at=moment(given),
        expires_at=moment(given + timedelta(days=14)),
    )
    feedback = Feedback.objects.create(
        report=report, request=request, solved=solved, grade=grade, created_at=moment(given, 12)
    )
    feedback.reasons.set(reasons)
    return feedback


# (went in, closed, due) around King's Day, Liberation Day and Ascension Day 2026.
SPRING = [
    (date(2026, 4, 20), date(2026, 4, 30), date(2026, 4, 29)),
    (date(2026, 4, 21), date(2026, 4, 24), date(2026, 4, 30)),
    (date(2026, 4, 22), date(2026, 5, 6), date(2026, 5, 1)),
    (date(2026, 4, 23), date(2026, 4, 28), date(2026, 4, 30)),
    (date(2026, 4, 24), date(2026, 5, 15), date(2026, 5, 4)),
    (date(2026, 5, 4), date(2026, 5, 8), date(2026, 5, 11)),
    (date(2026, 5, 6), date(2026, 5, 13), date(2026, 5, 13)),
    (date(2026, 5, 11), date(2026, 5, 18), date(2026, 5, 15)),
    (date(2026, 5, 12), date(2026, 5, 26), date(2026, 5, 19)),
    (date(2026, 5, 13), date(2026, 5, 15), date(2026, 5, 20)),
    (date(2026, 5, 18), date(2026, 5, 29), date(2026, 5, 22)),
    (date(2026, 5, 19), date(2026, 5, 22), date(2026, 5, 26)),
]
GRADES = [8, 7, 3, 9, 4, 8, 6, 7, 2, 9, 5, 8]
ANSWERS = [
    Answer.YES,
    Answer.YES,
    Answer.NO,
    Answer.YES,
    Answer.PARTLY,
    Answer.YES,
    Answer.PARTLY,
    Answer.YES,
    Answer.NO,
    Answer.YES,
    Answer.NO,
    Answer.YES,
]


@pytest.fixture
def spring(settings):
    """Twelve reports of the roads department in one neighbourhood, each answered."""
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 5
    area = NeighbourhoodFactory(name="Havenkwartier")
    late = FeedbackReason.objects.filter(answer=Answer.NO).first()
    partly = FeedbackReason.objects.filter(answer=Answer.PARTLY).first()
    reports = []
    for (went_in, closed, due), grade, solved in zip(SPRING, GRADES, ANSWERS, strict=True):
        report = closed_report(went_in, closed, due, neighbourhood=area)
        reasons = {Answer.NO: [late], Answer.PARTLY: [partly]}.get(solved, [])
        answer(report, solved, grade, closed + timedelta(days=1), reasons)
        reports.append(report)
    return reports


def selection() -> figures.Selection:
    return figures.Selection(date(2026, 4, 1), date(2026, 5, 31))


def test_working_day_numbers_agree_with_counting_by_hand():
    for went_in, closed, _due in SPRING:
        assert figures.lead_time(went_in, closed) == by_hand(went_in, closed)
    # King's Day and a weekend: Friday 24 April to Tuesday 28 April is one working day.
    assert figures.lead_time(date(2026, 4, 24), date(2026, 4, 28)) == 1


def test_figures_match_values_computed_from_the_rows(spring):
    result = figures.compute(Report.objects.all(), selection())
    lead = sorted(by_hand(went_in, closed) for went_in, closed, _due in SPRING)
    on_time = sum(closed <= due for _went_in, closed, due in SPRING)
    total = result.total
    assert total.handled == 12
    assert total.median_days == round(statistics.median(lead), 1)
    assert total.p90_days == round(statistics.quantiles(lead, n=10, method="inclusive")[-1], 1)
    assert total.on_time_share == round(on_time * 100 / 12)
    assert total.answers == 12
    assert total.solved_share == round(ANSWERS.count(Answer.YES) * 100 / 12)
    # The mean grade's 95% interval with Student's t for 11 degrees of freedom.
    mean = statistics.mean(GRADES)
    half = 2.201 * statistics.stdev(GRADES) / 12**0.5
    assert total.mean_grade == round(mean, 1)
    assert total.grade_low == round(mean - half, 1)
    assert total.grade_high == round(mean + half, 1)
    # The reasons of the unhappy ("partly" and "no"), most often first.
    assert result.unhappy == 5
    assert [count for _label, count in result.reasons] == [3, 2]
    # Months: closed in April and in May.
    months = {row.key: row for row in result.groups["month"]}
    april = sorted(by_hand(w, c) for w, c, _d in SPRING if c.month == 4)
    assert months["2026-04"].handled == len(april) == 3
    assert months["2026-04"].times_hidden  # 3 < 5
    # With April hidden, May's figures and the total would give April's: May is hidden
    # too (secondary suppression), its count still said.
    assert months["2026-05"].times_hidden
    assert months["2026-05"].median_days is None
    assert months["2026-05"].handled == 9


def test_on_time_is_the_queues_days_left_at_closing(spring):
    """One definition: closed on a day when the queue's days left were not negative."""
    report = spring[0]
    report.status = Status.IN_PROGRESS
    closed_on = report.closed_at.astimezone(ZONE).date()
    days_left = report.working_days_left(closed_on)
    assert days_left == -1  # due the 29th, closed the 30th
    result = figures.compute(Report.objects.filter(pk=report.pk), selection())
    assert result.total.handled == 1
    assert result.total.times_hidden  # one report: hidden, on time or not


def test_small_groups_are_hidden(spring, settings):
    other = NeighbourhoodFactory(name="Kleindorp")
    for went_in, closed, due in SPRING[:3]:
        closed_report(went_in, closed, due, neighbourhood=other)
    result = figures.compute(Report.objects.all(), selection())
    rows = {row.label: row for row in result.groups["neighbourhood"]}
    assert rows["Kleindorp"].handled == 3
    assert rows["Kleindorp"].times_hidden
    assert rows["Kleindorp"].median_days is None
    assert rows["Kleindorp"].answers_hidden
    assert rows["Kleindorp"].mean_grade is None
    # The only other neighbourhood with reports would give Kleindorp's lead times away
    # (the total minus it): hidden too. Kleindorp has no answers: nothing to give away.
    assert rows["Havenkwartier"].times_hidden
    assert not rows["Havenkwartier"].answers_hidden
    written = list(csv.reader(io.StringIO(result.csv())))
    kleindorp = next(row for row in written if row[1] == "Kleindorp")
    assert kleindorp[3] == ""
    assert kleindorp[12] == "lead_time answers"
    # Too few unhappy answers: the reasons are hidden as well.
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 6
    assert figures.compute(Report.objects.all(), selection()).reasons is None


def _hidden_figures_from_the_total(rows, total) -> list[tuple[str, str]]:
    """What an attacker could work out: per part (lead times, answers), the one group
    hidden where the total and every other group are shown."""
    found = []
    for part, size, hidden, total_hidden in (
        ("times", "handled", "times_hidden", total.times_hidden),
        ("answers", "answers", "answers_hidden", total.answers_hidden),
    ):
        small = [row for row in rows if getattr(row, hidden) and getattr(row, size)]
        if not total_hidden and len(small) == 1:
            found.append((part, small[0].label))
    return found


def test_one_hidden_group_cannot_be_worked_out_from_the_total(spring):
    """Secondary suppression, checked against groups counted here from the rows: a
    hidden small group takes the next smallest with it, the large one stays shown with
    its own figures, and no breakdown leaves a single hidden group beside a shown
    total."""
    middle = NeighbourhoodFactory(name="Middendorp")
    small = NeighbourhoodFactory(name="Kleindorp")
    made = {"Havenkwartier": list(zip(SPRING, GRADES, ANSWERS, strict=True))}
    made["Middendorp"] = made["Havenkwartier"][:6]
    made["Kleindorp"] = made["Havenkwartier"][6:9]
    for area, rows in ((middle, made["Middendorp"]), (small, made["Kleindorp"])):
        for (went_in, closed, due), grade, solved in rows:
            report = closed_report(went_in, closed, due, neighbourhood=area)
            answer(report, solved, grade, closed + timedelta(days=1))
    result = figures.compute(Report.objects.all(), selection())
    # Independently: the groups' sizes and the large group's figures from the rows.
    sizes = {name: len(rows) for name, rows in made.items()}
    assert sizes == {"Havenkwartier": 12, "Middendorp": 6, "Kleindorp": 3}
    minimum = figures.min_group()
    primary = {name for name, size in sizes.items() if size < minimum}
    assert primary == {"Kleindorp"}
    secondary = min((size, name) for name, size in sizes.items() if name not in primary)[1]
    rows = {row.label: row for row in result.groups["neighbourhood"]}
    for name in primary | {secondary}:
        assert rows[name].times_hidden, name
        assert rows[name].answers_hidden, name
        assert (rows[name].median_days, rows[name].mean_grade, rows[name].on_time) == (
            None,
            None,
            0,
        )
        assert (rows[name].solved_share, rows[name].on_time_share) == (None, None)
        assert rows[name].handled == sizes[name]  # the count is still said
    big = rows["Havenkwartier"]
    lead = [by_hand(w, c) for (w, c, _d), _g, _s in made["Havenkwartier"]]
    assert not big.times_hidden
    assert not big.answers_hidden
    assert big.median_days == round(statistics.median(lead), 1)
    assert big.mean_grade == round(statistics.mean(GRADES), 1)
    # The total is shown, and no breakdown gives one hidden group away.
    assert not result.total.times_hidden
    assert result.total.handled == 21
    for dimension, breakdown in result.groups.items():
        assert _hidden_figures_from_the_total(breakdown, result.total) == [], dimension
    written = list(csv.reader(io.StringIO(result.csv())))
    middendorp = next(row for row in written if row[1] == "Middendorp")
    assert middendorp[3] == ""
    assert middendorp[9] == ""
    assert middendorp[12] == "lead_time answers"


def test_nothing_more_is_hidden_when_no_group_or_two_are_small(spring):
    """Secondary suppression only where it is needed: with two small groups hidden, the
    others keep their figures."""
    for name in ("Kleindorp", "Kleinhuizen"):
        area = NeighbourhoodFactory(name=name)
        for went_in, closed, due in SPRING[:3]:
            closed_report(went_in, closed, due, neighbourhood=area)
    result = figures.compute(Report.objects.all(), selection())
    rows = {row.label: row for row in result.groups["neighbourhood"]}
    assert rows["Kleindorp"].times_hidden
    assert rows["Kleinhuizen"].times_hidden
    assert not rows["Havenkwartier"].times_hidden
    assert rows["Havenkwartier"].median_days is not None


def test_t_quantiles_for_larger_samples():
    assert figures.t_975(40) == pytest.approx(2.021, abs=0.001)
    assert figures.t_975(100) == pytest.approx(1.984, abs=0.001)


# --- the back office's page ---------------------------------------------------------


def colleague(client, department: Department | None = None, *, area_manager=False):
    user = StaffFactory()
    if area_manager:
        user.groups.add(Role.AREA_MANAGER.group())
    else:
        user.user_permissions.add(
            Permission.objects.get(codename="view_report"),
            Permission.objects.get(codename="add_improvement"),
            Permission.objects.get(codename="change_improvement"),
            Permission.objects.get(codename="view_improvement"),
        )
    if department is not None:
        department.members.add(user)
    sign_in_staff(client, user)
    return user


def test_figures_page_and_csv_for_a_department_colleague(client, spring):
    roads = Department.objects.get(slug="wegen")
    other = Department.objects.exclude(pk=roads.pk).first()
    for went_in, closed, due in SPRING[:6]:
        closed_report(went_in, closed, due, department=other)
    colleague(client, roads)
    response = client.get(FIGURES, {"months": "24"})
    assert response.status_code == 200
    shown = response.context["figures"]
    # Only the roads department's twelve reports, though there are eighteen.
    assert Report.objects.count() == 18
    assert shown.total.handled == len([r for r in spring if r.department_id == roads.pk])
    assert {row.label for row in shown.groups["department"]} == {roads.name}
    # The filter offers only their own department; another's is refused beside the field.
    assert list(response.context["form"].fields["department"].queryset) == [roads]
    refused = client.get(FIGURES, {"department": str(other.pk)})
    assert refused.status_code == 400
    assert "department" in refused.context["form"].errors
    download = client.get(FIGURES, {"months": "24", "format": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    assert download.content.decode().startswith("breakdown,group,closed")


@pytest.mark.parametrize(
    "query",
    [
        {"months": "abc"},
        {"months": "-1"},
        {"category": "zzz"},
        {"department": "99999999999999999999"},
        {"neighbourhood": "0"},
        {"months": "12", "format": "csv", "category": "\x00"},
    ],
)
def test_bad_filters_never_a_server_error(client, spring, query):
    colleague(client)
    response = client.get(FIGURES, query)
    assert response.status_code == 400


def test_anonymous_and_residents_are_sent_to_the_back_office_sign_in(client):
    assert client.get(FIGURES).status_code == 302
    client.force_login(UserFactory())
    response = client.get(FIGURES)
    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]


def test_staff_without_the_queue_may_not_see_the_figures(client):
    sign_in_staff(client, StaffFactory())
    assert client.get(FIGURES).status_code == 403


def test_an_area_manager_sees_the_figures_of_their_neighbourhoods(client, spring):
    manager = colleague(client, area_manager=True)
    mine = NeighbourhoodFactory(name="Mijnwijk", area_manager=manager)
    for went_in, closed, due in SPRING[:5]:
        closed_report(went_in, closed, due, neighbourhood=mine)
    response = client.get(FIGURES, {"months": "24"})
    assert response.context["figures"].total.handled == 5
    assert list(response.context["form"].fields["neighbourhood"].queryset) == [mine]


def _queries(client, url: str, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_figures_page_queries_do_not_grow_with_reports(client, settings):
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 1
    colleague(client)
    went_in = date.today() - timedelta(days=20)
    first = closed_report(went_in, went_in + timedelta(days=5), went_in + timedelta(days=7))
    answer(first, Answer.NO, 4, went_in + timedelta(days=6))
    one = _queries(client, FIGURES)
    areas = [NeighbourhoodFactory() for _ in range(3)]
    for index in range(30):
        report = closed_report(
            went_in,
            went_in + timedelta(days=index % 9),
            went_in + timedelta(days=5),
            neighbourhood=areas[index % 3],
        )
        answer(
            report,
            Answer.NO,
            index % 10 + 1,
            went_in + timedelta(days=10),
            FeedbackReason.objects.filter(answer=Answer.NO)[:2],
        )
    assert _queries(client, FIGURES) == one


# --- "U zei, wij deden" ---------------------------------------------------------------


def improvement(**fields) -> Improvement:
    defaults = {
        "title_nl": "Losse tegels sneller vast",
        "title_en": "Loose paving fixed sooner",
        "said_nl": "Het duurde te lang.",
        "said_en": "It took too long.",
        "done_nl": "Een vaste ploeg voor losse tegels.",
        "done_en": "A fixed crew for loose paving.",
        "changed_on": date(2026, 5, 11),
    }
    return Improvement.objects.create(**{**defaults, **fields})


def test_before_and_after_an_improvement(spring, settings):
    settings.PORTAL_REPORT_FIGURES_MIN_GROUP = 5
    paving = spring[0].category
    item = improvement(category=paving.parent)
    [compared] = figures.before_and_after([item], today=date(2026, 9, 1))
    before = [(w, c) for w, c, _d in SPRING if c < date(2026, 5, 11)]
    after = [(w, c) for w, c, _d in SPRING if c >= date(2026, 5, 11)]
    assert compared.before.handled == len(before) == 5
    assert compared.before.median_days == round(statistics.median(by_hand(*r) for r in before), 1)
    assert compared.after.handled == len(after) == 7
    assert compared.after.median_days == round(statistics.median(by_hand(*r) for r in after), 1)
    grades_after = [
        g for (_w, c, _d), g in zip(SPRING, GRADES, strict=True) if c >= date(2026, 5, 10)
    ]
    assert compared.after.mean_grade == round(statistics.mean(grades_after), 1)
    assert compared.after_complete
    # Another category: nothing before or after, hidden.
    other = Category.objects.main().exclude(pk=paving.parent_id).first()
    [empty] = figures.before_and_after([improvement(category=other)], today=date(2026, 9, 1))
    assert empty.before.times_hidden
    assert empty.after.answers_hidden


def test_the_public_page_shows_improvements_in_the_readers_language(client, spring, settings):
    item = improvement(category=spring[0].category.parent)
    improvement(title_nl="Nog niet zichtbaar", changed_on=date.today() + timedelta(days=3))
    improvement(title_nl="Verborgen", is_published=False)
    page = client.get(PUBLIC).content.decode()
    assert "Losse tegels sneller vast" in page
    assert "Een vaste ploeg" in page
    assert "Nog niet zichtbaar" not in page
    assert "Verborgen" not in page
    assert "Voor" in page
    assert "Na" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(PUBLIC).content.decode()
    assert "Loose paving fixed sooner" in english
    assert "Before" in english
    assert item.title_nl not in english
    # Nothing about reporters: no email address, no remark.
    assert "@" not in page.split("<main", 1)[-1].split("</main>", 1)[0]


def test_public_page_queries_do_not_grow_with_improvements(client, spring):
    improvement(category=spring[0].category.parent)
    one = _queries(client, PUBLIC)
    for index in range(5):
        item = improvement(changed_on=date(2026, 4, 1 + index))
        item.reasons.set(FeedbackReason.objects.all()[:2])
    assert _queries(client, PUBLIC) == one


def test_a_department_colleague_records_improvements_only_for_their_department(client):
    roads = Department.objects.get(slug="wegen")
    other = Department.objects.exclude(pk=roads.pk).first()
    colleague(client, roads)
    data = {
        "title_nl": "Sneller",
        "title_en": "",
        "said_nl": "Te traag.",
        "said_en": "",
        "done_nl": "Andere planning.",
        "done_en": "",
        "changed_on": "2026-05-01",
        "category": "",
        "department": str(other.pk),
        "is_published": "on",
    }
    refused = client.post("/beheer/reports/improvement/add/", data)
    assert refused.status_code == 200
    assert "department" in refused.context["adminform"].form.errors
    refused = client.post("/beheer/reports/improvement/add/", {**data, "department": ""})
    assert "department" in refused.context["adminform"].form.errors
    assert not Improvement.objects.exists()
    response = client.post(
        "/beheer/reports/improvement/add/", {**data, "department": str(roads.pk)}
    )
    assert response.status_code == 302
    assert Improvement.objects.get().department == roads


def test_editing_an_improvement_keeps_a_reason_no_longer_offered(client):
    """A reason that was switched off after it was linked stays on the improvement: the
    form still offers it (checked), and saving keeps it; new improvements are offered
    only the reasons in use."""
    roads = Department.objects.get(slug="wegen")
    colleague(client, roads)
    old, current = FeedbackReason.objects.filter(applies_to="report", answer=Answer.NO)[:2]
    linked = improvement(department=roads)
    linked.reasons.set([old, current])
    old.is_active = False
    old.save()
    url = f"/beheer/reports/improvement/{linked.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert set(form.fields["reasons"].queryset) >= {old, current}
    assert (
        old
        not in client.get("/beheer/reports/improvement/add/")
        .context["adminform"]
        .form.fields["reasons"]
        .queryset
    )
    data = {
        "title_nl": "Losse tegels sneller vast, ook in de wijken",
        "title_en": linked.title_en,
        "said_nl": linked.said_nl,
        "said_en": linked.said_en,
        "done_nl": linked.done_nl,
        "done_en": linked.done_en,
        "changed_on": "2026-05-11",
        "category": "",
        "department": str(roads.pk),
        "reasons": [str(old.pk), str(current.pk)],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    linked.refresh_from_db()
    assert linked.title_nl == "Losse tegels sneller vast, ook in de wijken"
    assert set(linked.reasons.all()) == {old, current}


# --- secondary suppression beyond the figures page ------------------------------------


def test_one_hidden_side_of_an_improvement_takes_the_other_with_it(spring):
    """Before and after are the two parts of the window the back office's figures show
    whole: with one side too small, the other is hidden too (its counts still said)."""
    changed_on = date(2026, 5, 1)
    [compared] = figures.before_and_after(
        [improvement(category=spring[0].category.parent, changed_on=changed_on)],
        today=date(2026, 9, 1),
    )
    # Independently, from the rows: closings and answers (the day after closing) per side.
    closings = {
        "before": [by_hand(w, c) for w, c, _d in SPRING if c < changed_on],
        "after": [by_hand(w, c) for w, c, _d in SPRING if c >= changed_on],
    }
    answered = {
        "before": [
            g
            for (_w, c, _d), g in zip(SPRING, GRADES, strict=True)
            if c + timedelta(days=1) < changed_on
        ],
        "after": [
            g
            for (_w, c, _d), g in zip(SPRING, GRADES, strict=True)
            if c + timedelta(days=1) >= changed_on
        ],
    }
    minimum = figures.min_group()
    assert [len(closings["before"]), len(closings["after"])] == [3, 9]
    assert len(answered["before"]) < minimum <= len(answered["after"])
    for side in (compared.before, compared.after):
        assert side.times_hidden, side.key
        assert side.answers_hidden, side.key
        assert (side.median_days, side.mean_grade, side.solved_share) == (None, None, None)
    assert compared.before.handled == len(closings["before"])
    assert compared.after.handled == len(closings["after"])
    assert compared.after.answers == len(answered["after"])


def test_the_monitor_hides_the_next_smallest_neighbourhood_beside_a_small_one(spring):
    """The monitor's lead time and grade per neighbourhood: a neighbourhood too small
    to show takes the next smallest with it, the others keep figures computed here from
    the rows."""
    made = {"Havenkwartier": list(zip(SPRING, GRADES, ANSWERS, strict=True))}
    made["Middendorp"] = made["Havenkwartier"][:6]
    made["Kleindorp"] = made["Havenkwartier"][6:9]
    for name in ("Middendorp", "Kleindorp"):
        area = NeighbourhoodFactory(name=name)
        for (went_in, closed, due), grade, solved in made[name]:
            answer(
                closed_report(went_in, closed, due, neighbourhood=area),
                solved,
                grade,
                closed + timedelta(days=1),
            )
    areas = list(Neighbourhood.objects.order_by("name"))
    result = report_monitor.neighbourhood_indicators(areas, 2026)
    shown = {area.name: result[area.pk] for area in areas}
    sizes = {name: len(rows) for name, rows in made.items()}
    minimum = figures.min_group()
    primary = {name for name, size in sizes.items() if size < minimum}
    assert primary == {"Kleindorp"}
    secondary = min((size, name) for name, size in sizes.items() if name not in primary)[1]
    assert secondary == "Middendorp"
    for name in primary | {secondary}:
        lead, grade = shown[name]
        assert (lead.value, grade.value, grade.ci_low) == (None, None, None), name
        assert (lead.n, grade.n) == (sizes[name], sizes[name])  # the counts still said
    lead, grade = shown["Havenkwartier"]
    assert lead.value == round(
        statistics.median(by_hand(w, c) for (w, c, _d), _g, _s in made["Havenkwartier"]), 1
    )
    assert grade.value == round(statistics.mean(GRADES), 1)
    # No single hidden neighbourhood beside the shown city total.
    hidden = [name for name in sizes if shown[name][0].value is None]
    assert len(hidden) != 1


def test_the_monitor_hides_nothing_more_when_every_neighbourhood_is_large(spring):
    other = NeighbourhoodFactory(name="Middendorp")
    for (went_in, closed, due), grade, solved in list(zip(SPRING, GRADES, ANSWERS, strict=True))[
        :6
    ]:
        answer(
            closed_report(went_in, closed, due, neighbourhood=other),
            solved,
            grade,
            closed + timedelta(days=1),
        )
    areas = list(Neighbourhood.objects.order_by("name"))
    result = report_monitor.neighbourhood_indicators(areas, 2026)
    assert all(indicator.value is not None for rows in result.values() for indicator in rows)


def _selected(content: str, name: str) -> str:
    """The label of the option the select ``name`` shows as chosen."""
    select = content[content.index(f'name="{name}"') :]
    select = select[: select.index("</select>")]
    chosen = select[select.index(" selected>") + len(" selected>") :]
    return chosen[: chosen.index("</option>")]


def test_the_stated_period_follows_the_chosen_one(client):
    """The select and the sentence above the figures name the same period: the default
    when none was chosen (also when only another filter was), the chosen one otherwise."""
    colleague(client)
    roads = Department.objects.get(slug="wegen")
    for query, months in [({}, 12), ({"department": str(roads.pk)}, 12), ({"months": "3"}, 3)]:
        response = client.get(FIGURES, query)
        content = response.content.decode()
        assert response.status_code == 200
        assert _selected(content, "months") == f"{months} maanden"
        start = response.context["figures"].selection.start
        assert f"Periode: de laatste {months} maanden, van {start.day} " in content
    one = client.get(FIGURES, {"months": "24"}).content.decode()
    assert "Periode: de laatste 24 maanden" in one


def test_the_filters_offer_all_as_their_empty_choice_and_the_breadcrumb_is_the_admins(client):
    colleague(client)
    content = client.get(FIGURES).content.decode()
    assert _selected(content, "category") == "Alle hoofdcategorieën"
    assert _selected(content, "department") == "Alle afdelingen"
    assert _selected(content, "neighbourhood") == "Alle wijken"
    assert "Maak een keuze" not in content
    # The closed reports are named by their statuses' own names.
    assert "in de periode op “Opgelost” of “Niet opgepakt” zijn gezet" in content
    assert '<ol class="breadcrumbs">' in content
    assert '<li aria-current="page">Cijfers van meldingen openbare ruimte</li>' in content
