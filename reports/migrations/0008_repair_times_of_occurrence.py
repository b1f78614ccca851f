"""Repair reports whose time of occurrence lies outside what the form now accepts.

Before the range check, one POST of the public form could store a time before
year 1 in UTC, and every page reading the row failed. Such a time (before 2000, or
more than five minutes after the report was received) is replaced by the time the
report was received, the best the record knows. Plain UPDATEs: a poisoned row
cannot even be read into Python.
"""

import datetime

from django.db import migrations
from django.db.models import F, Q

EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
TOLERANCE = datetime.timedelta(minutes=5)


def repair(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Report.objects.filter(
        Q(occurred_at__lt=EARLIEST) | Q(occurred_at__gt=F("created_at") + TOLERANCE)
    ).update(occurred_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_dashboard_indexes")]

    # Nothing to undo: the times replaced were unusable.
    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
