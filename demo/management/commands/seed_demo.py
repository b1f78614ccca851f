from base64 import b32encode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.seed.activity import seed_demo_activity
from demo.seed.groups import demo_authenticator_key, seed_demo
from reports.escalation import chain as escalation


class Command(BaseCommand):
    help = _(
        "Create or restore demo data for Quảng Ninh, two years of activity (reports, "
        "patrols, mediation cases) and the demo logins admin, police, leader and member. "
        "Safe to run again: adds no activity twice; resets the demo passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Run even with DEBUG off. The demo users have a known password."),
        )

    def handle(self, *args, force, **options):
        # The demo logins have a published password: never create them by accident in production.
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "seed_demo creates logins with a known password, so it runs only with "
                    "DEBUG on. Pass --force to run it anyway."
                )
            )
        password = settings.DEMO_PASSWORD
        summary = seed_demo(password=password)
        self.stdout.write(
            _(
                "Demo data: %(groups)d groups with %(members)d members in %(wards)d "
                "communes/wards of Quảng Ninh."
            )
            % {"groups": summary.groups, "members": summary.members, "wards": summary.wards}
        )
        activity = seed_demo_activity()
        # After the commit: the overdue reports are escalated now, not at beat's first tick.
        escalated = escalation.sweep().escalated
        self.stdout.write(
            _(
                "Demo activity added: %(reports)d reports (%(escalated)d escalated just now), "
                "%(logs)d patrol logs, %(cases)d mediation cases."
            )
            % {
                "reports": activity.reports,
                "escalated": escalated,
                "logs": activity.patrol_logs,
                "cases": activity.mediation_cases,
            }
        )
        self.stdout.write(_("Demo logins (username / password / what they can do):"))
        width = max(len(login.username) for login in summary.logins)
        for login in summary.logins:
            self.stdout.write(f"  {login.username:<{width}} / {password} / {login.can}")
        key = b32encode(demo_authenticator_key(password)).decode("ascii")
        self.stdout.write(
            _(
                "admin and police also ask for a code from an authenticator app: add the key "
                "%(key)s to one (Google Authenticator, FreeOTP, ...), or print the current "
                'code with: make manage ARGS="demo_code"'
            )
            % {"key": key}
        )
