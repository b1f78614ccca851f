"""Words people use: one date format, sheet names in words, places in Vietnamese order."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation
from openpyxl import Workbook, load_workbook

from groups.formats import date_text
from groups.models import Area, AreaKind, SelfManagementGroup
from reports.intake import submit_report
from reports.models import Channel, Report
from reports.spreadsheets import SHEET_NAME_LENGTH, Sheet, sheet_name, xlsx_response

VN = datetime.timezone(datetime.timedelta(hours=7))

# One date and time format


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_locale_formats_write_day_month_year_then_the_time(language):
    moment = datetime.datetime(2026, 12, 6, 0, 12, tzinfo=VN)
    with translation.override(language):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "06/12/2026 00:12"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "06/12/2026 00:12"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "06/12/2026"
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "06/12/2026"


def test_exports_write_the_same_format_in_local_time():
    assert date_text(datetime.datetime(2026, 12, 5, 17, 12, tzinfo=datetime.UTC)) == (
        "06/12/2026 00:12"
    )
    assert date_text(datetime.date(2026, 12, 6)) == "06/12/2026"


@pytest.fixture
def report(theft, ward_a, unit_a1, group_x):
    received = submit_report(
        data={
            "category": theft,
            "ward": ward_a,
            "unit": unit_a1,
            "description": "Mất xe đạp.",
            "name": "Nguyễn Thị Hoa",
            "phone": "0987654321",
        },
        channel=Channel.WEB,
    ).report
    moment = datetime.datetime(2026, 12, 6, 0, 12, tzinfo=VN)
    Report.objects.filter(pk=received.pk).update(created_at=moment, occurred_at=moment)
    received.refresh_from_db()
    return received


ODD_FORMAT = re.compile(r"\d\d:\d\d \d\d-\d\d-\d{4}|\d{4}-\d\d-\d\d[ T]\d\d:\d\d")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_inbox_and_the_report_page_write_dates_one_way(client, leader_x, report, language):
    client.force_login(leader_x)
    for url in ("/reports/", f"/reports/{report.pk}/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert "06/12/2026 00:12" in html, url
        # Only the machine-readable attribute of <time> is in ISO 8601.
        assert not ODD_FORMAT.search(re.sub(r'datetime="[^"]*"', "", html)), url


def test_the_inbox_csv_writes_dates_as_the_pages_do(client, leader_x, report):
    client.force_login(leader_x)
    response = client.get("/reports/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][1] == "06/12/2026 00:12"
    assert rows[1][6] == date_text(report.due_at)


def test_xlsx_cells_hold_dates_shown_day_month_year():
    moment = datetime.datetime(2026, 12, 5, 17, 12, tzinfo=datetime.UTC)
    response = xlsx_response(
        filename="x.xlsx",
        sheets=[Sheet("Dates", ["when", "day"], [[moment, datetime.date(2026, 12, 6)]])],
    )
    sheet = load_workbook(io.BytesIO(response.content))["Dates"]
    when, day = sheet["A3"], sheet["B3"]
    # Local time, without a zone (Excel has none).
    assert when.value == datetime.datetime(2026, 12, 6, 0, 12, tzinfo=VN).replace(tzinfo=None)
    assert when.number_format == "dd/mm/yyyy hh:mm"
    assert day.number_format == "dd/mm/yyyy"


# Sheet names in words


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Thời gian xác nhận đã nhận và giải quyết", "Thời gian xác nhận đã nhận"),
        ("Tin báo theo loại", "Tin báo theo loại"),
        ("Escalations: acknowledged / by level", "Escalations- acknowledged"),
        ("Thời gian xử lý của các tổ tự quản, theo phường", "Thời gian xử lý của các tổ tự"),
        ("Ngườiđặttênmộttừrấtdàikhôngcókhoảngtrắngnào", "Ngườiđặttênmộttừrấtdàikhôngcókh"),
        ("[Tổng hợp]", "-Tổng hợp-"),
        ("", "-"),
    ],
)
def test_a_sheet_name_fits_excel_and_ends_on_a_whole_word(title, name):
    assert sheet_name(title) == name
    assert len(name) <= SHEET_NAME_LENGTH
    Workbook().create_sheet(name)  # openpyxl accepts it as Excel would


def test_sheet_names_stay_unique_in_a_workbook():
    first = sheet_name("Thời gian xác nhận đã nhận và giải quyết")
    second = sheet_name("Thời gian xác nhận đã nhận và giải quyết", taken=[first])
    assert second == "Thời gian xác nhận đã nhận (2)"
    assert sheet_name("tin báo", taken=["Tin Báo"]) == "tin báo (2)"


# Places in Vietnamese alphabetical order


@pytest.fixture
def more_wards(province, ward_a, ward_b):
    """Ward A is "Phường Hạ Long", ward B "Xã Quảng Tân"."""
    for name in ("Phường Hoành Bồ", "Phường Đông Mai", "Phường Bãi Cháy", "Phường Dương Kinh"):
        Area.objects.add_child(
            Area.objects.get(pk=province.pk), {"name": name, "kind": AreaKind.WARD}
        )


VIETNAMESE_ORDER = [
    "Phường Bãi Cháy",
    "Phường Dương Kinh",
    "Phường Đông Mai",  # Đ after D
    "Phường Hạ Long",  # before "Hoành Bồ": the tone mark does not count first
    "Phường Hoành Bồ",
    "Xã Quảng Tân",
]


def _in_page_order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def test_the_report_form_lists_communes_and_wards_in_vietnamese_order(client, more_wards):
    html = client.get("/report/new/").content.decode()
    assert _in_page_order(html, VIETNAMESE_ORDER) == VIETNAMESE_ORDER


def test_the_dashboard_filter_lists_them_in_the_same_order(client, province_admin, more_wards):
    client.force_login(province_admin)
    response = client.get("/dashboard/")
    wards = [str(ward) for ward in response.context["filter"].form.fields["ward"].queryset]
    assert wards == VIETNAMESE_ORDER


def test_the_areas_pickable_by_an_administrator_come_in_vietnamese_order(
    province_admin, more_wards
):
    names = [area.name for area in Area.objects.pickable_by(province_admin, province=True)]
    assert names == ["Quảng Ninh", *VIETNAMESE_ORDER]


def test_groups_sort_in_vietnamese_order(ward_a):
    for name in ("Tổ tự quản Hoành Bồ", "Tổ tự quản Đông Mai", "Tổ tự quản Hạ Long"):
        SelfManagementGroup.objects.create(name=name, ward=ward_a)
    assert list(SelfManagementGroup.objects.values_list("name", flat=True)) == [
        "Tổ tự quản Đông Mai",
        "Tổ tự quản Hạ Long",
        "Tổ tự quản Hoành Bồ",
    ]


def test_the_ward_comparison_export_lists_wards_in_vietnamese_order(
    client, province_admin, more_wards
):
    client.force_login(province_admin)
    url = reverse("dashboard:export_table", args=["mediation_resolution", "csv"])
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == VIETNAMESE_ORDER
