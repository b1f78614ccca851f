"""The dashboard map's tile server, for dashboard/templates/dashboard/_map.html."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def map_tiles() -> dict:
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
