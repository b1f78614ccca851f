"""Dates and times on pages and in e-mails (groups/formats/__init__.py): "06/12/2026 00:12".

Numbers and input formats are left to Django's own locale files.
"""

from groups.formats import DATE, DATETIME, MONTH, TIME

DATE_FORMAT = DATE
SHORT_DATE_FORMAT = DATE
DATETIME_FORMAT = DATETIME
SHORT_DATETIME_FORMAT = DATETIME
TIME_FORMAT = TIME
YEAR_MONTH_FORMAT = MONTH
MONTH_DAY_FORMAT = "d/m"
FIRST_DAY_OF_WEEK = 1  # Monday
