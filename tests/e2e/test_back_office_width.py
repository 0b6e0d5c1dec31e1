"""The back office in the window a civil servant has: 1280 by 800.

Every staff role signs in (password and authenticator app) to the demo portal and opens
every list of the back office it may see, and each queue of "Needs attention" with its
filter. On each list every column header lies inside the window, the page does not
scroll sideways, and the table's own scroll box does not either: submitted, answer due,
days left and supporters are read at a glance, not after scrolling."""

import json
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from accounts.models import User
from accounts.tests.factories import totp_code
from common.attention import queues_for
from initiatives.models import Comment, Initiative

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 1280, 800

# The demo's colleagues, one per role, and the functional administrator.
COLLEAGUES = [
    "makelaar",  # initiative broker
    "gebiedsmanager",  # area manager
    "onderzoeker",  # researcher
    "inkoper",  # procurement officer
    "privacy",  # privacy officer
    "beheerder",  # functional administrator (superuser): every list
]

# The columns a colleague reads first on the lists where the issue was found (by the
# field each shows); they must be on the list and in view.
KEY_COLUMNS = {
    "initiatives_initiative": [
        "title_and_area",
        "status",
        "submitted",
        "answer_due",
        "deadline",
        "supporters",
    ],
}

MEASURE = r"""() => {
  const width = window.innerWidth;
  const results = document.querySelector('#changelist .results');
  const headers = [...document.querySelectorAll('#result_list thead th')].map(th => {
    const box = th.getBoundingClientRect();
    const column = [...th.classList].find(name => name.startsWith('column-'));
    return {
      text: th.textContent.trim(),
      column: column ? column.slice('column-'.length) : '',
      right: box.right,
    };
  });
  // Words split over two lines inside a cell ("Ontvan|gen", "#16|0"): a short word
  // (a number, a status, a date, a name) is one piece on one line.
  const broken = [];
  // Long free text may break inside a word (static/portal/admin.css names its columns).
  const freeText = ['title', 'text', 'title_and_area', 'question_short', 'summary',
                    'description', 'tender', 'survey', 'party_name', 'contract'];
  const cells = document.querySelectorAll('#result_list tbody td, #result_list tbody th');
  for (const cell of cells) {
    if (freeText.some(name => cell.classList.contains('field-' + name))) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      // A date (with its time) is one piece; a word may break at its hyphen
      // ("e-mail-|adressen", "2024-|2025"), never inside.
      for (const match of text.matchAll(/\d{1,2}-\d{1,2}-\d{4}(?: \d{1,2}:\d{2})?|[^\s-]+/g)) {
        if (match[0].length > 20) continue;  // a long word may break when it must
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return {
    broken,
    width,
    pageWidth: document.documentElement.scrollWidth,
    resultsOverflow: results ? results.scrollWidth - results.clientWidth : 0,
    resultsRight: results ? results.getBoundingClientRect().right : 0,
    headers,
  };
}"""


def changelists_for(user: User) -> list[tuple[str, str]]:
    """(name, address) of every list of the back office this colleague may open, and
    of every queue of "Needs attention" with its filter."""
    request = RequestFactory().get("/")
    request.user = user
    lists = []
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_view_or_change_permission(request):
            name = f"{model._meta.app_label}_{model._meta.model_name}"
            lists.append((name, reverse(f"admin:{name}_changelist")))
    for queue in queues_for(user, lambda admin_name: admin.site._visible_rows(request, admin_name)):
        name = re.sub(r"^/[^/]+/(\w+)/(\w+)/.*$", r"\1_\2", queue.url)
        lists.append((name, queue.url))
    return lists


def sign_in_colleague(page: Page, live_server, user: User) -> None:
    page.goto(live_server.url + "/account/login/")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.locator("input[name=code]").fill(totp_code(user))
    page.locator("input[name=code]").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/2fa/authenticate/"))


