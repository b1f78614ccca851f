"""The province's figures on a small, hand-built set of cases whose answers are worked out below.

Group M lies in ward A (Phường Hạ Long), group N in ward B (Xã Quảng Tân); year 2025.
"""

import datetime
import io

import pytest
from openpyxl import load_workbook

from mediation.export import statistics_workbook
from mediation.models import Authority, DisputeKind, MediationCase, Origin, Status
from mediation.stats import Figures, Period, statistics

D = datetime.date
K = DisputeKind
S = Status

# (group, kind, received, status, outcome, agreement kept) and, for reading the
# answers: days from request to outcome.
CASES = [
    ("m", K.NEIGHBOURS, D(2025, 1, 10), S.SUCCESSFUL, D(2025, 1, 20), True),  # 10 days
    ("m", K.NEIGHBOURS, D(2025, 2, 1), S.SUCCESSFUL, D(2025, 2, 5), False),  # 4
    ("m", K.MARRIAGE_FAMILY, D(2025, 3, 1), S.UNSUCCESSFUL, D(2025, 3, 31), None),  # 30
    ("m", K.LAND_PROPERTY, D(2025, 4, 1), S.WITHDRAWN, D(2025, 4, 3), None),  # 2
    ("m", K.CIVIL_DEBT, D(2025, 5, 1), S.IN_MEDIATION, None, None),  # still going
    ("m", K.MINOR_CONFLICT, D(2025, 6, 1), S.REFERRED, D(2025, 6, 2), None),  # not mediated
    ("m", K.NEIGHBOURS, D(2024, 12, 20), S.SUCCESSFUL, D(2025, 1, 5), None),  # 16; asked in 2024
    ("m", K.NEIGHBOURS, D(2025, 12, 20), S.SUCCESSFUL, D(2026, 1, 10), None),  # decided in 2026
    ("m", K.OTHER, D(2025, 7, 1), S.SUSPENDED, D(2025, 7, 15), None),
    ("n", K.MARRIAGE_FAMILY, D(2025, 2, 10), S.SUCCESSFUL, D(2025, 2, 18), None),  # 8
    ("n", K.NEIGHBOURS, D(2025, 3, 10), S.UNSUCCESSFUL, D(2025, 3, 20), None),  # 10
    ("n", K.NEIGHBOURS, D(2023, 1, 1), S.SUCCESSFUL, D(2023, 1, 10), True),  # another year
]


@pytest.fixture
def cases(group_m, group_n):
    groups = {"m": group_m, "n": group_n}
    rows = []
    for group, kind, received, status, outcome, kept in CASES:
        rows.append(
            MediationCase(
                group=groups[group],
                kind=kind,
                summary="…",
                origin=Origin.PARTY_REQUEST,
                received_on=received,
                status=status,
                outcome_on=outcome,
                in_scope=status != S.REFERRED,
                scope_note="Vi phạm hành chính." if status == S.REFERRED else "",
                agreement_terms="Thỏa thuận." if status == S.SUCCESSFUL else "",
                authority=Authority.COURT if status in (S.UNSUCCESSFUL, S.REFERRED) else "",
                followed_up_on=outcome if kept is not None else None,
                agreement_kept=kept,
            )
        )
    return MediationCase.objects.bulk_create(rows)


YEAR_2025 = Figures(
    received=10,
    successful=4,
    unsuccessful=2,
    withdrawn=1,
    suspended=1,
    referred=1,
    in_progress=1,
    kept=1,
    not_kept=1,
    # Done in 2025, days to outcome: 2, 4, 8, 10, 10, 16, 30.
    median_days=10.0,
)


def test_the_province_figures_for_a_year(cases, province, django_assert_num_queries):
    with django_assert_num_queries(3):
        stats = statistics(
            cases=MediationCase.objects.in_area(province), period=Period.year(2025), per="ward"
        )
    assert stats.total == YEAR_2025
    assert stats.total.done == 7
    assert stats.total.rate == pytest.approx(4 / 6)


def test_the_rows_per_ward_with_their_own_rates_and_medians(cases, province):
    stats = statistics(
        cases=MediationCase.objects.in_area(province), period=Period.year(2025), per="ward"
    )
    assert [row.label for row in stats.rows] == ["Phường Hạ Long", "Xã Quảng Tân"]
    ward_a, ward_b = (row.figures for row in stats.rows)
    assert (ward_a.received, ward_a.successful, ward_a.unsuccessful, ward_a.withdrawn) == (
        8,
        3,
        1,
        1,
    )
    assert ward_a.rate == pytest.approx(0.75)
    assert ward_a.median_days == 10.0  # 2, 4, 10, 16, 30
    assert (ward_b.received, ward_b.successful, ward_b.unsuccessful) == (2, 1, 1)
    assert ward_b.rate == pytest.approx(0.5)
    assert ward_b.median_days == 9.0  # 8 and 10: the continuous median


