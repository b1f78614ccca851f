"""One way to write dates and times, as Vietnamese readers expect: "06/12/2026 00:12".

Pages and e-mails get it from Django's locale formats (``FORMAT_MODULE_PATH``
points here, so ``|date:"SHORT_DATETIME_FORMAT"`` and the admin say
"06/12/2026 00:12", where Django's own Vietnamese formats say "00:12 06-12-2026");
exports, which are written without a language, use the explicit formats below
(reports/spreadsheets.py). English pages write dates the same way: the portal's
readers are in Vietnam.
"""

import datetime

from django.utils import timezone

# Django's date-filter syntax (templates, django.utils.formats).
DATE = "d/m/Y"
DATETIME = "d/m/Y H:i"
TIME = "H:i"
MONTH = "m/Y"

# The same for Python's strftime (CSV cells, file names, messages) and for Excel.
STRFTIME_DATE = "%d/%m/%Y"
STRFTIME_DATETIME = "%d/%m/%Y %H:%M"
XLSX_DATE = "dd/mm/yyyy"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"


def date_text(value: datetime.date) -> str:
    """A day as "06/12/2026"; a moment as "06/12/2026 00:12" in local time."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime(STRFTIME_DATETIME)
    return value.strftime(STRFTIME_DATE)
