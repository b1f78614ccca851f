"""`manage.py generate_data`: province-scale synthetic data for the benchmarks in bench/.

A thin command: the generators live in each app's ``synthetic`` module (see
demo/synthetic/groups.py for their interface) and run in the order of GENERATORS, in
one transaction (``--wipe`` removes the old rows in one of its own first). An app
that adds models to the benchmarks adds its module here.

``--national`` fills the whole country instead of Quảng Ninh: the 34 provinces'
3,321 communes/wards, 100,000 groups and 10,000,000 reports over five years (the
other generators follow the number of reports); ``--scale`` shrinks or grows the
groups and reports of the preset together, for a machine that cannot hold the
whole of it (docs/scale.md).
"""

import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from demo.synthetic import groups as synthetic
from demo.synthetic.groups import Options, StepLog, World
from reports import routing_summary

# The whole country (docs/scale.md): groups and reports of the national preset.
NATIONAL_GROUPS = 100_000
NATIONAL_REPORTS = 10_000_000

# In dependency order: each generator may use what the ones before it put in the World.
GENERATORS = [
    "demo.synthetic.groups",
    "demo.synthetic.reports",
    "demo.synthetic.mediation",
    "demo.synthetic.patrols",
]


class Command(BaseCommand):
    help = _(
        "Generate province-scale synthetic data (residential units, groups, members, police, "
        "reports) for benchmarks. Not for production databases."
    )

    def add_arguments(self, parser):
        parser.add_argument("--groups", type=int, default=None, help=_("Number of groups."))
        parser.add_argument("--reports", type=int, default=None, help=_("Number of reports."))
        parser.add_argument(
            "--national",
            action="store_true",
            help=_(
                "Every province, with 100,000 groups and 10,000,000 reports unless "
                "--groups or --reports say otherwise."
            ),
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help=_("Multiply the numbers of groups and reports by this factor."),
        )
        parser.add_argument(
            "--years", type=int, default=5, help=_("Spread the reports over this many years.")
        )
        parser.add_argument(
            "--seed", type=int, default=1, help=_("Seed: the same seed gives the same data.")
        )
        parser.add_argument(
            "--wipe",
            action="store_true",
            help=_("Remove previously generated rows first (and only those)."),
        )

    def handle(self, *args, groups, reports, years, seed, wipe, national, scale, **options):
        if groups is None:
            groups = NATIONAL_GROUPS if national else 4131
        if reports is None:
            reports = NATIONAL_REPORTS if national else 1_000_000
        if not 0 < scale <= 10:
            raise CommandError(_("--scale must be more than 0 and at most 10."))
        groups, reports = round(groups * scale), round(reports * scale)
        if min(groups, reports) < 0 or years < 1:
            raise CommandError(_("Counts cannot be negative and --years must be at least 1."))
        modules = [import_module(name) for name in GENERATORS]
        settings = Options(
            groups=groups,
            reports=reports,
            years=years,
            seed=seed,
            now=timezone.now(),
            provinces=None if national else (synthetic.PROVINCE_CODE,),
        )
        log = StepLog(self.stdout.write)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # One COPY writes millions of rows: no statement time limit for this
            # session (a web request's or a worker's would end it halfway).
            cursor.execute("SET statement_timeout = 0")
        if wipe:
            self.wipe(modules, log=log)
        with transaction.atomic():
            if synthetic.generated_rows_exist():
                raise CommandError(
                    _("This database already holds generated data; pass --wipe to replace it.")
                )
            world = World()
            # Millions of routings: the summary is counted once at the end instead
            # of by its triggers for each COPY (reports/routing_summary.py).
            with routing_summary.paused():
                for module in modules:
                    module.generate(options=settings, world=world, log=log)
        with log.step(_("analyze")), connection.cursor() as cursor:
            # Fresh statistics, or the first benchmark queries are planned for empty tables.
            cursor.execute("ANALYZE")
        self.stdout.write(
            _("Generated in %(seconds).1f s.") % {"seconds": time.perf_counter() - started}
        )

    def wipe(self, modules, *, log: StepLog) -> None:
        """Remove the generated rows, in a transaction of its own.

        Written in the same transaction as millions of rows just deleted, new rows
        and their indexes would be built beside every dead one; committing the
        removal and vacuuming first makes a regeneration as fast as the first.
        Inside a caller's transaction (tests) there is nothing to commit or vacuum.
        """
        with transaction.atomic(), routing_summary.paused():
            for module in reversed(modules):
                module.wipe(log=log)
        if connection.in_atomic_block:
            return
        existing = set(connection.introspection.table_names())
        tables = [
            model._meta.db_table
            for name in GENERATORS
            for model in apps.get_app_config(name.split(".")[0]).get_models(
                include_auto_created=True
            )
            if model._meta.db_table in existing
        ]
        quote = connection.ops.quote_name
        with log.step(_("vacuum")), connection.cursor() as cursor:
            cursor.execute(f"VACUUM {', '.join(quote(table) for table in tables)}")