def test_the_figures_by_kind_of_dispute(cases, province):
    stats = statistics(cases=MediationCase.objects.in_area(province), period=Period.year(2025))
    by_kind = {row.key: row.figures for row in stats.by_kind}
    assert list(by_kind) == list(DisputeKind.values)  # every kind, in order, zeros included
    neighbours = by_kind[K.NEIGHBOURS]
    assert (neighbours.received, neighbours.successful, neighbours.unsuccessful) == (4, 3, 1)
    assert neighbours.rate == pytest.approx(0.75)
    assert neighbours.median_days == 10.0  # 4, 10, 10, 16
    assert (neighbours.kept, neighbours.not_kept) == (1, 1)
    family = by_kind[K.MARRIAGE_FAMILY]
    assert (family.successful, family.unsuccessful, family.median_days) == (1, 1, 19.0)
    land = by_kind[K.LAND_PROPERTY]
    assert (land.withdrawn, land.rate, land.median_days) == (1, None, 2.0)
    debt = by_kind[K.CIVIL_DEBT]
    assert (debt.received, debt.in_progress, debt.median_days) == (1, 1, None)
    assert by_kind[K.MINOR_CONFLICT].referred == 1
    assert by_kind[K.OTHER].suspended == 1


def test_a_quarter_and_a_group(cases, group_m, django_assert_num_queries):
    stats = statistics(cases=MediationCase.objects.all(), period=Period.quarter(2025, 1))
    assert (stats.total.received, stats.total.successful, stats.total.unsuccessful) == (5, 4, 2)
    with django_assert_num_queries(2):
        alone = statistics(
            cases=MediationCase.objects.filter(group=group_m), period=Period.quarter(2025, 1)
        )
    assert (alone.total.received, alone.total.successful, alone.total.unsuccessful) == (3, 3, 1)
    assert alone.rows == []


def test_ward_police_get_their_wards_figures_per_group(cases, police_a, group_m):
    stats = statistics(
        cases=MediationCase.objects.counted_for(police_a), period=Period.year(2025), per="group"
    )
    assert [(row.key, row.label) for row in stats.rows] == [(group_m.pk, "Tổ hòa giải TDP 1")]
    assert stats.total.received == 8


def test_a_period_without_cases_has_no_rate_and_no_median(cases):
    stats = statistics(cases=MediationCase.objects.all(), period=Period.year(2020))
    assert stats.total == Figures()
    assert stats.total.rate is None


def test_periods_cover_whole_months():
    assert Period.quarter(2024, 1) == Period(D(2024, 1, 1), D(2024, 3, 31))
    assert Period.month(2024, 2) == Period(D(2024, 2, 1), D(2024, 2, 29))
    assert Period.year(2025) == Period(D(2025, 1, 1), D(2025, 12, 31))


# The export


def test_the_export_opens_and_holds_the_same_numbers(cases, province):
    stats = statistics(
        cases=MediationCase.objects.in_area(province), period=Period.year(2025), per="ward"
    )
    workbook = load_workbook(io.BytesIO(statistics_workbook(stats=stats, scope="Quảng Ninh")))
    summary, by_kind = workbook.worksheets
    assert summary["A2"].value == "Quảng Ninh"
    assert summary["A3"].value == "Period: 01/01/2025 to 31/12/2025"
    header = [cell.value for cell in summary[5]]
    assert header[:4] == ["Commune/ward", "Received", "Done", "Successful"]
    lines = {row[0]: row[1:] for row in summary.iter_rows(min_row=6, values_only=True)}
    assert lines["Phường Hạ Long"][:4] == (8, 5, 3, 1)
    total = lines["Total"]
    assert total[:8] == (10, 7, 4, 2, 1, 1, 1, 1)
    assert total[8] == pytest.approx(4 / 6)  # the rate, as a fraction shown in per cent
    assert summary.cell(6 + 2, 10).number_format == "0.0%"
    assert total[9:] == (10.0, 1, 1)
    kinds = {row[0]: row[1:] for row in by_kind.iter_rows(min_row=6, values_only=True)}
    assert kinds["Neighbours"][:4] == (4, 4, 3, 1)
    assert kinds["Land and property"][8] is None  # no rate without a mediated case


def test_a_name_that_looks_like_a_formula_stays_text_in_the_export(cases, group_m):
    group_m.name = '=HYPERLINK("http://example.test")'
    group_m.save(update_fields=["name"])
    stats = statistics(cases=MediationCase.objects.all(), period=Period.year(2025), per="group")
    sheet = load_workbook(io.BytesIO(statistics_workbook(stats=stats, scope="=1+1"))).active
    assert sheet["A2"].data_type == "s"
    labels = {row[0].value: row[0].data_type for row in sheet.iter_rows(min_row=6)}
    assert labels[group_m.name] == "s"


def test_the_statistics_page_and_its_export_agree_for_an_admin(
    client, cases, province, province_admin
):
    client.force_login(province_admin)
    query = f"year=2025&area={province.pk}"
    page = client.get(f"/mediation/statistics/?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<strong>67 %</strong>" in body
    assert "(4 successful of 6 mediated)" in body
    response = client.get(f"/mediation/statistics.xlsx?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    summary = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert summary["A2"].value == "Quảng Ninh"
    assert list(summary.iter_rows(min_row=6, values_only=True))[-1][1] == 10


def test_the_statistics_page_is_for_those_who_may_count(client, cases, leader_x, plain_m):
    for user in (leader_x, plain_m):
        client.force_login(user)
        assert client.get("/mediation/statistics/?year=2025").status_code == 403
        assert client.get("/mediation/statistics.xlsx?year=2025").status_code == 403


def test_ward_police_cannot_widen_their_statistics_to_the_province(
    client, cases, police_a, province
):
    client.force_login(police_a)
    response = client.get(f"/mediation/statistics/?year=2025&area={province.pk}")
    assert response.status_code == 400
