"""A report's deadline as people read it: "in 1 h 20 min", "overdue by 3 h"."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()

# Less than this left and a report is shown as due soon (marked, not only coloured),
# in the inbox, on its page and in the dashboard's "Now".
DUE_SOON = timedelta(hours=2)


@register.filter
def urgency(report, now: datetime | None = None) -> str:
    """The urgency of an open report: overdue, soon or later; empty for a closed one."""
    if not report.is_open:
        return ""
    remaining = report.due_at - (now or timezone.now())
    if remaining < timedelta(0):
        return "overdue"
    return "soon" if remaining < DUE_SOON else "later"


@register.filter
def time_left(due_at: datetime, now: datetime | None = None) -> str:
    remaining = due_at - (now or timezone.now())
    if remaining >= timedelta(0):
        # Round up: 30 seconds left is "in 1 min", not "in 0 min".
        minutes = -(-int(remaining.total_seconds()) // 60)
        return _("in %(duration)s") % {"duration": duration(minutes)}
    minutes = max(int(-remaining.total_seconds()) // 60, 1)
    return _("overdue by %(duration)s") % {"duration": duration(minutes)}


def duration(minutes: int) -> str:
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        if hours:
            return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
        return _("%(days)d d") % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)d h") % {"hours": hours}
    return _("%(minutes)d min") % {"minutes": minutes}
