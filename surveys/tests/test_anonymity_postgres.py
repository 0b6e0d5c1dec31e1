"""Anonymity with the whole database in hand (PostgreSQL): after the release, nothing in
the response tables, their system columns included, tells which invitation gave which
answers better than chance.

Forty panel members, twenty in each of two neighbourhoods, answer in a random order,
each in their own requests and transactions, as on the portal. Each writes a text answer
that names their invitation, which is how the test (and only the test) knows the truth.
Then the periodic task releases the batch. An attacker with SQL access lines the
invitations up by every column that could carry order (``xmin``, ``ctid``, ``id``,
times, the token's hash) and the responses and answers likewise, and pairs them rank by
rank: over all forty, and within each neighbourhood (a response carries its invitation's
coarse group by design: the group is the anonymity set, see docs/security.md). Before
sealing, ``xmin`` paired all forty."""

import random
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from neighbourhoods.tests.factories import NeighbourhoodFactory
from surveys import actions
from surveys.models import Invitation, Question, Response, SealedResponse, Survey
from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RESPONDENTS = 40
# Chance: a random pairing gets 1 right on average over all forty, 2 when pairing within
# the two groups of twenty; 13 or more happens less than once in a million for one
# predictor, so seventy predictors stay far from a false alarm, while any real link
# (xmin paired all 40 before) is far above it.
AT_MOST_RIGHT = 12


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _ctid(text: str) -> tuple[int, int]:
    block, offset = text.strip("()").split(",")
    return int(block), int(offset)


def _answered(survey: Survey, question: Question, invitations: list[Invitation]) -> None:
    """Every invited member answers, in a random order, each in their own browser."""
    order = list(invitations)
    random.Random(21).shuffle(order)
    url = reverse("surveys:page", args=[survey.slug, 1])
    for invitation in order:
        browser = Client()
        opened = browser.get(reverse("surveys:invitation", args=[invitation.token()]))
        assert opened.status_code == 303
        sent = browser.post(url, {str(question.pk): f"antwoord-{invitation.pk}"})
        assert sent.status_code == 302, sent.content.decode()[:500]


def _best_pairing(
    truth: dict, invitation_orders: dict, response_orders: dict, groups: dict
) -> tuple[int, str]:
    """The best predictor: line up invitations by one column and responses by another
    (over all, or within each coarse group), pair them rank by rank; how many pairs are
    right."""
    best = (0, "")
    for invitation_name, invitation_key in invitation_orders.items():
        for response_name, response_key in response_orders.items():
            invitations, responses = invitation_key(), response_key()
            pairs = list(zip(invitations, responses, strict=True))
            right = sum(1 for invitation, response in pairs if truth[response] == invitation)
            best = max(best, (right, f"{invitation_name} ~ {response_name}"))
            within = 0
            for group in set(groups.values()):
                pairs = zip(
                    [i for i in invitations if groups[i] == group],
                    [r for r in responses if groups[truth[r]] == group],
                    strict=True,
                )
                within += sum(1 for invitation, response in pairs if truth[response] == invitation)
            best = max(best, (within, f"{invitation_name} ~ {response_name}, per group"))
    return best


def _ordered(rows: list[tuple], key: Callable) -> list:
    return [row[0] for row in sorted(rows, key=key)]


