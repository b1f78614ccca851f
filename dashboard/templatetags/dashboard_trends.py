"""The trends panel's figures and headlines, for dashboard/templates/dashboard/_trends.html."""

from django import template
from django.urls import reverse
from django.utils.formats import number_format

from dashboard import trends

register = template.Library()


@register.simple_tag
def trend_figures(query: str) -> list[dict]:
    """Each chart's key, title and the URL of its JSON, with the page's filters."""
    suffix = f"?{query}" if query else ""
    return [
        {
            "key": key,
            "title": trends.TITLES[key],
            "url": reverse("dashboard:trend", args=[key]) + suffix,
        }
        for key in trends.CHARTS
    ]


@register.filter
def signed(value) -> str:
    """A change with its sign, a true minus sign for a fall, in the page's language."""
    if value is None:
        return ""
    text = number_format(abs(value), 1)
    if value > 0:
        return f"+{text}"
    return f"\N{MINUS SIGN}{text}" if value < 0 else text


@register.filter
def one_decimal(value) -> str:
    return "" if value is None else number_format(value, 1)
