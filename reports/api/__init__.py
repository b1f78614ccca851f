"""The reports API (version 1, under /api/v1/; docs/api.md).

- ``reports.py``: reports through ``Report.objects.visible_to``, their lifecycle as
  action endpoints, the timeline, questions and notes, and the logged reveal of a
  reporter's contact. Every action calls the function the detail page's views call.
- ``escalations.py``: escalations and acknowledging them.
- ``serializers.py``: what goes out. No serializer has a field of the reporter's:
  leaders use the API too, and must never learn who reported; only ``reveal``
  answers with a contact, after writing the log row.
- ``deprecation.py``: the old /api/reports/ and /api/escalations/ paths.
"""
