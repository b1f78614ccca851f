"""Links that open the resident's report form with the place already chosen.

The public directory and the QR posters print them; the report form
(reports/public_views.py) reads them back. The place is an area's id in the
query string, ``/report/new/?place=123``: a commune/ward, or a residential unit
(then its commune/ward is chosen too). Whatever else arrives there (not ASCII
digits, out of range, a province, an id that does not exist) is ignored: the
form opens empty, never with an error.
"""

from urllib.parse import urlencode

from django.urls import reverse

from groups.models import Area

PLACE_PARAM = "place"
# Area ids are PostgreSQL bigints; a larger number would fail in the query.
MAX_AREA_ID = 2**63 - 1


def report_path(area_id: int) -> str:
    """The report form's path with the area (a commune/ward or a unit) chosen."""
    return f"{reverse('public:new')}?{urlencode({PLACE_PARAM: area_id})}"


def parse_area_id(raw: str | None) -> int | None:
    # str.isdigit() accepts "²" and other digits int() refuses; ASCII only.
    if not raw or len(raw) > 19 or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_AREA_ID else None


def chosen_place(raw: str | None) -> tuple[Area | None, Area | None]:
    """(commune/ward, residential unit or None) named by ``raw``, or (None, None)."""
    area_id = parse_area_id(raw)
    if area_id is None:
        return None, None
    area = Area.objects.filter(pk=area_id, depth__in=(2, 3)).first()
    if area is None:
        return None, None
    if area.depth == 2:
        return area, None
    return area.commune, area
