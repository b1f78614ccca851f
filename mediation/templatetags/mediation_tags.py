"""The mediation block of a report's detail page: its case, or the button that opens one.

reports/templates/reports/detail.html shows it to the report's handlers only.
"""

from django import template

from mediation.forms import FromReportForm
from mediation.intake import groups_for_report
from mediation.models import MediationCase

register = template.Library()


@register.inclusion_tag("mediation/_from_report.html", takes_context=True)
def mediation_for_report(context, report):
    user = context["request"].user
    case = MediationCase.objects.filter(report=report).select_related("group").first()
    groups = groups_for_report(report) if case is None else None
    return {
        "report": report,
        "case": case,
        "case_visible": case is not None
        and MediationCase.objects.visible_to(user).filter(pk=case.pk).exists(),
        "form": FromReportForm(groups=groups) if groups is not None and groups.exists() else None,
        "csrf_token": context.get("csrf_token"),
    }
