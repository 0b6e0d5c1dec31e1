"""Secret links leave no token in the logs: a real gunicorn (production settings, the
project's ``gunicorn.conf.py``) with an access log file, on the loopback. A resident
follows a survey invitation link, answers, and follows the "leave the panel" link and
leaves; a mail program posts the one-click leave link; someone tries a dead invitation
link (a 404, which Django's request log reports with its path). Neither the access log nor
the portal's own log holds any of the tokens, and no page or redirect carries them on."""

import json
import re
import subprocess
import sys

import pytest
import requests

from tests.loopback import POSTGRES, ROOT, gunicorn, production_env, throwaway_database

pytestmark = pytest.mark.postgres

SETUP = """
import json
from surveys import actions
from surveys.models import Invitation, PanelMember, Question, Survey
from surveys.tests.factories import PanelMemberFactory, QuestionFactory, SurveyFactory

survey = SurveyFactory(slug="wijkpeiling", one_page=True, anonymous=True)
question = QuestionFactory(survey=survey, kind=Question.Kind.RATING)
member = PanelMemberFactory()
actions.invite_whole_panel(survey=survey)
invitation = Invitation.objects.get(survey=survey)
print(json.dumps({
    "invitation": invitation.token(),
    "leave": PanelMember.leave_token(member.user),
    "slug": survey.slug,
    "question": str(question.pk),
}))
"""

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def database():
    with throwaway_database("portal_logs") as name:
        yield f"{POSTGRES}/{name}"


def _csrf(page: requests.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def test_no_token_of_a_secret_link_in_the_access_log_or_the_portal_log(database, tmp_path):
    env = production_env(database, tmp_path / "media", LOG_LEVEL="INFO")

    def manage(*args: str, **extra: str) -> str:
        return subprocess.run(  # noqa: S603 (manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**env, **extra},
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout

    manage("migrate", "--noinput", "-v0")
    world = json.loads(manage("shell", "-v0", "-c", SETUP, DEBUG="true").strip().splitlines()[-1])
    token, leave = world["invitation"], world["leave"]
    dead = "0f" * 32  # looks like an invitation token, belongs to nothing
    access_log, portal_log = tmp_path / "access.log", tmp_path / "portal.log"
    pages: list[requests.Response] = []

    with gunicorn(env, "--access-logfile", str(access_log), output=portal_log) as (base, _):
        resident = requests.Session()
        # The invitation link: 303 on to the survey's own address, token in the session.
        start = resident.get(f"{base}/enquetes/uitnodiging/{token}/", timeout=10)
        assert [r.status_code for r in start.history] == [303]
        assert start.history[0].headers["Referrer-Policy"] == "same-origin"
        assert start.url == f"{base}/enquetes/{world['slug']}/"
        page_url = f"{base}/enquetes/{world['slug']}/pagina/1/"
        page = resident.get(page_url, timeout=10)
        sent = resident.post(
            page_url,
            {world["question"]: "8", "csrfmiddlewaretoken": _csrf(page)},
            headers={"Referer": page_url},
            timeout=10,
        )
        assert sent.url == f"{base}/enquetes/{world['slug']}/bedankt/"
        # The leave link: 303 on to the token-less page whose button leaves.
        confirm = resident.get(f"{base}/enquetes/panel/verlaten/{leave}/", timeout=10)
        assert [r.status_code for r in confirm.history] == [303]
        assert confirm.url == f"{base}/enquetes/panel/verlaten/"
        left = resident.post(
            confirm.url,
            {"csrfmiddlewaretoken": _csrf(confirm)},
            headers={"Referer": confirm.url},
            timeout=10,
        )
        assert left.status_code == 200
        # A mail program's one-click POST to the link, and a dead invitation link.
        assert requests.post(f"{base}/enquetes/panel/verlaten/{leave}/", timeout=10).ok
        missing = requests.get(f"{base}/enquetes/uitnodiging/{dead}/", timeout=10)
        assert missing.status_code == 404
        # Its page does not write the dead link back (the language switch returns home).
        assert dead not in missing.text
        # Where the resident ends up after each link (the link itself aside).
        pages = [start, page, sent, confirm, left]

    access = access_log.read_text()
    portal = portal_log.read_text()
    # The logs were written, with the secret links in them, redacted.
    assert "/enquetes/uitnodiging/[redacted]/" in access
    assert "/enquetes/panel/verlaten/[redacted]/" in access
    assert f"/enquetes/{world['slug']}/pagina/1/" in access
    assert "/enquetes/uitnodiging/[redacted]/" in portal  # Django's "Not Found" line
    for secret in (token, leave, dead):
        assert secret not in access
        assert secret not in portal
        for response in pages:
            assert secret not in response.url
            assert secret not in response.text
