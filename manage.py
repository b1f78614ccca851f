#!/usr/bin/env python
import os
import sys

# Commands that read only the code (no rows, no signing, no encryption, no broker)
# also run on a bare checkout, as a reviewer's or CI's quick check does: the
# variables they never use get placeholders. Anything else needs the real ones.
CODE_ONLY_COMMANDS = frozenset({"makemigrations", "makemessages", "compilemessages"})
CODE_ONLY_PLACEHOLDERS = {
    "SECRET_KEY": "placeholder-for-commands-that-read-only-the-code",
    "FIELD_ENCRYPTION_KEY": "cGxhY2Vob2xkZXItbm90LWEta2V5LW5vdC1hLWtleS0=",
    "DATABASE_URL": "postgres://127.0.0.1:1/tuquan",  # nothing listens: never a real one
    "REDIS_URL": "redis://127.0.0.1:1/0",
}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        for name, placeholder in CODE_ONLY_PLACEHOLDERS.items():
            os.environ.setdefault(name, placeholder)
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Django's command runner swallows a settings error and later fails with
        # "Models aren't loaded yet"; say which variable is wrong instead.
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as error:
        sys.exit(f"tuquan is not configured: {error} (see .env.example; `make run` sets them)")
    if len(sys.argv) > 1 and sys.argv[1] != "runserver":
        # Migrations, imports and demo data are no web requests (config/timeouts.py).
        from config.timeouts import use_worker_statement_timeout

        use_worker_statement_timeout()
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
