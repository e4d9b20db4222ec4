"""Every user-facing string exists in Simplified Chinese: the committed catalog is complete and compiled."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import hongshu

PACKAGE = Path(hongshu.__file__).parent
CATALOG = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_committed_catalog_is_fully_translated():
    catalog = polib.pofile(str(CATALOG))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    assert len(catalog.translated_entries()) > 20


def test_compiled_catalog_matches_the_source():
    def translations(catalog: polib._BaseFile) -> dict[tuple[str, str], str]:
        # Keyed by context too: "From" (a change's old value) and "From" (a period's start) differ.
        return {
            (e.msgctxt or "", e.msgid): e.msgstr or str(e.msgstr_plural.get(0, ""))
            for e in catalog
            if e.msgid
        }

    compiled = translations(polib.mofile(str(CATALOG.with_suffix(".mo"))))
    assert compiled == translations(polib.pofile(str(CATALOG))), "run `make messages` to recompile"


def test_every_string_in_the_code_is_in_the_catalog(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed, so strings cannot be extracted")
    tree = tmp_path / "hongshu"
    shutil.copytree(PACKAGE, tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"],
        cwd=tree,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin"},  # without DJANGO_SETTINGS_MODULE: extraction needs none
    )
    fresh = polib.pofile(str(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {entry.msgid for entry in polib.pofile(str(CATALOG))}
    missing = sorted(entry.msgid for entry in fresh if entry.msgid not in committed)
    assert not missing, f"not in the catalog (run `make messages` and translate): {missing}"
