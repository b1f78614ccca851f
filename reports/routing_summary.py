"""The routings-per-kind summary (reports/models/routing_summary.py): reading it,
and rebuilding it around bulk loads.

Triggers keep ``RoutingSummary`` exact in every transaction (migration 0032). A
bulk load of millions of routings is faster without them: ``paused()`` switches
them off for its block and counts the whole table again at its end, in the same
transaction, so nobody ever reads a count that is off.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# The months of the table are months in this zone (the SQL of migration 0032);
# the dashboard reads the table only when its own time zone is this one.
TIME_ZONE = "Asia/Ho_Chi_Minh"

TRIGGERS = {
    "reports_reportassignment": [
        "reports_routing_summary_added",
        "reports_routing_summary_removed",
        "reports_routing_summary_moved",
    ],
    "groups_selfmanagementgroup_model_types": [
        "reports_routing_summary_kinds_added",
        "reports_routing_summary_kinds_removed",
    ],
    "reports_report": ["reports_routing_summary_report_moved"],
}


def rebuild() -> None:
    """Count the whole table again from the reports, routings and kinds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_routing_summary_rebuild_all()")


@contextmanager
def paused() -> Iterator[None]:
    """The triggers off for a bulk write, then the table rebuilt; inside a transaction
    (ALTER TABLE takes a lock until it ends, and a failure rolls all of it back)."""
    if not connection.in_atomic_block:
        raise RuntimeError("paused() must run inside a transaction")
    _switch("DISABLE")
    yield
    _switch("ENABLE")
    rebuild()


def _switch(state: str) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A table with checks still queued for commit cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, names in TRIGGERS.items():
            for name in names:
                cursor.execute(f"ALTER TABLE {quote(table)} {state} TRIGGER {quote(name)}")
