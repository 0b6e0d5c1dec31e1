"""Dutch and English catalogues are complete: every string in the code is in both,
translated, and the compiled .mo files say what the .po files say."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    "bench",
    "portal",
    "common",
    "accounts",
    "notifications",
    "privacy",
    "overview",
    "neighbourhoods",
    "initiatives",
    "surveys",
    "procurement",
    "reports",
    "participation",
    "citydata",
    "community",
    "mood",
    "radar",
    "budgets",
    "templates",
]
LANGUAGES = ["nl", "en"]


def _unquote(block: str) -> str:
    raw = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))
    return raw.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def parse_po(path: Path) -> dict[tuple[str | None, str], list[str]]:
    """Each entry's translations, by (context or None, msgid): the same msgid may be
    there with several contexts, each translated on its own."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        msgid = re.search(r'^msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)', block, re.M)
        if not msgid:
            continue
        key = _unquote(msgid.group(1))
        if not key:
            continue
        assert "#, fuzzy" not in block, f"fuzzy entry in {path}: {key}"
        context = re.search(r'^msgctxt ((?:"(?:[^"\\]|\\.)*"\n?)+)', block, re.M)
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:"(?:[^"\\]|\\.)*"\n?)+)', block, re.M)
        entries[(_unquote(context.group(1)) if context else None, key)] = [
            _unquote(text) for text in strings
        ]
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_fully_translated_and_compiled(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    entries = parse_po(po)
    assert entries
    untranslated = [key for key, strings in entries.items() if not all(strings)]
    assert untranslated == []
    with (po.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for (context, key), strings in entries.items():
        if len(strings) == 1:
            found = compiled.pgettext(context, key) if context else compiled.gettext(key)
            assert found == strings[0], f"stale .mo for {key!r} ({context})"


def test_catalogues_hold_every_string_in_the_code(tmp_path):
    for name in SOURCES:
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "PYTHONPATH": str(tmp_path)},
    )
    fresh = set(parse_po(tmp_path / "locale/nl/LC_MESSAGES/django.po"))
    committed = set(parse_po(ROOT / "locale/nl/LC_MESSAGES/django.po"))
    assert fresh - committed == set(), "run `make messages` and translate the new strings"


def test_every_app_is_checked():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(SOURCES), "add the new app to SOURCES"
