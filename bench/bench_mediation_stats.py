"""The province's grassroots mediation statistics for a year (mediation/stats.py).

- the province, per commune/ward: what the statistics page and the XLSX export
  compute for a province administrator;
- the busiest commune/ward, per group: what its police see.

The year is the last whole year of the generated data. Each computation must take
exactly three queries whatever the number of cases (the test suite asserts it on
a small set; here it is checked on the full one). The plan of the per-ward query,
the heaviest, is kept with the results.
"""

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.harness import Context, Result

QUERIES = 3


def _checked(compute) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        stats = compute()
    queries = [query["sql"] for query in captured.captured_queries]
    if len(queries) != QUERIES:
        raise AssertionError(f"expected {QUERIES} queries, got {len(queries)}")
    return stats, queries


def run(context: Context) -> list[Result]:
    from groups.models import Area
    from mediation.models import MediationCase
    from mediation.stats import Period, statistics

    province = Area.objects.provinces().get(code="22")
    year = timezone.localdate().year - 1
    period = Period.year(year)
    cases = MediationCase.objects.in_area(province)
    busiest = (
        cases.filter(received_on__year=year)
        .values("group__ward")
        .annotate(cases=Count("id"))
        .order_by("-cases")
        .first()
    )
    if busiest is None:
        raise AssertionError(f"no mediation cases in {year}: run generate_data first")
    ward = Area.objects.get(pk=busiest["group__ward"])

    def province_figures():
        return statistics(cases=cases, period=period, per="ward")

    def ward_figures():
        return statistics(cases=MediationCase.objects.in_area(ward), period=period, per="group")

    stats, queries = _checked(province_figures)
    _checked(ward_figures)
    with connection.cursor() as cursor:
        # The rows per ward: the widest of the three queries.
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {queries[-1]}")
        plan = "\n".join(line for (line,) in cursor.fetchall())

    total = stats.total
    notes = (
        f"{year}: {total.received:,} received, {total.done:,} done, "
        f"rate {total.rate:.1%}, median {total.median_days} days; "
        f"{cases.count():,} cases in all; {QUERIES} queries"
        if total.rate is not None
        else f"{year}: {total.received:,} received; {QUERIES} queries"
    )
    province_result = context.measure(
        "mediation: province statistics for a year", province_figures, runs=30, notes=notes
    )
    province_result.details = {
        "queries": QUERIES,
        "year": year,
        "rows": len(stats.rows),
        "plan_file": context.save_text("mediation-province-per-ward", plan),
    }
    ward_result = context.measure(
        "mediation: busiest ward's statistics", ward_figures, runs=30, notes=f"{ward.name}"
    )
    ward_result.details = {"queries": QUERIES, "cases_in_year": busiest["cases"]}
    return [province_result, ward_result]
