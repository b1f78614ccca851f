"""The lists handlers open first, on the province's reports.

- a leader's open reports by deadline:
  ``Report.objects.visible_to(leader).open().order_by("due_at")[:25]``;
- the first page of a leader's and of a ward police officer's inbox as
  reports/views.py builds it (newest first, with the paginator's count).

The leader leads the group with the most reports, the officer serves the ward with
the most: the longest lists. Each query's plan (EXPLAIN ANALYZE, BUFFERS) is kept
with the results.
"""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count

from bench.harness import Context, Result

PAGE_SIZE = 25  # reports/views.py PAGE_SIZE


def inbox(user):
    # As reports/views.py `_inbox_reports` orders it.
    from reports.models import Report

    return (
        Report.objects.visible_to(user)
        .select_related("category", "ward", "unit")
        .order_by("-created_at", "-pk")
    )


def first_page(queryset) -> list:
    return list(Paginator(queryset, PAGE_SIZE).get_page(1).object_list)


def count_plan(queryset) -> str:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) AS page",  # noqa: S608
            params,
        )
        return "\n".join(line for (line,) in cursor.fetchall())


def measured(context: Context, name: str, action, queryset, *, paged: bool) -> Result:
    result = context.measure(name, action, runs=50, warmup=3)
    plan = queryset[:PAGE_SIZE].explain(analyze=True, buffers=True)
    if paged:
        plan = f"{plan}\n\n-- the paginator's count:\n{count_plan(queryset)}"
    slug = name.split(":")[0].replace(" ", "-")
    result.details = {"plan_file": context.save_text(slug, plan), "plan": plan}
    return result


def run(context: Context) -> list[Result]:
    from groups.models import User
    from reports.models import Report, ReportAssignment

    busiest_group = (
        ReportAssignment.objects.values("group")
        .annotate(reports=Count("id"))
        .order_by("-reports", "group")
        .first()
    )
    leader = User.objects.get(
        member__memberships__group=busiest_group["group"],
        member__memberships__is_leader=True,
        member__memberships__ended=None,
    )
    busiest_ward = (
        Report.objects.values("ward").annotate(reports=Count("id")).order_by("-reports").first()
    )
    police = User.objects.filter(
        role=User.Role.WARD_POLICE, police_ward=busiest_ward["ward"]
    ).first()

    open_by_deadline = Report.objects.visible_to(leader).open().order_by("due_at")
    results = [
        measured(
            context,
            "leader open by deadline: first 25",
            lambda: list(open_by_deadline[:PAGE_SIZE]),
            open_by_deadline,
            paged=False,
        ),
        measured(
            context,
            "leader inbox: first page and count",
            lambda: first_page(inbox(leader)),
            inbox(leader),
            paged=True,
        ),
        measured(
            context,
            "police inbox: first page and count",
            lambda: first_page(inbox(police)),
            inbox(police),
            paged=True,
        ),
    ]
    sizes = {
        "leader_reports": busiest_group["reports"],
        "leader_open": open_by_deadline.count(),
        "ward_reports": busiest_ward["reports"],
    }
    for result in results:
        result.notes = ", ".join(f"{key} {value:,}" for key, value in sizes.items())
    return results
