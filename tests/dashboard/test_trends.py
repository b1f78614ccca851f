"""The trends on the hand-built data set of tests/dashboard/trends_data.py, whose
answers are worked out there; and who may read them, and in how many queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard.trends import TRENDS, a_year_earlier, change
from groups.models import Area, AreaKind, ModelType, SelfManagementGroup
from mediation.models import Status as CaseStatus
from reports.models import Report, ReportAssignment
from tests.dashboard.trends_data import (
    PERIOD,
    case,
    dissolve,
    file,
    file_incidents,
    mediation_group,
    open_cases,
    plan_patrols,
    second_unit,
    shift,
)
from tests.patrols.conftest import at


@pytest.fixture
def unit_a2(ward_a):
    return second_unit(ward_a)


@pytest.fixture
def mediation_kind(seeded):
    return ModelType.objects.get(is_mediation=True, name="Tổ hòa giải")


@pytest.fixture
def group_m(ward_a, unit_a1, seeded):
    return mediation_group("Tổ hòa giải TDP 1", ward_a, unit_a1)


@pytest.fixture
def group_n(ward_b, unit_b1, seeded):
    return mediation_group("Tổ hòa giải Đồng Mỏ", ward_b, unit_b1)


@pytest.fixture
def dissolved_y(group_y):
    return dissolve(group_y)


@pytest.fixture
def incidents(ward_a, ward_b, unit_a1, unit_a2, unit_b1, group_x, dissolved_y, theft, fight):
    file_incidents(
        ward_a=ward_a,
        ward_b=ward_b,
        unit_a1=unit_a1,
        unit_a2=unit_a2,
        unit_b1=unit_b1,
        group_x=group_x,
        theft=theft,
        fight=fight,
    )


@pytest.fixture
def cases(group_m, group_n):
    open_cases(group_m=group_m, group_n=group_n)


@pytest.fixture
def patrols(group_x, dissolved_y):
    plan_patrols(group_x=group_x, group_y=dissolved_y)


def trend(client, user, key, **query):
    client.force_login(user)
    response = client.get(reverse("dashboard:trend", args=[key]), {**PERIOD, **query})
    assert response.status_code == 200, response.content
    return response.json()


# The rules -----------------------------------------------------------------


def test_change_is_in_percent_with_one_decimal_and_none_from_zero():
    assert change(14, 16) == 14.3
    assert change(10, 8) == -20.0
    assert change(0, 3) is None
    assert change(0, 0) is None


def test_a_year_earlier_moves_29_february_to_the_28th():
    assert a_year_earlier(datetime.date(2024, 2, 29)) == datetime.date(2023, 2, 28)
    assert a_year_earlier(datetime.date(2025, 6, 30)) == datetime.date(2024, 6, 30)


# The figures ---------------------------------------------------------------


def test_incidents_per_month_and_category_in_local_time(client, province_admin, incidents):
    table = trend(client, province_admin, "incidents_by_month")

    assert table["chart"] == "line"
    assert table["columns"] == ["Month", "Theft", "Fights and public disorder"]
    months = {row[0]: (row[1], row[2]) for row in table["rows"]}
    assert months == {
        "01/2025": (3, 1),
        "02/2025": (2, 0),
        "03/2025": (3, 0),
        "04/2025": (0, 2),
        "05/2025": (3, 0),
        "06/2025": (0, 2),
    }
    assert [row[0] for row in table["rows"]] == sorted(months)


def test_year_on_year_where_an_active_group_works_and_where_none_does(
    client, province_admin, incidents
):
    table = trend(client, province_admin, "year_on_year")

    assert table["rows"] == [
        ["Where an active group works", 10, 8, -20.0],
        ["Where no active group works", 4, 8, 100.0],
        ["All reports", 14, 16, 14.3],
    ]
    assert table["series"] == [1, 2]


def test_year_on_year_per_ward_with_a_flag_for_an_active_group(client, province_admin, incidents):
    table = trend(client, province_admin, "year_on_year_by_ward")

    assert table["columns"][:3] == ["Commune/ward", "Active group", "Same period a year earlier"]
    assert table["rows"] == [
        ["Phường Hạ Long", "Yes", 14, 13, -7.1],
        ["Xã Quảng Tân", "No", 0, 3, None],  # a dissolved group does not count
    ]


def test_a_ward_wide_group_covers_every_unit_of_its_ward(client, province_admin, incidents, ward_b):
    SelfManagementGroup.objects.create(name="Tổ an ninh toàn xã", ward=ward_b)

    rows = trend(client, province_admin, "year_on_year")["rows"]

    assert rows[0] == ["Where an active group works", 10, 11, 10.0]
    assert rows[1] == ["Where no active group works", 4, 5, 25.0]


def test_year_on_year_per_residential_unit(client, province_admin, incidents):
    table = trend(client, province_admin, "year_on_year_by_unit")

    assert table["rows"] == [
        ["Tổ dân phố 1", "Phường Hạ Long", "Yes", 10, 8, -20.0],
        ["Tổ dân phố 2", "Phường Hạ Long", "No", 4, 5, 25.0],
        ["Thôn Đồng Mỏ", "Xã Quảng Tân", "No", 0, 3, None],
    ]


def test_year_on_year_per_model_kind_counts_reports_routed_to_its_groups(
    client, province_admin, ward_a, unit_a1, incidents, group_m, five_families, mediation_kind
):
    # A second five-family group in A1 shares one of this period's reports: it counts once.
    second = SelfManagementGroup.objects.create(name="Tổ 5 nhà 2", ward=ward_a, unit=unit_a1)
    second.model_types.add(five_families)
    shared = Report.objects.filter(unit=unit_a1, created_at__year=2025).first()
    ReportAssignment.objects.create(report=shared, group=second)

    table = trend(client, province_admin, "year_on_year_by_model_kind")

    rows = {row[0]: row[1:] for row in table["rows"]}
    assert rows[five_families.name] == [2, 10, 8, -20.0]  # group Y is dissolved
    assert rows[mediation_kind.name] == [1, 0, 0, None]
    assert len(rows) == 2  # kinds without a group or a report here are left out


def test_a_model_kind_chosen_narrows_the_split_to_its_groups(
    client, province_admin, incidents, five_families
):
    table = trend(client, province_admin, "year_on_year", model_kind=five_families.pk)

    assert table["rows"][:2] == [
        ["Where an active group works", 10, 8, -20.0],
        ["Where no active group works", 0, 0, None],
    ]


def test_grassroots_mediation_per_ward(client, province_admin, cases):
    table = trend(client, province_admin, "mediation_resolution")

    assert table["rows"] == [
        # received, mediated, successful, unsuccessful, withdrawn, rate, median days
        ["Phường Hạ Long", 6, 4, 3, 1, 1, 75.0, 6.0],
        ["Xã Quảng Tân", 2, 2, 1, 1, 0, 50.0, 8.0],
    ]


def test_patrol_coverage_per_ward(client, province_admin, patrols, group_m):
    table = trend(client, province_admin, "patrol_coverage")

    assert table["rows"] == [
        # active groups, planned, done, missed, done %, person-hours, check-ins
        ["Phường Hạ Long", 2, 3, 2, 1, 67, 7.0, 0],
        ["Xã Quảng Tân", 0, 1, 1, 0, 100, 2.0, 0],
    ]


def test_median_hours_to_acknowledge_and_resolve_per_month(client, province_admin, incidents):
    table = trend(client, province_admin, "handling_times")

    rows = {row[0]: row[1:] for row in table["rows"]}
    # received, acknowledged, median hours, resolved, median hours
    assert rows["01/2025"] == [4, 3, 2.0, 3, 20.0]
    assert rows["02/2025"] == [2, 1, 5.0, 0, None]
    assert rows["05/2025"] == [3, 0, None, 0, None]


def test_median_hours_per_ward(client, province_admin, incidents):
    table = trend(client, province_admin, "handling_times_by_ward")

    assert table["rows"] == [
        ["Phường Hạ Long", 13, 4, 2.5, 3, 20.0],
        ["Xã Quảng Tân", 3, 0, None, 0, None],
    ]


def test_the_headline_figures_as_a_table(client, province_admin, incidents, cases):
    table = trend(client, province_admin, "headlines")

    # Group N, an active mediation group, now covers unit B1: 10 → 11 where a group
    # works, 4 → 5 where none does; 4 of 6 cases mediated successfully.
    assert [row[1] for row in table["rows"]] == [10.0, 25.0, 66.7, 2.5, 20.0]


def test_the_page_writes_the_headlines_as_text(client, police_a, incidents, cases):
    client.force_login(police_a)

    page = client.get(reverse("dashboard:page"), PERIOD).content.decode()
    headlines = client.get(reverse("dashboard:headlines"), PERIOD, headers={"HX-Request": "true"})
    assert 'hx-get="/dashboard/headlines/?start=2025-01-01' in page
    assert "<html" not in headlines.content.decode()
    page = headlines.content.decode() + page

    fall = "<strong>\N{MINUS SIGN}20.0 %</strong> year on year"
    assert f"{fall} (10 reports a year earlier, 8 now)" in page
    assert "<strong>+25.0 %</strong> year on year (4 reports a year earlier, 5 now)" in page
    assert "<strong>75.0 %</strong> (3 of 4 cases mediated)" in page
    assert "2.5 hours" in page
    assert 'data-trend-url="/dashboard/trends/year_on_year.json?start=2025-01-01' in page
    assert 'href="/dashboard/export/tables/year_on_year.csv?start=2025-01-01' in page


def test_the_download_holds_the_chart_s_rows(client, police_a, incidents):
    table = trend(client, police_a, "year_on_year")

    response = client.get(reverse("dashboard:export_table", args=["year_on_year", "csv"]), PERIOD)

    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    cells = [["" if value is None else str(value) for value in row] for row in table["rows"]]
    assert lines[1:] == [",".join(row) for row in cells]


def test_the_headlines_follow_the_language_s_number_format(client, police_a, incidents):
    client.force_login(police_a)

    page = client.get(reverse("dashboard:headlines"), PERIOD, HTTP_ACCEPT_LANGUAGE="vi")

    assert "\N{MINUS SIGN}20,0 %" in page.content.decode()


# Scope ---------------------------------------------------------------------


def test_ward_police_see_only_their_ward(client, police_a, incidents, cases, patrols):
    for key in ("year_on_year_by_ward", "mediation_resolution", "patrol_coverage"):
        table = trend(client, police_a, key)
        assert [row[0] for row in table["rows"]] == ["Phường Hạ Long"], key
    assert trend(client, police_a, "year_on_year")["rows"] == [
        ["Where an active group works", 10, 8, -20.0],
        ["Where no active group works", 4, 5, 25.0],
        ["All reports", 14, 13, -7.1],
    ]
    units = trend(client, police_a, "year_on_year_by_unit")["rows"]
    assert "Thôn Đồng Mỏ" not in {row[0] for row in units}
    headlines = trend(client, police_a, "headlines")["rows"]
    assert headlines[2][1] == 75.0  # ward A's cases only


def test_ward_police_cannot_ask_for_another_ward(client, police_a, ward_b, incidents):
    client.force_login(police_a)

    response = client.get(
        reverse("dashboard:trend", args=["year_on_year"]), {**PERIOD, "ward": ward_b.pk}
    )

    assert response.status_code == 400
    assert "ward" in response.json()["errors"]


def test_a_group_leader_is_refused(client, leader_x):
    client.force_login(leader_x)

    response = client.get(reverse("dashboard:trend", args=["year_on_year"]))

    assert response.status_code == 403
    assert "error" in response.json()


def test_someone_signed_out_is_refused(client, db):
    assert client.get(reverse("dashboard:trend", args=["year_on_year"])).status_code == 403


def test_an_unknown_figure_is_not_found(client, police_a):
    client.force_login(police_a)

    assert client.get(reverse("dashboard:trend", args=["nothing"])).status_code == 404


# Queries -------------------------------------------------------------------


def _queries(client, key) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:trend", args=[key]), PERIOD)
    assert response.status_code == 200
    return len(queries)


def _more_of_everything(province, theft, fight, five_families, mediation_kind):
    """Five more wards, each with a unit, a group, reports in both years, cases, shifts."""
    for number in range(5):
        ward = Area.objects.add_child(province, {"name": f"Phường {number}", "kind": AreaKind.WARD})
        unit = Area.objects.add_child(
            ward, {"name": f"Tổ {number}", "kind": AreaKind.RESIDENTIAL_GROUP}
        )
        group = SelfManagementGroup.objects.create(name=f"Tổ {number}", ward=ward, unit=unit)
        group.model_types.add(five_families, mediation_kind)
        for month in (1, 3, 5):
            for category in (theft, fight):
                for year in (2024, 2025):
                    file(
                        category=category,
                        ward=ward,
                        unit=unit,
                        received=at(datetime.date(year, month, 2), 10),
                        acknowledged=1,
                        closed=5,
                        groups=[group],
                    )
        case(group, CaseStatus.SUCCESSFUL, datetime.date(2025, 2, 1), datetime.date(2025, 2, 3))
        shift(group, "2025-02-02", people=2)


# Each figure's own queries; every request adds three, for the session, the user
# and the second factor the session passed (django-otp checks it still exists).
OWN_QUERIES = {
    "headlines": 4,  # the split, mediation's total and kinds, the medians
    "incidents_by_month": 1,
    "year_on_year": 1,
    "year_on_year_by_ward": 2,  # counts, wards
    "year_on_year_by_unit": 2,  # counts, names
    "year_on_year_by_model_kind": 2,  # whole months from the summary, kinds
    "mediation_resolution": 4,  # mediation/stats.py's three, wards
    "patrol_coverage": 4,  # groups, patrols/coverage.py's two, wards
    "handling_times": 1,
    "handling_times_by_ward": 1,
}


@pytest.mark.parametrize("key", sorted(TRENDS))
def test_each_figure_takes_the_same_queries_however_much_data(
    client,
    province_admin,
    province,
    incidents,
    cases,
    patrols,
    theft,
    fight,
    five_families,
    mediation_kind,
    key,
):
    client.force_login(province_admin)
    before = _queries(client, key)
    assert before == 3 + OWN_QUERIES[key]

    _more_of_everything(province, theft, fight, five_families, mediation_kind)

    assert _queries(client, key) == before
    assert len(trend(client, province_admin, key)["rows"]) >= 2
