"""Reports that may tell of the same incident, and merging them.

Neighbours often report the same fight or theft several times. The detail page
suggests open reports of the same category in the same place received around
the same time; the handler merges a repeat into the original. The merged
report keeps its receipt digest, so its reporter still follows it on the
tracking page, which follows ``duplicate_of`` to the original.
"""

import math
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from groups.audit import Action, record
from reports.lifecycle import apply_transition
from reports.models import Report, ReportEvent, Status

RECENT = timedelta(days=7)
NEARBY_METRES = 500
_METRES_PER_DEGREE_OF_LATITUDE = 111_320


def similar_open_reports(*, report: Report, user, limit: int = 5) -> list[Report]:
    """Open reports the user can see that may repeat ``report``, newest first.

    Same category and commune/ward, received within RECENT of ``report``, and
    in the same residential unit or within NEARBY_METRES of its map point (a
    report with neither matches the whole commune/ward). An index serves it
    whatever the data: the ward's open reports, the ward by status or the
    category's recent reports, whichever PostgreSQL finds cheapest.
    """
    candidates = (
        Report.objects.visible_to(user)
        .open()
        .filter(
            category_id=report.category_id,
            ward_id=report.ward_id,
            created_at__range=(report.created_at - RECENT, report.created_at + RECENT),
        )
        .exclude(pk=report.pk)
    )
    place = Q()
    if report.unit_id:
        place |= Q(unit_id=report.unit_id)
    if report.latitude is not None and report.longitude is not None:
        candidates, near = _near(candidates, report=report)
        place |= near
    return list(
        candidates.filter(place)
        .select_related("category", "ward", "unit")
        .order_by("-created_at", "-pk")[:limit]
    )


def _near(candidates, *, report: Report):
    """The candidates with their squared distance to ``report``, and the Q that keeps the near ones.

    An equirectangular approximation: within a few hundred metres it is off by
    far less than a map point is accurate.
    """
    latitude, longitude = float(report.latitude), float(report.longitude)
    metres_per_degree_of_longitude = _METRES_PER_DEGREE_OF_LATITUDE * math.cos(
        math.radians(latitude)
    )
    north = (Cast("latitude", models.FloatField()) - latitude) * _METRES_PER_DEGREE_OF_LATITUDE
    east = (Cast("longitude", models.FloatField()) - longitude) * metres_per_degree_of_longitude
    candidates = candidates.alias(distance_squared=north * north + east * east)
    return candidates, Q(distance_squared__lte=NEARBY_METRES**2)


def merge_duplicate(*, report: Report, into: Report, by, note: str = "") -> Report:
    """Close ``report`` as a duplicate of ``into`` and note the merge on ``into``.

    Both rows are locked in primary-key order, so two handlers merging the two
    reports into each other at once wait for one another instead of
    deadlocking; the second then finds a duplicate and is refused. ``by`` must
    be able to see ``into`` and handle ``report`` (the lifecycle checks the
    latter). Returns the merged report.
    """
    with transaction.atomic():
        locked = {
            row.pk: row
            for row in Report.objects.select_for_update()
            .filter(pk__in=[report.pk, into.pk])
            .order_by("pk")
        }
        if not Report.objects.visible_to(by).filter(pk=into.pk).exists():
            raise ValidationError({"duplicate_of": _("Choose a report you can see.")})
        original = locked[into.pk]
        merged = apply_transition(
            report=locked[report.pk], to=Status.DUPLICATE, by=by, note=note, duplicate_of=original
        )
        ReportEvent.objects.create(
            report=original,
            kind=ReportEvent.Kind.MERGED,
            actor=by,
            # The merged report's number, then the handler's words: read by
            # handlers of the original only (not public).
            note=f"#{merged.pk} {note.strip()}".strip(),
            public=False,
        )
        record(action=Action.MERGE, actor=by, obj=merged, detail={"into": original.pk})
    return merged
