#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Django's command runner swallows a settings error and later fails with
        # "Models aren't loaded yet"; say which variable is wrong instead.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(f"tuquan is not configured: {error} (see .env.example; `make run` sets them)")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
