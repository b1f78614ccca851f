"""Registering and changing hotspots.

Who may: province administrators, the ward police of the hotspot's commune/ward,
and the leaders of the groups whose area it lies in (`Hotspot.editable_by`).
The rule is checked on the row as stored and on the row as saved, so nobody
moves a hotspot into or out of an area they do not look after.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from groups.models import Area, Membership
from patrols.models import Hotspot


def save_hotspot(*, hotspot: Hotspot, by) -> Hotspot:
    if hotspot.pk and not Hotspot.objects.editable_by(by).filter(pk=hotspot.pk).exists():
        raise PermissionDenied(_("You may not change this hotspot."))
    with transaction.atomic():
        if not hotspot.pk:
            hotspot.created_by = by
        hotspot.save()
        if not Hotspot.objects.editable_by(by).filter(pk=hotspot.pk).exists():
            # Rolls the save back.
            raise PermissionDenied(_("You may only register hotspots in your own area."))
    return hotspot


def wards_for(user):
    """The communes/wards where the user may register hotspots (the form's choices)."""
    return Area.objects.pickable_by(user, own_groups=True)


def may_register_hotspots(user) -> bool:
    """Ward police, administrators and leaders of a group."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_province_admin or user.is_ward_police:
        return True
    return Membership.objects.led_by(user).exists()
