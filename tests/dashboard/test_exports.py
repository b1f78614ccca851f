"""The dashboard's downloads: the filtered report list (CSV, XLSX), any dashboard
table, and the monthly summary (XLSX, PDF), on known data.

The clock stands on 10 April 2026; March 2026 in ward A holds four reports whose
figures are worked out below, three mediation cases and one patrol. Ward B and
February hold rows that must stay out.
"""

import csv
import datetime
import io
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard import trends
from dashboard.summary import month_filter
from dashboard.views import dashboard_filter
from groups.models import Area, AreaKind
from mediation.models import Status as CaseStatus
from reports.intake import submit_report
from reports.models import Channel, Escalation, Report, Status
from tests.dashboard.trends_data import case, mediation_group, shift
from tests.patrols.conftest import at

VN = datetime.timezone(datetime.timedelta(hours=7))
TODAY = datetime.datetime(2026, 4, 10, 12, 0, tzinfo=VN)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
DESCRIPTION = "Ông Lê Văn Tám ở số 12 bị mất xe máy."
CSV_URL = reverse("dashboard:export_reports", args=["csv"])
XLSX_URL = reverse("dashboard:export_reports", args=["xlsx"])


def report(category, ward, *, received, due, acknowledged=None, closed=None, status, unit=None):
    return Report.objects.create(
        category=category,
        description=DESCRIPTION,
        occurred_at=received,
        ward=ward,
        unit=unit,
        status=status,
        created_at=received,
        due_at=due,
        acknowledged_at=acknowledged,
        closed_at=closed,
        receipt_digest=uuid.uuid4().hex,
    )


def escalation(of, *, level, made, acknowledged=None, by=None):
    Report.objects.filter(pk=of.pk, escalation_level__lt=level).update(escalation_level=level)
    return Escalation.objects.create(
        report=of, level=level, created_at=made, acknowledged_at=acknowledged, acknowledged_by=by
    )


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def march(ward_a, ward_b, unit_a1, theft, fight, police_a, group_x, group_y):
    """Ward A, March 2026 (hours from receipt):

    r1 theft: acknowledged after 2 h, resolved after 24 h.
    r2 theft: acknowledged after 6 h, 2 h after its deadline; still in progress,
       so open past its deadline now. Escalated to level 1, acknowledged 10 min later.
    r3 fight: never acknowledged, open past its deadline. Level 1 acknowledged
       after 30 min, level 2 not acknowledged.
    r4 fight: acknowledged after 1 h, resolved after 3 h.

    Medians: 2 h to acknowledge (1, 2, 6), 13.5 h to resolve (3, 24);
    escalation level 1: 20 min (10, 30).
    """
    r1 = report(
        theft,
        ward_a,
        unit=unit_a1,
        received=at("2026-03-02", 8),
        due=at("2026-03-02", 12),
        acknowledged=at("2026-03-02", 10),
        closed=at("2026-03-03", 8),
        status=Status.RESOLVED,
    )
    r2 = report(
        theft,
        ward_a,
        received=at("2026-03-05", 8),
        due=at("2026-03-05", 12),
        acknowledged=at("2026-03-05", 14),
        status=Status.IN_PROGRESS,
    )
    r3 = report(
        fight, ward_a, received=at("2026-03-10", 20), due=at("2026-03-10", 21), status=Status.NEW
    )
    r4 = report(
        fight,
        ward_a,
        received=at("2026-03-20", 9),
        due=at("2026-03-20", 13),
        acknowledged=at("2026-03-20", 10),
        closed=at("2026-03-20", 12),
        status=Status.RESOLVED,
    )
    escalation(r2, level=1, made=at("2026-03-05", 12), acknowledged=at("2026-03-05", 12, 10))
    escalation(r3, level=1, made=at("2026-03-10", 21), acknowledged=at("2026-03-10", 21, 30))
    escalation(r3, level=2, made=at("2026-03-10", 22))
    # Outside: February in ward A, March in ward B (with its own escalation).
    february = report(
        theft, ward_a, received=at("2026-02-27", 9), due=at("2026-02-27", 13), status=Status.NEW
    )
    elsewhere = report(
        theft, ward_b, received=at("2026-03-15", 9), due=at("2026-03-15", 13), status=Status.NEW
    )
    escalation(elsewhere, level=1, made=at("2026-03-15", 13))
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4, "february": february, "ward_b": elsewhere}


