from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from reports.vault import UnsealError, rotate_sealed_fields


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the newest key, the first in "
        "FIELD_ENCRYPTION_KEY. Run it after putting a new key first; drop the "
        "old key only once it has finished."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Rows re-encrypted and committed together (default 500).",
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            count = rotate_sealed_fields(batch_size=batch_size)
        except UnsealError as exc:
            # Batches before the failing row are committed; a rerun continues.
            raise CommandError(str(exc)) from None
        self.stdout.write(
            ngettext("Re-encrypted %(count)d row.", "Re-encrypted %(count)d rows.", count)
            % {"count": count}
        )
