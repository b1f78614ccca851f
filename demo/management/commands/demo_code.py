from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP

from demo.seed.groups import demo_authenticator_key


class Command(BaseCommand):
    help = _(
        "Print the code the demo logins admin and police need as their second factor now "
        "(only with DEBUG on, as seed_demo)."
    )

    def handle(self, *args, **options):
        # The demo key is public: a code from it must never open a production login.
        if not settings.DEBUG:
            raise CommandError(_("demo_code runs only with DEBUG on (make manage sets it)."))
        totp = TOTP(demo_authenticator_key(settings.DEMO_PASSWORD))
        self.stdout.write(
            _("Code for admin and police: %(code)06d (valid for about %(seconds)d seconds)")
            % {"code": totp.token(), "seconds": 30 - int(totp.time) % 30}
        )
