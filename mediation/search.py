"""Searching mediation cases: words of the summary, or the name of the group's
commune/ward, diacritics optional (groups/text_search.py).

Only narrows ``MediationCase.objects.visible_to``: a case someone may not open is
never searched, so its summary cannot be found by its words. The index:
``mediationcase_search_text_trgm_idx`` on ``MediationCase.search_text``, the folded
summary (mediation/migrations/0009).
"""

from django.db.models import F

from groups.text_search import search


def search_cases(cases, *, query: str | None):
    return search(cases, query=query, text=F("search_text"), places=("group__ward",))
