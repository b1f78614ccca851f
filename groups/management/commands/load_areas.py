from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups.areas import UnknownProvinceError, load_official_areas


class Command(BaseCommand):
    help = _(
        "Create or update official provinces and their communes, wards and special zones "
        "from groups/data/areas.json. Safe to run again."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--province",
            action="append",
            dest="provinces",
            metavar="CODE",
            help=_("Official province code, e.g. 22 for Quảng Ninh. May be repeated."),
        )
        which.add_argument("--all", action="store_true", help=_("Load all provinces."))

    def handle(self, *args, provinces, all, **options):
        try:
            result = load_official_areas(province_codes=None if all else provinces)
        except UnknownProvinceError as error:
            raise CommandError(
                _("Unknown province code: %(codes)s") % {"codes": ", ".join(error.codes)}
            ) from error
        summary = ngettext(
            "Official areas of %(provinces)d province: %(created)d created, "
            "%(updated)d updated, %(unchanged)d unchanged.",
            "Official areas of %(provinces)d provinces: %(created)d created, "
            "%(updated)d updated, %(unchanged)d unchanged.",
            result.provinces,
        ) % vars(result)
        self.stdout.write(summary)
