"""Compile locale/*/LC_MESSAGES/*.po into .mo files (the build step of `make`).

Uses polib so that a machine without GNU gettext can build; `make messages`
(extracting new strings) is a developer task and does need gettext.
"""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compile_all() -> int:
    compiled = 0
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled += 1
    return compiled


if __name__ == "__main__":
    count = compile_all()
    print(f"compiled {count} message catalogue(s)", file=sys.stderr)  # noqa: T201