@pytest.fixture
def cases(ward_a, unit_a1, seeded):
    """March 2026 in ward A: two disputes mediated successfully, one not: 66.7 %."""
    group = mediation_group("Tổ hòa giải TDP 1", ward_a, unit_a1)
    received = datetime.date(2026, 3, 2)
    return [
        case(group, CaseStatus.SUCCESSFUL, received, datetime.date(2026, 3, 12)),
        case(group, CaseStatus.SUCCESSFUL, received, datetime.date(2026, 3, 14)),
        case(group, CaseStatus.UNSUCCESSFUL, received, datetime.date(2026, 3, 30)),
    ]


@pytest.fixture
def patrols(group_x, group_y):
    """Group X (ward A): two people for two hours on 6 March, 4 person-hours.
    Group Y (ward B): three people for two hours on 7 March."""
    shift(group_x, "2026-03-06", people=2)
    shift(group_y, "2026-03-07", people=3)


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params, **EN)


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def read_xlsx(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_ids(user, **params) -> list[int]:
    """The reports the dashboard counts for these filters, in its order."""
    request = RequestFactory().get("/dashboard/", params)
    request.user = user
    return list(dashboard_filter(request).qs.values_list("pk", flat=True))


# The report list


def test_the_csv_holds_the_reports_the_dashboard_counts_in_its_order(client, police_a, march):
    rows = read_csv(_get(client, police_a, CSV_URL))
    header, lines = rows[0], rows[1:]
    assert header[:3] == ["Number", "Received", "Category"]
    assert [int(line[0]) for line in lines] == page_ids(police_a)
    assert len(lines) == 5  # March's four and February's, all within the default year
    by_id = {int(line[0]): dict(zip(header, line, strict=True)) for line in lines}
    first = by_id[march["r1"].pk]
    assert first["Received"] == "02/03/2026 08:00"  # local time, as Vietnamese readers write it
    assert first["Status"] == "Resolved"
    assert first["Commune/ward"] == "Phường Hạ Long"
    assert first["Residential unit"] == "Tổ dân phố 1"
    assert first["Closed"] == "03/03/2026 08:00"
    assert by_id[march["r3"].pk]["Escalation level"] == "2"
    assert by_id[march["r3"].pk]["Acknowledged"] == ""


def test_the_exports_follow_the_filters_as_the_page_does(client, police_a, march, fight):
    params = {"start": "2026-03-01", "end": "2026-03-31", "category": fight.pk}
    expected = page_ids(police_a, **params)
    assert sorted(expected) == sorted([march["r3"].pk, march["r4"].pk])
    csv_ids = [int(line[0]) for line in read_csv(_get(client, police_a, CSV_URL, **params))[1:]]
    sheet = read_xlsx(_get(client, police_a, XLSX_URL, **params))["Reports"]
    assert csv_ids == expected
    assert [row[0] for row in sheet[2:]] == expected


def test_the_xlsx_has_the_csv_rows_with_dates_as_dates(client, police_a, march):
    csv_rows = read_csv(_get(client, police_a, CSV_URL))
    response = _get(client, police_a, XLSX_URL)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = read_xlsx(response)["Reports"]
    assert sheet[0][0] == "Reports"
    assert list(sheet[1]) == csv_rows[0]
    assert [row[0] for row in sheet[2:]] == [int(line[0]) for line in csv_rows[1:]]
    first = next(row for row in sheet[2:] if row[0] == march["r1"].pk)
    assert first[1] == at("2026-03-02", 8).replace(tzinfo=None)  # local, as people read it


def test_the_police_export_their_ward_only(client, police_a, police_b, march):
    ids_a = {int(line[0]) for line in read_csv(_get(client, police_a, CSV_URL))[1:]}
    ids_b = {int(line[0]) for line in read_csv(_get(client, police_b, CSV_URL))[1:]}
    assert march["ward_b"].pk not in ids_a
    assert ids_b == {march["ward_b"].pk}


def test_a_province_administrator_exports_every_ward(client, province_admin, march):
    ids = {int(line[0]) for line in read_csv(_get(client, province_admin, CSV_URL))[1:]}
    assert ids == {found.pk for found in march.values()}


def test_asking_for_another_ward_is_refused_not_ignored(client, police_a, ward_b, march):
    response = _get(client, police_a, CSV_URL, ward=ward_b.pk)
    assert response.status_code == 400
    assert b"Commune/ward" in response.content


def test_exports_leave_descriptions_and_reporters_out(client, police_a, theft, ward_a):
    submit_report(
        data={
            "category": theft,
            "ward": ward_a,
            "description": DESCRIPTION,
            "name": "Nguyễn Thị Hoa",
            "phone": "0987654321",
        },
        channel=Channel.WEB,
    )
    csv_text = "\n".join(",".join(row) for row in read_csv(_get(client, police_a, CSV_URL)))
    xlsx_text = str(read_xlsx(_get(client, police_a, XLSX_URL)))
    for text in (csv_text, xlsx_text):
        assert "Lê Văn Tám" not in text
        assert "Nguyễn Thị Hoa" not in text
        assert "0987654321" not in text


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x.test")', "+1+2", "-3", "@SUM(A1)"])
def test_a_name_that_looks_like_a_formula_stays_text(client, police_a, ward_a, theft, name):
    unit = Area.objects.get(pk=ward_a.pk).add_child(name=name, kind=AreaKind.RESIDENTIAL_GROUP)
    report(theft, ward_a, unit=unit, received=at("2026-04-01", 9), due=at("2026-04-01", 13),
           status=Status.NEW)  # fmt: skip
    line = read_csv(_get(client, police_a, CSV_URL))[1]
    assert line[6] == f"'{name}"
    workbook = load_workbook(io.BytesIO(_get(client, police_a, XLSX_URL).content))
    cell = workbook["Reports"].cell(3, 7)
    assert (cell.value, cell.data_type) == (name, "s")


def test_the_list_export_takes_the_same_queries_whatever_its_length(
    client, police_a, ward_a, theft
):
    client.force_login(police_a)

    def queries_for_an_export(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(queries)

    def add_reports(count):
        for _ in range(count):
            report(theft, ward_a, received=at("2026-03-01", 9), due=at("2026-03-01", 13),
                   status=Status.NEW)  # fmt: skip

    add_reports(2)
    few = {url: queries_for_an_export(url) for url in (CSV_URL, XLSX_URL)}
    add_reports(40)
    assert {url: queries_for_an_export(url) for url in (CSV_URL, XLSX_URL)} == few
    # The session, the user, the second factor the session passed (django-otp checks
    # it still exists), the officer's ward (for the filter's choices), the export's
    # entry in the audit trail, and one server-side cursor for the reports with
    # their category and places.
    assert few[CSV_URL] == 6


# Who may download


@pytest.mark.parametrize(
    "url",
    [
        CSV_URL,
        XLSX_URL,
        reverse("dashboard:export_table", args=["handling_times_by_ward", "csv"]),
        reverse("dashboard:summary", args=["2026", "03", "xlsx"]),
        reverse("dashboard:summary", args=["2026", "03", "pdf"]),
        reverse("dashboard:summary_form"),
    ],
)
def test_leaders_and_members_may_not_download(client, leader_x, member_x, url):
    for user in (leader_x, member_x):
        assert _get(client, user, url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


# Dashboard tables


def test_a_trend_table_downloads_as_the_page_builds_it(client, police_a, march):
    params = {"start": "2026-03-01", "end": "2026-03-31"}
    url = reverse("dashboard:export_table", args=["handling_times_by_ward", "csv"])
    rows = read_csv(_get(client, police_a, url, **params))
    with translation.override("en"):
        table = trends.handling_times_by_ward(
            month_filter(user=police_a, ward=None, year=2026, month=3)
        )
    assert rows[0] == [str(column) for column in table.columns]
    assert rows[1:] == [["Phường Hạ Long", "4", "3", "2.0", "2", "13.5"]]
    xlsx_url = reverse("dashboard:export_table", args=["handling_times_by_ward", "xlsx"])
    sheet = next(iter(read_xlsx(_get(client, police_a, xlsx_url, **params)).values()))
    assert sheet[2] == ("Phường Hạ Long", 4, 3, 2.0, 2, 13.5)


def test_the_ward_comparison_downloads_for_administrators_only(
    client, province_admin, police_a, march
):
    url = reverse("dashboard:export_table", args=["ward-comparison", "csv"])
    rows = read_csv(_get(client, province_admin, url, start="2026-03-01", end="2026-03-31"))
    assert [row[:2] for row in rows[1:]] == [["Phường Hạ Long", "4"], ["Xã Quảng Tân", "1"]]
    assert _get(client, police_a, url).status_code == 404


def test_an_unknown_table_is_not_found(client, police_a):
    url = reverse("dashboard:export_table", args=["no_such_table", "csv"])
    assert _get(client, police_a, url).status_code == 404


# The monthly summary


def summary_url(fmt, month="03"):
    return reverse("dashboard:summary", args=["2026", month, fmt])


def test_the_monthly_summary_workbook_has_the_months_figures(
    client, police_a, march, cases, patrols, theft, fight
):
    response = _get(client, police_a, summary_url("xlsx"))
    assert response.status_code == 200
    by_category, handling, escalations, mediation, patrol = read_xlsx(response).values()
    with translation.override("en"):
        theft_name, fight_name = str(theft), str(fight)
    assert by_category[0][0] == "Reports by category — Phường Hạ Long, 03/2026"
    # received, acknowledged late, open past the deadline now, still open, resolved
    assert by_category[2:] == [
        (theft_name, 2, 1, 1, 1, 1),
        (fight_name, 2, 0, 1, 1, 1),
        ("Total", 4, 1, 2, 2, 2),
    ]
    # received, acknowledged, median hours, resolved, median hours
    assert handling[2:] == [("Phường Hạ Long", 4, 3, 2.0, 2, 13.5)]
    assert escalations[2:] == [(1, 2, 2, 20.0), (2, 1, 0, None), ("Total", 3, 2, 20.0)]
    mediation_figures = dict(zip(mediation[1], mediation[2], strict=True))
    assert (mediation_figures["Successful"], mediation_figures["Unsuccessful"]) == (2, 1)
    assert mediation_figures["Mediated successfully (%)"] == 66.7
    patrol_figures = dict(zip(patrol[1], patrol[2], strict=True))
    assert (patrol_figures["Shifts done"], patrol_figures["Person-hours"]) == (1, 4.0)


def test_the_monthly_summary_pdf_draws_the_same_figures_in_vietnamese_letters(
    client, police_a, march, cases, patrols, theft
):
    response = _get(client, police_a, summary_url("pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    with translation.override("en"):
        theft_name = str(theft)
    assert "Phường Hạ Long, month 03/2026" in text
    assert f"{theft_name} 2 1 1 1 1" in text
    assert "Total 4 1 2 2 2" in text
    assert "Phường Hạ Long 4 3 2.0 2 13.5" in text  # handling times
    assert "1 2 2 20.0" in text and "Total 3 2 20.0" in text  # escalations
    # mediation: received, mediated, successful, unsuccessful, withdrawn, rate (%)
    assert "Phường Hạ Long 3 3 2 1 0 66.7" in text
    # patrols: active groups, planned, done, missed, done (%), person-hours
    assert "Phường Hạ Long 2 1 1 0 100 4.0" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(response.content)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in font for font in fonts)
    client.force_login(police_a)
    vietnamese = pdf_text(client.get(summary_url("pdf"), HTTP_ACCEPT_LANGUAGE="vi").content)
    assert f"{theft.name} 2 1 1 1 1" in vietnamese
    assert theft.name == "Trộm cắp tài sản"


def test_the_summary_is_the_dashboard_for_that_month(client, police_a, march, cases, patrols):
    sheets = list(read_xlsx(_get(client, police_a, summary_url("xlsx"))).values())
    with translation.override("en"):
        filterset = month_filter(user=police_a, ward=None, year=2026, month=3)
        tables = [
            trends.handling_times_by_ward(filterset),
            trends.mediation_resolution(filterset),
            trends.patrol_coverage(filterset),
        ]
    for sheet, table in zip([sheets[1], sheets[3], sheets[4]], tables, strict=True):
        shown = table.as_json()
        assert sheet[1] == tuple(shown["columns"])
        assert sheet[2:] == [tuple(row) for row in shown["rows"]]


def test_a_police_officer_may_not_summarise_another_ward(client, police_a, ward_b, march):
    for fmt in ("xlsx", "pdf"):
        assert _get(client, police_a, summary_url(fmt), ward=ward_b.pk).status_code == 404
        assert _get(client, police_a, summary_url(fmt), ward="x").status_code == 404


def test_administrators_summarise_a_ward_or_the_province(
    client, province_admin, ward_b, march, patrols
):
    ward_sheets = read_xlsx(_get(client, province_admin, summary_url("xlsx"), ward=ward_b.pk))
    assert ward_sheets["Reports by category"][-1][:2] == ("Total", 1)
    province_sheets = read_xlsx(_get(client, province_admin, summary_url("xlsx")))
    assert province_sheets["Reports by category"][0][0].endswith("The whole province, 03/2026")
    assert province_sheets["Reports by category"][-1][:2] == ("Total", 5)
    escalations = province_sheets["Escalations to the police"]
    assert escalations[-1] == ("Total", 4, 2, 20.0)


def test_an_impossible_month_is_not_found(client, police_a):
    client.force_login(police_a)
    assert client.get("/dashboard/summary/2026-13.xlsx").status_code == 404
    assert client.get("/dashboard/summary/2026-00.pdf").status_code == 404
    assert client.get("/dashboard/summary/2026-3.pdf").status_code == 404
    assert client.get("/dashboard/summary/2026-03.docx").status_code == 404


def test_the_month_picker_leads_to_the_summary(client, province_admin, ward_a):
    response = _get(
        client, province_admin, reverse("dashboard:summary_form"),
        month="2026-03", ward=ward_a.pk, format="pdf",
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"{summary_url('pdf')}?ward={ward_a.pk}"
    refused = _get(client, province_admin, reverse("dashboard:summary_form"), month="März")
    assert refused.status_code == 400
    assert b'role="alert"' in refused.content


def test_the_dashboard_offers_the_downloads_with_its_filters(client, police_a, march):
    response = _get(client, police_a, reverse("dashboard:page"), start="2026-03-01")
    content = response.content.decode()
    assert f'href="{CSV_URL}?start=2026-03-01"' in content
    assert f'href="{XLSX_URL}?start=2026-03-01"' in content
    assert 'action="/dashboard/summary/"' in content
    assert 'name="ward"' not in content.split('action="/dashboard/summary/"')[1].split("</form>")[0]


def test_the_summary_takes_the_same_queries_whatever_the_months_size(
    client, police_a, march, cases, patrols, ward_a, theft
):
    client.force_login(police_a)

    def queries_for_the_summary() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(summary_url("xlsx")).status_code == 200
        return len(queries)

    before = queries_for_the_summary()
    for day in range(1, 21):
        more = report(theft, ward_a, received=at(f"2026-03-{day:02d}", 9),
                      due=at(f"2026-03-{day:02d}", 13), status=Status.NEW)  # fmt: skip
        escalation(more, level=1, made=at(f"2026-03-{day:02d}", 13))
    assert queries_for_the_summary() == before


def test_the_monthly_summary_names_its_sheets_in_whole_words(
    client, police_a, march, cases, patrols
):
    # Vietnamese titles are the long ones ("Thời gian xác nhận đã nhận và g" once).
    response = _get(client, police_a, summary_url("xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        title = sheet["A1"].value.split(" — ")[0]
        assert len(sheet.title) <= 31
        assert title.startswith(sheet.title)
        rest = title[len(sheet.title) :]
        assert rest == "" or rest.startswith(" "), (sheet.title, title)
