"""Regenerate groups/data/areas.json from the `vietnam-provinces` package.

Development only. The package is GPL-licensed, so tuquan never imports it at
runtime and does not list it as a dependency; this script copies the public
facts we need (official codes, names, kinds) into our own data file.

Run it from the repository root with a throwaway virtualenv activated:

    pip install vietnam-provinces==2025.10.1
    python groups/data/regenerate_areas.py

(2025.10.1 is the release that installs on Python 3.11.) Then review the diff
and run `manage.py load_areas --all` to apply renamed or new units.

The output is deterministic: provinces and their units sorted by official code,
keys sorted, one unit per line, so a new release shows as a readable diff.
"""

import json
import sys
from pathlib import Path

import vietnam_provinces

OUTPUT = Path(__file__).resolve().parent / "areas.json"

# The package's division types mapped to groups.models.AreaKind values.
PROVINCE_KINDS = {"tỉnh": "province", "thành phố trung ương": "city"}
COMMUNE_KINDS = {"phường": "ward", "xã": "commune", "đặc khu": "special_zone"}


def _kind(division_type: str, kinds: dict[str, str]) -> str:
    try:
        return kinds[division_type]
    except KeyError:
        sys.exit(f"Unknown division type {division_type!r}: map it to an AreaKind first.")


def _unit(code: str, name: str, kind: str) -> dict[str, str]:
    return {"code": code, "kind": kind, "name": name}


def _line(unit: dict) -> str:
    return json.dumps(unit, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def main() -> None:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as source:
        provinces = json.load(source)

    blocks = []
    for province in sorted(provinces, key=lambda p: p["code"]):
        head = _unit(
            f"{province['code']:02d}",
            province["name"],
            _kind(province["division_type"], PROVINCE_KINDS),
        )
        wards = [
            _line(_unit(f"{w['code']:05d}", w["name"], _kind(w["division_type"], COMMUNE_KINDS)))
            for w in sorted(province["wards"], key=lambda w: w["code"])
        ]
        # The province's own keys on one line, its units one per line below it.
        blocks.append(_line(head)[:-1] + ',"wards":[\n' + ",\n".join(wards) + "\n]}")

    text = "[\n" + ",\n".join(blocks) + "\n]\n"
    json.loads(text)  # never write a file the loader cannot read
    OUTPUT.write_text(text, encoding="utf-8")
    units = sum(len(p["wards"]) for p in provinces)
    sys.stdout.write(f"Wrote {len(provinces)} provinces and {units} units to {OUTPUT.name}\n")


if __name__ == "__main__":
    main()
