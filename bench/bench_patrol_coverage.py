"""The patrol coverage page (patrols/coverage_views.py) for the last whole month.

- the commune/ward with the most shifts that month, as its ward police see it;
- the whole province, as a province administrator sees it (every group, by pages of 50).

Each is the whole page as the view renders it, without the session and sign-in
queries a browser's request adds. The number of queries must not depend on how
many groups, shifts, logs or check-ins there are (tests/patrols/test_coverage.py
asserts it on small data); here it is checked again on the full set. The plan of
the province's shift totals, the widest query, is kept with the results.
"""

from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.harness import Context, Result

# Paginator count, the page of groups, two aggregates for the page, two for the totals;
# a province administrator's page also reads the chosen area and the list to choose from.
POLICE_QUERIES = 6
ADMIN_QUERIES = 8


def _last_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1)
    previous = first.replace(year=first.year - 1, month=12) if first.month == 1 else None
    previous = previous or first.replace(month=first.month - 1)
    return previous.year, previous.month


def run(context: Context) -> list[Result]:
    from groups.models import Area, SelfManagementGroup, User
    from patrols import coverage
    from patrols.coverage_views import coverage_page
    from patrols.models import PatrolShift

    year, month = _last_month()
    start, end = coverage.month_bounds(year, month)
    busiest = (
        PatrolShift.objects.between(start, end)
        .values("group__ward")
        .annotate(shifts=Count("id"))
        .order_by("-shifts")
        .first()
    )
    if busiest is None:
        raise AssertionError(f"no patrol shifts in {month}/{year}: run generate_data first")
    ward = Area.objects.get(pk=busiest["group__ward"])
    province = Area.objects.provinces().get(code="22")
    police = User.objects.filter(role=User.Role.WARD_POLICE, police_ward=ward).first()
    # Never saved: the benchmark writes nothing to the data it measures.
    admin = User(username="bench-province-admin", role=User.Role.PROVINCE_ADMIN, is_active=True)
    factory = RequestFactory()
    query = {"month": f"{year}-{month:02d}"}

    def page(user, params):
        request = factory.get("/patrols/coverage/", params)
        request.user = user
        response = coverage_page(request)
        if response.status_code != 200:
            raise AssertionError(f"coverage page answered {response.status_code}")
        return response

    def ward_page():
        return page(police, query)

    def province_page():
        return page(admin, {**query, "area": province.pk})

    counts, statements = {}, {}
    for label, action, expected in [
        ("ward", ward_page, POLICE_QUERIES),
        ("province", province_page, ADMIN_QUERIES),
    ]:
        with CaptureQueriesContext(connection) as captured:
            action()
        counts[label] = len(captured)
        statements[label] = [entry["sql"] for entry in captured.captured_queries]
        if len(captured) != expected:
            raise AssertionError(f"{label}: expected {expected} queries, got {len(captured)}")

    groups = SelfManagementGroup.objects.all()
    totals = coverage.total(groups=groups, start=start, end=end)
    ward_totals = coverage.total(groups=groups.filter(ward=ward), start=start, end=end)
    # The province's shift totals: the widest query of the page.
    widest = next(
        sql
        for sql in statements["province"]
        if "patrols_patrolshift" in sql and "SUM(" in sql and "GROUP BY" not in sql
    )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {widest}")
        plan = "\n".join(line for (line,) in cursor.fetchall())
    all_time = {
        "shifts": PatrolShift.objects.count(),
        "logs": PatrolShift.objects.filter(log__isnull=False).count(),
    }

    def describe(figures) -> str:
        return (
            f"{month:02d}/{year}: {figures.planned:,} planned, {figures.done:,} done, "
            f"{figures.missed:,} missed, {figures.person_hours:,.0f} person-hours, "
            f"{figures.hotspots_checked:,} hotspots checked"
        )

    ward_result = context.measure(
        "patrols: coverage page, busiest ward",
        ward_page,
        runs=30,
        notes=f"{ward.name}; {describe(ward_totals)}; {counts['ward']} queries",
    )
    ward_result.details = {"queries": counts["ward"], "ward": ward.name, **all_time}
    province_result = context.measure(
        "patrols: coverage page, province",
        province_page,
        runs=30,
        notes=f"{describe(totals)}; {counts['province']} queries",
    )
    province_result.details = {
        "queries": counts["province"],
        "groups": groups.count(),
        **all_time,
        "plan_file": context.save_text("patrol-coverage-province-shifts", plan),
    }
    return [ward_result, province_result]
