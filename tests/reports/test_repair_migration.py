"""An existing database with a poisoned report recovers on upgrade.

Before the range check, the public form stored a time of occurrence before year 1
in UTC, and the inbox, the detail page, the API, the CSV export and the admin all
failed on the row. Migrating forward (reports 0008, 0009) repairs it.
"""

import datetime

import pytest
from django.db import DataError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reports.intake import submit_report
from reports.models import Channel, Report

BEFORE = [("reports", "0007_dashboard_indexes")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _leaf():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "reports"]


@pytest.mark.django_db(transaction=True)
def test_a_report_stored_before_year_one_is_repaired_and_every_page_answers(
    client, theft, ward_a, unit_a1, group_x, leader_x, police_a, province_admin
):
    receipt = submit_report(
        data={
            "category": theft,
            "ward": ward_a,
            "unit": unit_a1,
            "anonymous": False,
            "description": "Xe máy bị lấy trộm.",
            "name": "Nguyễn Thị Hoa",
            "phone": "0987654321",
        },
        channel=Channel.WEB,
    )
    future = submit_report(
        data={
            "category": theft,
            "ward": ward_a,
            "unit": unit_a1,
            "anonymous": False,
            "description": "Đánh nhau ở chợ.",
            "name": "Trần Văn Bình",
            "phone": "0987654322",
        },
        channel=Channel.WEB,
    )
    # Filed today; then the database goes back to before the range check.
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            # What the public form stored for occurred_at=0001-01-01T00:00 in Vietnam.
            cursor.execute(
                "UPDATE reports_report SET occurred_at = %s::timestamptz WHERE id = %s",
                ["0001-01-01 00:00:00+07", receipt.report.pk],
            )
            cursor.execute(
                "UPDATE reports_report SET occurred_at = %s::timestamptz WHERE id = %s",
                ["9999-12-31 23:00:00+07", future.report.pk],
            )
        with pytest.raises(DataError, match="before year 1"):
            list(Report.objects.values_list("occurred_at"))
    finally:
        _migrate(_leaf())

    repaired = Report.objects.get(pk=receipt.report.pk)
    assert repaired.occurred_at == repaired.created_at
    later = Report.objects.get(pk=future.report.pk)
    assert later.occurred_at == later.created_at
    assert timezone.now() - repaired.occurred_at < datetime.timedelta(hours=1)

    client.force_login(leader_x)
    for path in ("/reports/", f"/reports/{repaired.pk}/", "/reports/export.csv"):
        assert client.get(path).status_code == 200, path
    client.force_login(police_a)
    assert client.get("/api/reports/").status_code == 200
    client.force_login(province_admin)
    assert client.get("/admin/reports/report/").status_code == 200
    assert client.get(f"/admin/reports/report/{repaired.pk}/change/").status_code == 200
