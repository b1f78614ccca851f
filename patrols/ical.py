"""A member's shifts as an iCalendar feed (RFC 5545), for the phone's own calendar.

The feed lives at a secret address per member (`CalendarFeed.token`); calendar
apps fetch it without signing in, so the token is the only key and can be
rotated. The text is written here: a handful of properties, escaped, folded at
75 octets and ended with CRLF, as the RFC asks.
"""

import datetime
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from patrols.models import CalendarFeed, PatrolShift, ShiftStatus
from patrols.schedule import WINDOW

CRLF = "\r\n"
LINE_OCTETS = 75
# How far back the feed reaches; older shifts drop out of the phone's calendar.
PAST = datetime.timedelta(days=60)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def rotate_feed(*, member) -> CalendarFeed:
    """Give the member a new secret address; the old one stops working at once."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                feed, _created = CalendarFeed.objects.update_or_create(
                    member=member,
                    defaults={"token": new_token(), "created_at": timezone.now()},
                )
                return feed
        except IntegrityError:
            continue  # a token clash (never in practice) or a concurrent first creation
    raise RuntimeError("could not make a calendar token")


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545, 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545, 3.1), never
    inside a UTF-8 character; continuation lines start with one space."""
    pieces, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1
        if size + width > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def feed_shifts(member, *, now: datetime.datetime):
    return (
        PatrolShift.objects.filter(
            assignments__member=member,
            starts_at__gte=now - PAST,
            starts_at__lt=now + WINDOW + datetime.timedelta(days=7),
        )
        .select_related("group", "group__ward", "group__unit", "area")
        .prefetch_related("partners")
        .order_by("starts_at", "pk")
    )


def calendar_text(*, member, shifts, now: datetime.datetime) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "tuquan"
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//tuquan//patrols//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:" + escape(_("Patrols of %(name)s") % {"name": member.full_name}),
            "X-WR-TIMEZONE:" + settings.TIME_ZONE,
        ]
        for shift in shifts:
            lines.extend(_event(shift, host=host, now=now))
        lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


def _event(shift: PatrolShift, *, host: str, now: datetime.datetime) -> list[str]:
    place = shift.meeting_point or str(shift.place)
    details = []
    if shift.route:
        details.append(_("Route: %(route)s") % {"route": shift.route})
    partners = ", ".join(
        f"{partner.name} ({partner.organisation})" for partner in shift.partners.all()
    )
    if partners:
        details.append(_("With: %(partners)s") % {"partners": partners})
    if shift.note:
        details.append(shift.note)
    if shift.is_cancelled and shift.cancel_reason:
        details.append(_("Cancelled: %(reason)s") % {"reason": shift.cancel_reason})
    lines = [
        "BEGIN:VEVENT",
        f"UID:patrol-shift-{shift.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(shift.starts_at)}",
        f"DTEND:{_utc(shift.ends_at)}",
        f"LAST-MODIFIED:{_utc(shift.updated_at)}",
        "SUMMARY:" + escape(_("Patrol: %(group)s") % {"group": shift.group.name}),
        "LOCATION:" + escape(place),
        "STATUS:" + ("CANCELLED" if shift.status == ShiftStatus.CANCELLED else "CONFIRMED"),
    ]
    if details:
        lines.append("DESCRIPTION:" + escape("\n".join(details)))
    lines.append("END:VEVENT")
    return lines