def test_every_back_office_list_fits_1280_by_800(browser, live_server):
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    problems: list[str] = []
    opened = 0
    for local in COLLEAGUES:
        user = User.objects.get(email=f"{local}@{DEMO_DOMAIN}")
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        sign_in_colleague(page, live_server, user)
        lists = changelists_for(user)
        assert lists, f"{local} opens no list of the back office"
        for name, url in lists:
            response = page.goto(live_server.url + url)
            assert response is not None, (local, url)
            assert response.status == 200, (local, url)
            opened += 1
            if page.locator("#result_list").count() == 0:
                continue  # an empty list has no table
            seen = page.evaluate(MEASURE)
            where = f"{local} {url}"
            if seen["pageWidth"] > WIDTH:
                problems.append(f"{where}: the page is {seen['pageWidth']}px wide")
            if seen["resultsOverflow"] > 0:
                problems.append(f"{where}: the table scrolls {seen['resultsOverflow']}px")
            for header in seen["headers"]:
                if header["right"] > WIDTH or header["right"] > seen["resultsRight"] + 1:
                    problems.append(f"{where}: “{header['text']}” ends at {header['right']}px")
            if seen["broken"]:
                problems.append(f"{where}: words broken mid-word: {seen['broken'][:5]}")
            columns = [header["column"] for header in seen["headers"]]
            for key in KEY_COLUMNS.get(name, []):
                if key not in columns:
                    problems.append(f"{where}: no column “{key}” (has {columns})")
        context.close()
    assert opened > len(COLLEAGUES)
    assert not problems, "\n".join(problems)


FIELDS_OUTSIDE = """() => {
  const width = window.innerWidth;
  const outside = [];
  for (const field of document.querySelectorAll('#content select, #content textarea')) {
    const box = field.getBoundingClientRect();
    if (box.width === 0) continue;  // not shown (a hidden inline's template)
    const row = field.closest('.form-row, fieldset, td') || document.body;
    const room = row.getBoundingClientRect();
    if (box.right > width || box.right > room.right + 1) {
      outside.push(
        `${field.name}: ends at ${Math.round(box.right)}px, row at ${Math.round(room.right)}px`
      );
    }
  }
  return {pageWidth: document.documentElement.scrollWidth, outside};
}"""


def test_long_choices_and_reasons_stay_inside_the_form_at_1280_by_800(browser, live_server):
    """The change pages and the pages of bulk actions with a choice or a reason: every
    select and textarea fits its row, nothing reaches past the window."""
    call_command("seed_demo", "--allow-production", "--quiet-logins")

    broker = User.objects.get(email=f"makelaar@{DEMO_DOMAIN}")
    # A colleague with a long name makes a long choice in "assign to a colleague".
    User.objects.filter(pk=broker.pk).update(
        display_name="Initiatiefmakelaar Evangeline van Oosterhout-Wijnberg tot Zuidbroek"
    )
    initiative = Initiative.objects.public().order_by("pk").first()
    comment = Comment.objects.order_by("pk").first()
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    sign_in_colleague(page, live_server, broker)
    pages = [reverse("admin:initiatives_initiative_change", args=[initiative.pk])]
    for url in pages:
        page.goto(live_server.url + url)
        seen = page.evaluate(FIELDS_OUTSIDE)
        assert seen["pageWidth"] <= WIDTH, (url, seen)
        assert not seen["outside"], (url, seen["outside"])
    # The bulk actions that ask whom, or why.
    for changelist, pk, action in [
        ("admin:initiatives_initiative_changelist", initiative.pk, "assign_to_colleague"),
        ("admin:initiatives_comment_changelist", comment.pk, "hide_comments"),
    ]:
        page.goto(live_server.url + reverse(changelist))
        page.locator(f"input[name=_selected_action][value='{pk}']").check()
        page.locator("select[name=action]").select_option(action)
        page.locator("button[name=index], input[name=index]").first.click()
        expect(page.locator("input[name=apply]")).to_be_visible()
        seen = page.evaluate(FIELDS_OUTSIDE)
        assert seen["pageWidth"] <= WIDTH, (action, seen)
        assert not seen["outside"], (action, seen["outside"])
    context.close()


# Long words as people and registers write them: a supplier's legal name, a CPV label, a
# neighbourhood, a title, a reason of several sentences.
LONG = (
    "Coöperatieve Vereniging Wijkveiligheidsverbeteringsprogrammacoördinatie Eemdal-Zuid "
    "en Omstreken U.A., herinrichting en vergroening van het Bongerdpark met "
    "speelvoorzieningen, bankjes en een ontmoetingsplek voor jong en oud. "
)
_SKIP_FIELDS = {"key", "token", "hash", "code", "slug", "kind", "status", "url", "language"}
_SKIP_FIELDS |= {"extension", "type", "ip", "email", "password", "secret", "kvk", "vat"}


