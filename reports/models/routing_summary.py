"""Reports routed to groups of each model kind, per month and commune/ward.

The dashboard's "incidents year on year per model kind" counts, for each kind,
the reports routed to at least one group of that kind. Over a province's two
periods that is a join of 400,000 reports with a million routings and a
``COUNT(DISTINCT)``; this table holds the same counts per local month
(Asia/Ho_Chi_Minh), commune/ward and kind, so whole months are a sum over a few
thousand rows (dashboard/trends.py).

The database keeps it exact, whoever writes: statement triggers on routings
(``ReportAssignment``), on the kinds of a group and on a report's ward or time
(migration 0032) add and remove what each statement changed, in the same
transaction. Intake, rerouting, merging, a group changing kinds and retention
all go through them; nothing in Python has to remember. Bulk loads switch the
triggers off and call ``rebuild()`` (reports/routing_summary.py).
"""

from django.db import models

from groups.models import Area, ModelType


class RoutingSummary(models.Model):
    month = models.DateField()  # the first day of a month, local time
    # No foreign keys in the database: the triggers write these rows while the
    # rows they name are being changed, and a removed kind's rows go with its groups'.
    ward = models.ForeignKey(
        Area, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    kind = models.ForeignKey(
        ModelType, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    reports = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "ward", "kind"], name="routing_summary_month_ward_kind"
            )
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.ward_id} {self.kind_id}: {self.reports}"
