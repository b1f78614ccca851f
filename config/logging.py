"""Log lines as JSON, without personal data.

Log collectors keep lines for months and many people read them, so nothing in
a line may identify a resident: no client address, no contact (email, phone
number), no tip text, no tracking code. Our own code never logs those; this
is the second line of defence for what libraries log (a query string of the
resident's pages in Django's "Not Found: …", PostgreSQL's
``DETAIL: Key (…)=(…)`` in a traceback, the return values Celery prints).
"""

import ipaddress
import logging
import re

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

# Every field a line may carry; extras (Django's ``request``, a task's
# arguments) are left out, since any of them may hold what a resident sent.
FIELDS = ("time", "level", "logger", "message", "status_code", "exc_info")

_REDACTIONS = [
    # The resident's pages are named by their path; their query string may hold anything.
    (re.compile(r"(/report/[^\s?\"']*)\?[^\s\"']*"), r"\1?…"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b"), "<address>"),
    # Vietnamese phone numbers: 0 or +84 and 9 or 10 digits, maybe grouped.
    (re.compile(r"(\+84|\b0)[\s.-]?\d{2,3}([\s.-]?\d{3}){2}\b"), "<phone>"),
    # PostgreSQL echoes the values of the row it refused.
    (re.compile(r"^DETAIL:.*$", re.MULTILINE), "DETAIL: <values left out>"),
]


# Anything that could be an IPv6 address; replaced only if it parses as one
# (a time like 2026:08:30:02 does not).
_IPV6_CANDIDATE = re.compile(r"[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")


def _ipv6(match: re.Match) -> str:
    try:
        ipaddress.IPv6Address(match.group(0).rstrip(".:") or "x")
    except ValueError:
        return match.group(0)
    return "<address>" + match.group(0)[len(match.group(0).rstrip(".:")) :]


def scrub(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return _IPV6_CANDIDATE.sub(_ipv6, text)


class NoPersonalData(logging.Filter):
    """Scrubs the message of every record, whatever formats it afterwards."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in list(log_data):
            if key not in FIELDS:
                del log_data[key]
        if "exc_info" in log_data:
            log_data["exc_info"] = scrub(str(log_data["exc_info"]))