@pytest.fixture(autouse=True)
def _cpv_labels_put_back():
    """The CPV table is seeded once per test database and kept through the flush after
    each test (``SEEDED_TABLES`` in the root conftest): put back the labels a test here
    lengthened, or a later test would search a catalogue of long names."""
    yield
    from procurement.apps import CPV_FILE, CPV_FILE_NL
    from procurement.models import CpvCode

    if not CpvCode.objects.filter(label__startswith=LONG[:40]).exists():
        return
    english = json.loads(CPV_FILE.read_text(encoding="utf-8"))
    dutch = json.loads(CPV_FILE_NL.read_text(encoding="utf-8"))
    codes = list(CpvCode.objects.all())
    for cpv in codes:
        cpv.label, cpv.label_nl = english[cpv.full_code], dutch.get(cpv.full_code, "")
    CpvCode.objects.bulk_update(codes, ["label", "label_nl"], batch_size=2000)


def lengthen_what_people_wrote() -> None:
    """Every name, title, label (CPV codes' too) and free text of ours as long as its
    field allows (unique per row), so every select, autocomplete and textarea meets its
    longest choice."""
    from django.apps import apps
    from django.db import models
    from django.db.models.functions import Cast, Concat

    ours = {"accounts", "notifications", "privacy", "overview", "neighbourhoods"}
    ours |= {"initiatives", "surveys", "procurement", "participation"}
    for model in apps.get_models():
        if model._meta.app_label not in ours or model._meta.proxy:
            continue
        values = {}
        for field in model._meta.concrete_fields:
            if type(field) not in (models.CharField, models.TextField) or field.choices:
                continue
            if _SKIP_FIELDS & set(field.name.split("_")) or (field.max_length or 100) < 20:
                continue
            text = LONG * 4 if field.max_length is None else LONG[: field.max_length - 8]
            values[field.name] = Concat(
                models.Value(text), Cast("pk", models.CharField()), output_field=field
            )
        if values:
            model._default_manager.update(**values)


CONTROLS_OUTSIDE = """() => {
  const width = window.innerWidth;
  const content = document.querySelector('#content').getBoundingClientRect();
  const outside = [];
  const controls = document.querySelectorAll(
    '#content input:not([type=hidden]):not([type=checkbox]):not([type=radio]), '
    + '#content select, #content textarea, #content .select2-container, '
    + '#content .selector'
  );
  for (const control of controls) {
    const box = control.getBoundingClientRect();
    if (box.width === 0 || control.closest('.empty-form')) continue;  // not shown
    const name = control.name || control.id || control.className;
    const row = control.closest('.form-row, td, .actions') || document.querySelector('#content');
    const room = row.getBoundingClientRect();
    if (box.right > width || box.right > room.right + 1 || box.right > content.right + 1) {
      const right = Math.round(box.right);
      outside.push(`${name}: ends at ${right}px, row at ${Math.round(room.right)}px`);
    }
    if (control.tagName === 'TEXTAREA' && !control.closest('td') && box.width < 300) {
      outside.push(`${name}: a textarea only ${Math.round(box.width)}px wide`);
    }
  }
  return {pageWidth: document.documentElement.scrollWidth, outside};
}"""


def forms_for(user: User) -> list[str]:
    """The add page and the change page (of the first record it sees) of every kind this
    colleague may add or open in the back office."""
    request = RequestFactory().get("/")
    request.user = user
    urls = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{name}_add"))
        if model_admin.has_view_or_change_permission(request):
            first = model_admin.get_queryset(request).order_by("pk").first()
            if first is not None:
                urls.append(reverse(f"{name}_change", args=[first.pk]))
    return urls


def test_every_form_of_every_role_keeps_long_values_inside_1280_by_800(browser, live_server):
    """Every add and change page a role may open, with the longest names, choices and
    reasons: no control reaches past its row or the window, and a textarea is wide
    enough to write in."""
    call_command("seed_demo", "--allow-production", "--quiet-logins")
    lengthen_what_people_wrote()
    problems: list[str] = []
    opened = 0
    for local in COLLEAGUES:
        user = User.objects.get(email=f"{local}@{DEMO_DOMAIN}")
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = context.new_page()
        sign_in_colleague(page, live_server, user)
        for url in forms_for(user):
            response = page.goto(live_server.url + url)
            assert response is not None, (local, url)
            if response.status != 200:
                problems.append(f"{local} {url}: status {response.status}")
                continue
            opened += 1
            seen = page.evaluate(CONTROLS_OUTSIDE)
            if seen["pageWidth"] > WIDTH:
                problems.append(f"{local} {url}: the page is {seen['pageWidth']}px wide")
            problems.extend(f"{local} {url}: {where}" for where in seen["outside"])
        context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert opened > 80, opened
