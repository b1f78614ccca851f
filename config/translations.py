"""The build's translation steps, with polib so that no GNU gettext is needed.

``python -m config.translations`` compiles locale/*/LC_MESSAGES/*.po into .mo
files (run by every `make` target). ``--fill-english`` copies each English
source string into the English catalogue, which `make messages` runs after
extracting new strings: English is the source language, so its catalogue is
complete by construction and Vietnamese is the one to translate.
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"


def compile_all() -> int:
    compiled = 0
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled += 1
    return compiled


def fill_source_language() -> int:
    filled = 0
    for po_path in sorted((LOCALE / SOURCE_LANGUAGE / "LC_MESSAGES").glob("*.po")):
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue:
            if entry.msgid_plural:
                if not all(entry.msgstr_plural.values()) or entry.fuzzy:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    filled += 1
            elif not entry.msgstr or entry.fuzzy:
                entry.msgstr = entry.msgid
                filled += 1
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
        catalogue.save()
    return filled


if __name__ == "__main__":
    if "--fill-english" in sys.argv[1:]:
        print(f"filled {fill_source_language()} English entries", file=sys.stderr)  # noqa: T201
    count = compile_all()
    print(f"compiled {count} message catalogue(s)", file=sys.stderr)  # noqa: T201
