"""What the patrols' models share: map points, and a day's local midnight."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def inactive(user) -> bool:
    """Signed out or disabled: such a user sees and changes nothing of the patrols."""
    return not user.is_authenticated or not user.is_active


class MapPointMixin(models.Model):
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        abstract = True


def map_point_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(latitude__range=(-90, 90), longitude__range=(-180, 180)),
        name=name,
    )


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware start of `day` in the portal's time zone."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())
