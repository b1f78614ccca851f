"""Client systems allowed to file reports through Open311 (reports/open311/).

A client's key is shown once, when an administrator issues it in the admin; only
its SHA-256 digest is kept (reports/open311/keys.py), so a copy of the database
files nothing. The key carries 256 random bits: a plain digest is enough, and it
keeps working when SECRET_KEY is rotated.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Open311ClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Open311Client(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    contact = models.CharField(
        _("contact"),
        max_length=255,
        blank=True,
        help_text=_("Who runs this system and how to reach them, for when its key must change."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to refuse this system's key at once.")
    )
    # The first characters of the key, to tell keys apart in the admin; not enough to use it.
    key_prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    key_digest = models.CharField(_("hash of the key"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    objects = Open311ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 client system")
        verbose_name_plural = _("Open311 client systems")
        ordering = ["name"]

    def __str__(self):
        return self.name
