"""Searching the inbox as people type (reports/search.py), on the province's reports.

The first page of the inbox with a search and the count above it, as
reports/views.py builds them (the search, which first asks whether the words occur
as typed, then the page and a count of at most MATCHES_COUNTED + 1 matches): for
the police of the ward with the most reports and for a province administrator
(every report), with a common phrase ("xe may", in every theft), a rarer one ("bom
kim tiem"), a typo ("bom kim tim") and words found nowhere. Each query's plan
(EXPLAIN ANALYZE, BUFFERS) is kept with the results.
"""

from django.db.models import Count

from bench.bench_inbox_query import PAGE_SIZE, inbox, measured
from bench.harness import Context, Result


def results_page(user, query: str) -> tuple[list, int]:
    """The first page and the count its heading shows."""
    from groups.text_search import SearchResultsPaginator
    from reports.search import search_reports

    found = search_reports(inbox(user), query=query)
    page = SearchResultsPaginator(found, PAGE_SIZE).get_page(1)
    return list(page.object_list), page.paginator.count


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
                f"{who} inbox search, {kind} ({words}): search, first page and count",
                lambda user=user, words=words: results_page(user, fold(words)),
                queryset,
                paged=True,
            )
            result.notes = f"matches {queryset.count():,}, ward_reports {busiest_ward['reports']:,}"
            results.append(result)
    return results