def test_no_column_of_the_released_answers_predicts_the_invitation():
    survey = SurveyFactory(one_page=True, anonymous=True)
    question = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="Wie ben je?")
    north, south = NeighbourhoodFactory(), NeighbourhoodFactory()
    for number in range(RESPONDENTS):
        PanelMemberFactory(neighbourhood=north if number % 2 else south, age_band="45-64")
    actions.invite_whole_panel(survey=survey)
    invitations = list(Invitation.objects.filter(survey=survey))
    _answered(survey, question, invitations)

    assert not Response.objects.exists(), "nothing released while answers come in"
    assert SealedResponse.objects.count() == RESPONDENTS
    assert actions.release_due_responses() == RESPONDENTS
    assert Response.objects.count() == RESPONDENTS
    assert not SealedResponse.objects.exists()

    # What the attacker reads: every row with its system columns.
    invitation_rows = _rows(
        "SELECT id, xmin::text::bigint, ctid::text, created_at, neighbourhood_id, token_hash "
        "FROM surveys_invitation WHERE survey_id = %s",
        [survey.pk],
    )
    response_rows = _rows(
        "SELECT r.id, r.xmin::text::bigint, r.ctid::text, r.submitted_on, "
        "a.xmin::text::bigint, a.ctid::text, a.id, a.value_text "
        "FROM surveys_response r JOIN surveys_answer a ON a.response_id = r.id "
        "WHERE r.survey_id = %s",
        [survey.pk],
    )
    assert len(invitation_rows) == len(response_rows) == RESPONDENTS
    truth = {row[0]: int(row[7].removeprefix("antwoord-")) for row in response_rows}
    assert sorted(truth.values()) == sorted(row[0] for row in invitation_rows)
    groups = {row[0]: row[4] for row in invitation_rows}
    assert _rows(  # the coarse group is the invitation's, as designed
        "SELECT count(*) FROM surveys_response WHERE survey_id = %s AND neighbourhood_id = %s",
        [survey.pk, north.pk],
    ) == [(RESPONDENTS // 2,)]

    invitation_orders = {
        "invitation xmin": lambda: _ordered(invitation_rows, lambda r: (r[1], _ctid(r[2]))),
        "invitation ctid": lambda: _ordered(invitation_rows, lambda r: _ctid(r[2])),
        "invitation id": lambda: _ordered(invitation_rows, lambda r: r[0]),
        "invitation created_at": lambda: _ordered(invitation_rows, lambda r: (r[3], r[0])),
        "invitation token_hash": lambda: _ordered(invitation_rows, lambda r: r[5]),
    }
    response_orders = {
        "response xmin": lambda: _ordered(response_rows, lambda r: (r[1], _ctid(r[2]))),
        "response ctid": lambda: _ordered(response_rows, lambda r: _ctid(r[2])),
        "response id": lambda: _ordered(response_rows, lambda r: str(r[0])),
        "response submitted_on": lambda: _ordered(response_rows, lambda r: (r[3], str(r[0]))),
        "answer xmin": lambda: _ordered(response_rows, lambda r: (r[4], _ctid(r[5]))),
        "answer ctid": lambda: _ordered(response_rows, lambda r: _ctid(r[5])),
        "answer id": lambda: _ordered(response_rows, lambda r: r[6]),
    }
    right, predictor = _best_pairing(truth, invitation_orders, response_orders, groups)
    print(f"\nbest predictor: {predictor}: {right} of {RESPONDENTS} right")
    assert right <= AT_MOST_RIGHT, f"{predictor} pairs {right} of {RESPONDENTS}"

    # Nor can a single value join them: one transaction released the whole batch and
    # marked every invitation; every response has the same date.
    assert len({row[1] for row in response_rows}) == 1
    assert len({row[4] for row in response_rows}) == 1
    assert {row[1] for row in invitation_rows} == {response_rows[0][1]}
    assert len({row[3] for row in response_rows}) == 1


def test_release_clears_the_sealed_rows_from_the_table_pages():
    """After the release (outside a transaction, as the periodic task runs) VACUUM has
    cleared the sealed answers' dead rows: no row version, live or dead, is left in the
    holding table's pages for a page inspector to read."""
    survey = SurveyFactory(one_page=True, anonymous=True)
    question = QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="Wie ben je?")
    neighbourhood = NeighbourhoodFactory()
    for _number in range(6):
        PanelMemberFactory(neighbourhood=neighbourhood)
    actions.invite_whole_panel(survey=survey)
    _answered(survey, question, list(Invitation.objects.filter(survey=survey)))
    assert actions.release_due_responses() == 6
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        try:
            sealed = _row_versions(cursor, "surveys_sealedresponse")
            invitations = _row_versions(cursor, "surveys_invitation")
        finally:
            cursor.execute("DROP EXTENSION pageinspect")
    assert sealed == 0
    # Only the invitations' live versions: none from before the release is left with
    # its submission's transaction id.
    assert invitations == 6


def _row_versions(cursor, table: str) -> int:
    """Row versions with data, live or dead, in every page of the table."""
    cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
    versions = 0
    for page in range(cursor.fetchone()[0]):
        cursor.execute(
            "SELECT count(*) FROM heap_page_items(get_raw_page(%s, %s)) WHERE t_data IS NOT NULL",
            [table, page],
        )
        versions += cursor.fetchone()[0]
    return versions
