"""The dashboard's exports panel: the monthly summary's form, for
dashboard/templates/dashboard/_exports.html."""

import datetime

from django import template
from django.utils import timezone

from dashboard.export_views import SummaryForm

register = template.Library()


@register.simple_tag(takes_context=True)
def summary_form(context, filterset) -> SummaryForm:
    """The form, set to the month just ended (the usual one to report on) and to
    the commune/ward the dashboard is filtered on."""
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return SummaryForm(
        user=context["request"].user,
        initial={"month": last_month, "ward": filterset.chosen("ward"), "format": "pdf"},
        auto_id="summary-%s",
    )
