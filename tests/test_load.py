"""Load: 200 simulated residents at once for a minute, on the loopback.

gunicorn (production settings, two workers as in the Dockerfile, with 8 threads each) serves a
portal with the demo data on PostgreSQL, in a throwaway database of the test's own on
the machine's server. locust (its own process: it patches the network stack) runs the
mixed scenario of ``tests/load/locustfile.py``: browse, search, support, comment, answer
the open survey, register a company. Then:

- no answer is a server error or a dropped connection;
- every write the portal confirmed is in the database: supports, comments, survey
  answers, companies.

The p95 per kind of request is printed (figures, not asserted: timing belongs in the
benchmark). ``LOAD_USERS`` and ``LOAD_SECONDS`` change the size (200 users, 60 s)."""

import json
import os
import statistics
import subprocess
import sys
from collections import defaultdict

import psycopg
import pytest

from tests.loopback import POSTGRES, ROOT, gunicorn, production_env, throwaway_database

pytestmark = [pytest.mark.load, pytest.mark.postgres]


USERS = int(os.environ.get("LOAD_USERS", "200"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))

SETUP = f"""
import json
from datetime import timedelta
from django.test import Client
from django.utils import timezone
from initiatives.models import Initiative
from neighbourhoods.models import Neighbourhood
from accounts.models import User
from allauth.account.models import EmailAddress
from procurement.models import CpvCode
from surveys.models import Question, Survey
from surveys.tests.factories import QuestionFactory, SurveyFactory


survey = SurveyFactory(
    slug="belasting", audience=Survey.Audience.OPEN, anonymous=True,
    opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=20),
)
question = QuestionFactory(survey=survey, page=1, kind=Question.Kind.RATING)
people = []
for number in range({USERS}):
    user = User.objects.create_user(
        f"belasting{{number}}@example.nl", display_name=f"Bewoner {{number}}"
    )
    # Signed-up residents have confirmed their address (comments and support ask it).
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client = Client()
    client.force_login(user)
    people.append({{"id": user.pk, "session": client.cookies["sessionid"].value}})
print(json.dumps({{
    "people": people,
    "initiatives": [
        i.pk for i in Initiative.objects.public()[:200] if i.is_open_for_comments
    ][:30],
    "neighbourhoods": list(Neighbourhood.objects.values_list("slug", flat=True)[:10]),
    "survey_start": f"/enquetes/{{survey.slug}}/",
    "survey_page": f"/enquetes/{{survey.slug}}/pagina/1/",
    "survey": survey.pk,
    "question": str(question.pk),
    "division": str(CpvCode.objects.get(code="45000000").pk),
}}))
"""


@pytest.fixture
def database():
    with throwaway_database("portal_load") as name:
        yield f"{POSTGRES}/{name}"


def test_two_hundred_residents_for_a_minute_no_server_error_no_lost_write(database, tmp_path):
    env = production_env(database, tmp_path / "media", LOG_LEVEL="WARNING")
    python = sys.executable

    def manage(*args: str, **extra) -> str:
        return subprocess.run(  # noqa: S603 (manage.py)
            [python, "manage.py", *args],
            cwd=ROOT,
            env={**env, **extra},
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout

    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", DEBUG="true")
    world = json.loads(manage("shell", "-v0", "-c", SETUP, DEBUG="true").strip().splitlines()[-1])
    people = tmp_path / "people.json"
    people.write_text(json.dumps(world))
    results = tmp_path / "results.json"

    # No keep-alive, as with the Dockerfile's sync workers: a client reusing a connection
    # the server just closed would count as a failure of the portal.
    options = ("--workers", "2", "--threads", "8", "--timeout", "60", "--keep-alive", "0")
    with gunicorn(env, *options) as (base, server):
        subprocess.run(  # noqa: S603 (locust on the loopback, bounded in time)
            [
                python,
                "-m",
                "locust",
                "-f",
                str(ROOT / "tests" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                "50",
                "--run-time",
                f"{SECONDS}s",
                "--stop-timeout",
                "10",
                "--host",
                base,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "LOAD_PEOPLE": str(people), "LOAD_RESULTS": str(results)},
            capture_output=True,
            timeout=SECONDS + 120,
            check=False,
        )
        assert server.poll() is None

    outcome = json.loads(results.read_text())
    requests_made, writes = outcome["requests"], outcome["writes"]
    assert len(requests_made) > USERS  # the load ran
    errors = [r for r in requests_made if r["status"] == 0 or r["status"] >= 500]
    assert not errors, [(e["name"], e["status"], e.get("error")) for e in errors[:10]]

    with psycopg.connect(database) as connection:
        comments = {row[0] for row in connection.execute("SELECT text FROM initiatives_comment")}
        supports = set(connection.execute("SELECT user_id, initiative_id FROM initiatives_support"))
        # An anonymous survey's answers wait sealed until a batch is released.
        answers = connection.execute(
            "SELECT (SELECT count(*) FROM surveys_response WHERE survey_id = %(survey)s)"
            " + (SELECT count(*) FROM surveys_sealedresponse WHERE survey_id = %(survey)s)",
            {"survey": world["survey"]},
        ).fetchone()[0]
        companies = {
            row[0] for row in connection.execute("SELECT kvk_number FROM procurement_supplier")
        }
    kinds = defaultdict(list)
    for write in writes:
        kinds[write["kind"]].append(write)
    # The scenario wrote each kind of thing, so the checks below are not empty.
    assert set(kinds) == {"comment", "support", "survey", "supplier"}, set(kinds)
    assert {w["text"] for w in kinds["comment"]} <= comments
    assert {(w["user"], w["on"]) for w in kinds["support"]} <= supports
    assert answers == len(kinds["survey"])
    assert {w["kvk"] for w in kinds["supplier"]} <= companies

    print(f"\n{USERS} users, {SECONDS} s, {len(requests_made)} requests, no 5xx")
    by_name = defaultdict(list)
    for r in requests_made:
        by_name[r["name"]].append(r["ms"])
    for name, times in sorted(by_name.items()):
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        median = statistics.median(times)
        print(f"  {name:20} {len(times):6} requests  p50 {median:6.0f} ms  p95 {p95:6.0f} ms")
    print(f"  confirmed writes: { {kind: len(items) for kind, items in kinds.items()} }")
