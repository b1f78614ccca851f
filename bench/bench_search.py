"""Searching the inbox as people type (reports/search.py), on the province's reports.

The first page and the paginator's count of the inbox with a search, as
reports/views.py builds it: for the police of the ward with the most reports and
for a province administrator (every report), with a common phrase ("xe may",
in every theft), a rarer one ("bom kim tiem"), a typo ("bom kim tim") and words
found nowhere. Each query's plan (EXPLAIN ANALYZE, BUFFERS) is kept with the results.
"""

from django.db.models import Count

from bench.bench_inbox_query import first_page, inbox, measured
from bench.harness import Context, Result

SEARCHES = [
    ("common", "xe may"),
    ("rare", "bom kim tiem"),
    ("typo", "bom kim tim"),
    ("nowhere", "chay rung"),
]


def run(context: Context) -> list[Result]:
    from groups.models import User
    from groups.text_search import fold
    from reports.models import Report
    from reports.search import search_reports

    busiest_ward = (
        Report.objects.values("ward").annotate(reports=Count("id")).order_by("-reports").first()
    )
    police = User.objects.filter(
        role=User.Role.WARD_POLICE, police_ward=busiest_ward["ward"]
    ).first()
    admin = User(role=User.Role.PROVINCE_ADMIN, is_active=True)
    results = []
    for who, user in (("police", police), ("admin", admin)):
        for kind, words in SEARCHES:
            queryset = search_reports(inbox(user), query=fold(words))
            result = measured(
                context,
                f"{who} inbox search, {kind} ({words}): first page and count",
                lambda queryset=queryset: first_page(queryset),
                queryset,
                paged=True,
            )
            result.notes = f"matches {queryset.count():,}, ward_reports {busiest_ward['reports']:,}"
            results.append(result)
    return results
