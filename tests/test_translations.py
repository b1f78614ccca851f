"""Vietnamese first: every string the code marks for translation is in the catalogues,
and every catalogue entry is translated."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["vi", "en"]
SOURCES = [
    "manage.py",
    "config",
    "groups",
    "reports",
    "patrols",
    "mediation",
    "dashboard",
    "demo",
    "templates",
]


def _catalogue(root: Path, language: str) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


def _untranslated(entry: polib.POEntry) -> bool:
    if entry.fuzzy:
        return True
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_of_the_catalogue_is_translated(language):
    missing = [entry.msgid for entry in _catalogue(ROOT, language) if _untranslated(entry)]
    assert missing == [], f"untranslated in locale/{language}: {missing[:20]}"


def test_the_catalogues_hold_every_string_the_code_marks_for_translation(tmp_path):
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is required in CI (apt-get install gettext)")
        pytest.skip("GNU gettext not found; install it (apt-get install gettext) to run this")
    # Extract into a copy of the tree, so that the real catalogues stay as they are.
    for name in [*SOURCES, "locale"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "vi", "--no-location"],
        cwd=tmp_path,
        env=os.environ,
        check=True,
        capture_output=True,
    )
    extracted = {(entry.msgctxt, entry.msgid) for entry in _catalogue(tmp_path, "vi")}
    committed = {(entry.msgctxt, entry.msgid) for entry in _catalogue(ROOT, "vi")}
    new = sorted(msgid for _context, msgid in extracted - committed)
    assert new == [], f"run `make messages` and translate: {new[:20]}"
