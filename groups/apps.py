from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Self-management groups")

    def ready(self):
        # Registers the SERVICE_EMBLEM system check.
        from groups import identity  # noqa: F401
