"""Searching hotspots: words of the name, address or notes, or the name of the
commune/ward or unit, diacritics optional (groups/text_search.py).

Only narrows ``Hotspot.objects.visible_to``. A ward has tens of hotspots, the
province a few thousand: no index needed.
"""

from groups.text_search import Folded, search


def search_hotspots(hotspots, *, query: str | None):
    return search(
        hotspots, query=query, text=Folded("name", "address", "notes"), places=("ward", "unit")
    )
