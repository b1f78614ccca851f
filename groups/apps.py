from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Self-management groups")

    def ready(self):
        # Connects the audit trail's receivers of Django's sign-in signals.
        from groups import audit  # noqa: F401
