"""Searching reports: words of the description or address, or the name of the place.

``search_reports`` only narrows a queryset already scoped by
``Report.objects.visible_to``; it never widens it. That is also the rule for a
tip's text: whoever may open a report reads its description (a leader of the
group it went to, unless it is for the police only; a member who logged it;
the ward's police; administrators), and nobody else can find it by its words,
since a report outside someone's scope is never searched (docs/search.md).

Matching: groups/text_search.py (diacritics optional, small typos forgiven where
pg_trgm is installed) on ``Report.search_text``, the folded description and
address that PostgreSQL keeps, with its GIN trigram index
``report_search_text_trgm_idx`` (reports/migrations/0041).
"""

from django.db.models import F

from groups.text_search import search


def search_reports(reports, *, query: str | None):
    """`reports` whose text, address or place matches the folded `query`."""
    return search(reports, query=query, text=F("search_text"), places=("ward", "unit"))
