"""The dashboard map's points: reports by status and category, and hotspots.

Each point carries what a marker and its popup show and nothing more: never a
report's description, its address, its receipt or anything about the
reporter. Anonymous and police-only reports are flagged as tips; they reach
the map at all only because the dashboard is for the police and province
administrators (dashboard/access.py).

Each collection is one query over named columns (`.values()`), whatever the
number of rows, and the reports are capped at the most recent `POINT_LIMIT`.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from groups.models import Area
from patrols.models import Hotspot, HotspotKind, RiskLevel
from reports.models import Severity, Status

# Enough for a busy ward over a year; beyond it a browser map is unreadable
# anyway, and the response says it was cut so the page can say so.
POINT_LIMIT = 5000

REPORT_COLUMNS = (
    "pk",
    "status",
    "category_id",
    "category__name",
    "category__name_en",
    "category__severity",
    "created_at",
    "latitude",
    "longitude",
    "is_anonymous",
    "police_only",
)
HOTSPOT_COLUMNS = ("pk", "name", "kind", "risk", "latitude", "longitude", "last_checked_at")


def report_points(reports, *, limit: int = POINT_LIMIT) -> dict:
    """The located reports of `reports` (already scoped and filtered), newest first."""
    rows = list(
        reports.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("-created_at", "-pk")
        .values(*REPORT_COLUMNS)[: limit + 1]
    )
    truncated = len(rows) > limit
    english = get_language() == "en"
    return {
        "type": "FeatureCollection",
        "features": [_report_feature(row, english=english) for row in rows[:limit]],
        "truncated": truncated,
        "limit": limit,
        "statuses": [[status.value, str(status.label)] for status in Status],
    }


def _report_feature(row: dict, *, english: bool) -> dict:
    category_name = (english and row["category__name_en"]) or row["category__name"]
    return {
        "type": "Feature",
        "geometry": _point(row),
        "properties": {
            "id": row["pk"],
            "status": row["status"],
            "status_label": str(Status(row["status"]).label),
            "category": row["category_id"],
            "category_name": category_name,
            "severity": row["category__severity"],
            "severity_label": str(Severity(row["category__severity"]).label),
            "created_at": timezone.localtime(row["created_at"]).isoformat(),
            "url": reverse("reports:detail", args=[row["pk"]]),
            # Reporter-sensitive: the reporter asked for anonymity, or the report
            # concerns a group or its members.
            "tip": row["is_anonymous"] or row["police_only"],
        },
    }


def hotspot_points(*, user, wards, unit=None) -> dict:
    """The active, located hotspots of `wards` that `user` may see.

    With a residential unit chosen: that unit's hotspots and the ward-wide ones
    of its ward, as the unit's patrols watch them.
    """
    hotspots = (
        Hotspot.objects.visible_to(user)
        .active()
        .filter(ward__in=wards, latitude__isnull=False, longitude__isnull=False)
    )
    if unit is not None:
        # A materialised path starts with its ancestors' paths: no query for the ward.
        ward_path = unit.path[: Area.steplen * (unit.depth - 1)]
        hotspots = hotspots.filter(Q(unit=unit) | Q(unit__isnull=True, ward__path=ward_path))
    rows = hotspots.order_by("-risk", "name", "pk").values(*HOTSPOT_COLUMNS)
    return {"type": "FeatureCollection", "features": [_hotspot_feature(row) for row in rows]}


def _hotspot_feature(row: dict) -> dict:
    checked = row["last_checked_at"]
    return {
        "type": "Feature",
        "geometry": _point(row),
        "properties": {
            "id": row["pk"],
            "name": row["name"],
            "kind": row["kind"],
            "kind_label": str(HotspotKind(row["kind"]).label),
            "risk": row["risk"],
            "risk_label": str(RiskLevel(row["risk"]).label),
            "last_checked_at": timezone.localtime(checked).isoformat() if checked else None,
            "url": reverse("patrols:hotspot", args=[row["pk"]]),
        },
    }


def _point(row: dict) -> dict:
    # GeoJSON order: longitude first.
    return {"type": "Point", "coordinates": [float(row["longitude"]), float(row["latitude"])]}
