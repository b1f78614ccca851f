"""Django's own words that its Vietnamese catalogue leaves in English, and that our
pages and the admin can show (the admin's menu, form errors, list pages).

Listed here with ``gettext_noop`` so that ``makemessages`` keeps them in our
catalogue, whose translations come before Django's (LOCALE_PATHS); tests in
tests/test_no_dead_ends.py check that Vietnamese has each one.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("Toggle navigation"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Messages"),
    gettext_noop("That page number is not an integer"),
    gettext_noop("That page number is less than 1"),
    gettext_noop("That page contains no results"),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid duration."),
    gettext_noop("Enter a complete value."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("ManagementForm data is missing or has been tampered with"),
    gettext_noop("The inline value did not match the parent instance."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; "  # noqa: RUF001
        "it may be ambiguous or it may not exist."
    ),
    gettext_noop("Date out of range"),
    gettext_noop("Duration"),
]
