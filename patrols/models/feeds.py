"""The private calendar feed of a person's shifts (patrols/ical.py)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Member
from patrols.models.common import inactive


class CalendarFeedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins: all (to rotate a leaked link). Everyone else: their own."""
        if inactive(user):
            return self.none()
        if user.is_province_admin:
            return self
        return self.filter(member__user=user)

    def editable_by(self, user):
        return self.visible_to(user)


class CalendarFeed(models.Model):
    """A member's secret calendar address (patrols/ical.py).

    The token is kept as it is, not hashed: it opens nothing but the member's own
    shifts, which the database holds anyway, and the member must be able to see
    the address again to add it to a second phone. Rotating it makes a new one.
    """

    member = models.OneToOneField(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self):
        return str(self.member)
