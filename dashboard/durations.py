"""How long a report waits: hours from its receipt to a later moment of its handling,
and the medians of them that the trends, the ward comparison and the monthly summary
show, so that "median hours to acknowledge/resolve" means one thing everywhere.

A report counts towards the time to acknowledge once acknowledged, and towards the
time to resolve only when resolved (a rejected report is closed, not resolved).
"""

from django.db.models import F, FloatField, Func, Q

from mediation.stats import Median
from reports.models import Status

ACKNOWLEDGED = Q(acknowledged_at__isnull=False)
RESOLVED = Q(status=Status.RESOLVED, closed_at__isnull=False)


def hours_since_received(field: str) -> Func:
    """Hours from the row's ``created_at`` to its ``field``, computed in PostgreSQL."""
    return Func(
        F(field) - F("created_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s)::double precision / 3600",
        output_field=FloatField(),
    )


def median_hours_to_acknowledge() -> Median:
    return Median(hours_since_received("acknowledged_at"), filter=ACKNOWLEDGED)


def median_hours_to_resolve() -> Median:
    return Median(hours_since_received("closed_at"), filter=RESOLVED)
