"""Every page the portal serves is valid HTML, the back office included: each page every
kind of person can open (tests/crawl.py), in Dutch and in English, is saved and checked
by the Nu HTML Checker (npm's vnu-jar, on Java) in one run.

Marked e2e: it needs Java and the npm packages, as the browser tests need Chromium."""

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.crawl import (
    CRAWLERS,
    LANGUAGES,
    STAFF_CRAWLERS,
    build_world,
    candidate_urls,
    html_pages,
    signed_in_client,
    speak,
)

pytestmark = [pytest.mark.e2e, pytest.mark.crawl, pytest.mark.django_db]

STAFF_ROLES = set(STAFF_CRAWLERS) - {"superuser"}
VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def validate(directory: Path) -> list[dict]:
    """The Nu HTML Checker's messages (errors and warnings) for every file in
    ``directory``, from one run of the checker."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker"
    assert VNU.exists(), f"{VNU} is missing: run scripts/setup (npm ci)"
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [java, "-jar", str(VNU), "--format", "json", "--skip-non-html", str(directory)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return json.loads(result.stderr)["messages"]


def test_the_checker_finds_invalid_html(tmp_path):
    """The check can fail: a page with an hx- attribute and a time with microseconds."""
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="nl"><head><title>t</title></head><body>'
        '<form hx-get="/"><time datetime="2026-01-02T03:04:05.123456+01:00">x</time>'
        "</form></body></html>"
    )
    errors = [m for m in validate(tmp_path) if m["type"] == "error"]
    assert len(errors) == 2, errors


def test_the_checker_warns_of_a_caption_beside_a_figcaption(tmp_path):
    """Warnings count too: a chart's table captioned inside a captioned figure (as the
    bar chart was) is one."""
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="nl"><head><title>t</title></head><body>'
        "<figure><figcaption>Cijfers</figcaption><table><caption>De cijfers</caption>"
        "<tr><td>1</td></tr></table></figure></body></html>"
    )
    messages = validate(tmp_path)
    assert [m["subType"] for m in messages if m["type"] == "info"] == ["warning"], messages
    assert not [m for m in messages if m["type"] == "error"], messages


def test_every_page_is_valid_html(tmp_path, settings):
    settings.PORTAL_RATE_LIMITS = {action: "1000/m" for action in settings.PORTAL_RATE_LIMITS}
    world = build_world()
    where: dict[str, list[str]] = {}
    admin = reverse("admin:index")
    for person in CRAWLERS:
        client = signed_in_client(world, person)
        urls = candidate_urls(world, person)
        if person in STAFF_ROLES:
            # A colleague's own pages on the portal are a resident's (the administrator
            # opens them all): their roles differ in the back office.
            urls = [url for url in urls if url.startswith(admin)]
        for language in LANGUAGES:
            speak(client, language)
            for url, _status, html in html_pages(client, urls):
                digest = hashlib.sha256(html.encode()).hexdigest()[:16]
                if digest not in where:
                    (tmp_path / f"{digest}.html").write_text(html)
                where.setdefault(digest, []).append(f"{person} {language} {url}")
    assert len(where) > 300, len(where)
    problems = []
    for message in validate(tmp_path):
        if message["type"] == "info" and message.get("subType") != "warning":
            continue  # advice only: warnings count as problems, as errors do
        digest = Path(message.get("url", "")).stem
        pages = where.get(digest, ["?"])
        problems.append(
            f"{pages[0]} (+{len(pages) - 1}): line {message.get('lastLine')}: "
            f"{message['message']} {message.get('extract', '')!r}"
        )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
