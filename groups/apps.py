from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Self-management groups")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        # identity registers the SERVICE_EMBLEM system check.
        # Connects the audit trail's receivers of Django's sign-in signals.
        from groups import (  # noqa: F401
            audit,
            identity,
            staff_sessions,
        )

        # Django's own sign-in hooks: every way of signing in (our form, a test
        # client's force_login) and out (the button, "sign out everywhere", a
        # timeout) passes them, so the session list cannot miss one.
        user_logged_in.connect(
            lambda sender, request, user, **kwargs: staff_sessions.started(request, user),
            dispatch_uid="tuquan_staff_session_started",
            weak=False,
        )
        user_logged_out.connect(
            lambda sender, request, user, **kwargs: staff_sessions.ended(request),
            dispatch_uid="tuquan_staff_session_ended",
            weak=False,
        )
