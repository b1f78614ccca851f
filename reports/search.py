"""Searching reports: words of the description or address, or the name of the place.

``search_reports`` only narrows a queryset already scoped by
``Report.objects.visible_to``; it never widens it. That is also the rule for a
tip's text: whoever may open a report reads its description (a leader of the
group it went to, unless it is for the police only; a member who logged it;
the ward's police; administrators), and nobody else can find it by its words,
since a report outside someone's scope is never searched (docs/search.md).

Matching: groups/text_search.py (diacritics optional, small typos forgiven where
pg_trgm is installed), with the GIN trigram index ``report_text_trgm_idx`` of
reports/migrations/0026 on the folded description and address.
"""

from groups.text_search import search

# The columns the index of reports/migrations/0026 folds, in its order.
TEXT_FIELDS = ("description", "address")


def search_reports(reports, *, query: str | None):
    """`reports` whose text, address or place matches the folded `query`."""
    return search(reports, query=query, fields=TEXT_FIELDS, places=("ward", "unit"))
