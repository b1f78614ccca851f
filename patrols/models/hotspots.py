"""Hotspots: places prone to social evils, registered per area and checked in at
during patrols."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import PLACE_COLLATION, Area, SelfManagementGroup
from patrols.models.common import MapPointMixin, inactive, map_point_constraint


class HotspotKind(models.TextChoices):
    DRUGS = "drugs", _("Drug use")
    GAMBLING = "gambling", _("Gambling")
    PROSTITUTION = "prostitution", _("Prostitution")
    FIGHTS = "fights", _("Fights and public disorder")
    OTHER = "other", _("Other social evils")


class RiskLevel(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class HotspotQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def not_checked_for(self, days: int, now: datetime.datetime | None = None):
        """Active hotspots nobody has checked in at for `days` days (or ever)."""
        since = (now or timezone.now()) - datetime.timedelta(days=days)
        return self.active().filter(Q(last_checked_at__lt=since) | Q(last_checked_at__isnull=True))

    def _for_groups(self, groups):
        # A group of one residential unit watches that unit's hotspots and the ones
        # registered for its whole commune/ward; a ward-wide group watches the ward.
        return self.filter(
            Q(ward__in=groups.filter(unit__isnull=True).values("ward"))
            | Q(unit__in=groups.filter(unit__isnull=False).values("unit"))
            | Q(unit__isnull=True, ward__in=groups.values("ward"))
        )

    def visible_to(self, user):
        """Admins: all. Ward police: their ward's. Group people: their groups' areas'."""
        if inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        return self._for_groups(SelfManagementGroup.objects.visible_to(user))

    def editable_by(self, user):
        """Admins: all. Ward police: their ward's. Leaders: their groups' areas'."""
        if inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        return self._for_groups(SelfManagementGroup.objects.editable_by(user))


class Hotspot(MapPointMixin, models.Model):
    """A place prone to social evils that patrols keep an eye on."""

    ward = models.ForeignKey(
        Area,
        verbose_name=_("commune/ward"),
        on_delete=models.PROTECT,
        related_name="hotspots",
        limit_choices_to={"depth": 2},
    )
    unit = models.ForeignKey(
        Area,
        verbose_name=_("residential unit"),
        on_delete=models.PROTECT,
        related_name="unit_hotspots",
        null=True,
        blank=True,
        limit_choices_to={"depth": 3},
        help_text=_("Leave empty for a place that concerns the whole commune/ward."),
    )
    name = models.CharField(_("name"), max_length=200, db_collation=PLACE_COLLATION)
    kind = models.CharField(_("kind"), max_length=16, choices=HotspotKind.choices)
    risk = models.PositiveSmallIntegerField(
        _("risk level"), choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    address = models.CharField(_("address or landmark"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(
        _("still watched"), default=True, help_text=_("Untick when the place is no longer a risk.")
    )
    # Kept by patrols.logbook.check_in, so that "not checked for N days" is one
    # indexed filter instead of an aggregate over every check-in.
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = HotspotQuerySet.as_manager()

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["-risk", "name"]
        constraints = [
            map_point_constraint("hotspot_map_point_complete_and_valid"),
        ]
        indexes = [
            # The hotspot list and "not checked for N days": one ward's active hotspots.
            models.Index(
                fields=["ward", "active", "last_checked_at"], name="hotspot_ward_checked_idx"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.unit_id and self.ward_id and not self.unit.path.startswith(self.ward.path):
            raise ValidationError({"unit": _("The residential unit must lie in the commune/ward.")})

    @property
    def place(self):
        return self.unit or self.ward
