"""A member's shifts as an iCalendar feed (RFC 5545), for the phone's own calendar.

The feed lives at a secret address per member (`CalendarFeed.token`); calendar
apps fetch it without signing in, so the token is the only key and can be
rotated. The icalendar package writes the text: escaping, folding at 75 octets
(never inside a UTF-8 character) and CRLF line ends, as the RFC asks.
"""

import datetime
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from patrols.models import CalendarFeed, PatrolShift, ShiftStatus
from patrols.schedule import WINDOW

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
    calendar = Calendar()
    with translation.override(settings.LANGUAGE_CODE):
        calendar.add("version", "2.0")
        calendar.add("prodid", "-//tuquan//patrols//EN")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("Patrols of %(name)s") % {"name": member.full_name})
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        for shift in shifts:
            calendar.add_component(_event(shift, host=host, now=now))
    # In the order written (VERSION first, as calendar apps expect), not sorted.
    return calendar.to_ical(sorted=False).decode("utf-8")


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _event(shift: PatrolShift, *, host: str, now: datetime.datetime) -> Event:
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
    event = Event()
    event.add("uid", f"patrol-shift-{shift.pk}@{host}")
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(shift.starts_at))
    event.add("dtend", _utc(shift.ends_at))
    event.add("last-modified", _utc(shift.updated_at))
    event.add("summary", _("Patrol: %(group)s") % {"group": shift.group.name})
    event.add("location", place)
    event.add("status", "CANCELLED" if shift.status == ShiftStatus.CANCELLED else "CONFIRMED")
    if details:
        event.add("description", "\n".join(details))
    return event
