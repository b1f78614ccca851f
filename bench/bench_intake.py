"""reports.intake.submit_report, as the public form calls it: a named report and an
anonymous tip, no photos, in a busy residential unit of the generated province.

Each submission commits and sends the leaders' notification task to the broker, as
in production; the bench sends it to a queue of its own that no worker reads and
removes that queue afterwards, along with the reports it made.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import Count

from bench.harness import Context, Result

QUEUE = "bench-intake"


@contextmanager
def own_queue():
    """Route every task to QUEUE while measuring; then delete QUEUE with its messages."""
    from config.celery import app

    saved = app.conf.task_routes

    def route(routes):
        app.conf.task_routes = routes
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()  # the router keeps the routes it was made with

    route({"*": {"queue": QUEUE}})
    try:
        yield
    finally:
        route(saved)
        with app.connection_for_write() as connection:
            queue = app.amqp.queues[QUEUE].bind(connection.default_channel)
            queue.declare()
            queue.purge()
            queue.delete()


def run(context: Context) -> list[Result]:
    from demo.synthetic.groups import UNIT_CODE_PREFIX, delete_rows
    from groups.models import Area
    from reports.intake import submit_report
    from reports.models import Category, Channel, Report, ReportAssignment

    unit = (
        Area.objects.filter(code__startswith=UNIT_CODE_PREFIX)
        .annotate(group_count=Count("unit_groups"))
        .order_by("-group_count", "pk")
        .first()
    )
    ward = Area.objects.get_parent(unit)
    theft = Category.objects.get(name="Trộm cắp tài sản")
    made: list[int] = []

    def submit(*, anonymous: bool):
        data = {
            "category": theft,
            "ward": ward,
            "unit": unit,
            "description": "Xe máy bị lấy trộm trước cửa nhà văn hóa lúc khoảng 21 giờ.",
            "address": "Nhà văn hóa",
            "anonymous": anonymous,
        }
        if not anonymous:
            data.update(name="Nguyễn Thị Hoa", phone="0987654321")
        receipt = submit_report(data=data, channel=Channel.WEB)
        made.append(receipt.report.pk)

    bare = context.measure(
        "intake: bare insert",
        _bare_insert(),
        runs=200,
        warmup=5,
        notes="one row of the same text into a table of one column, committed: the reference",
    )
    try:
        with own_queue():
            named = context.measure(
                "intake: named report",
                lambda: submit(anonymous=False),
                runs=200,
                warmup=5,
                notes="vault, routing, timeline: one INSERT statement; the broker round trip",
            )
            tip = context.measure(
                "intake: anonymous tip",
                lambda: submit(anonymous=True),
                runs=50,
                warmup=2,
                notes="the Argon2id passphrase hash (19 MiB, 2 passes) takes most of it",
            )
    finally:
        assignments = ReportAssignment.objects.filter(report__in=made).count()
        with transaction.atomic():
            delete_rows(Report.objects.filter(pk__in=made))
    named.details = tip.details = {
        "unit": unit.name,
        "ward": ward.name,
        "groups_per_report": round(assignments / max(1, len(made)), 2),
    }
    for result in (named, tip):
        # Throughput as a share of the bare insert's, in this run (bench/README.md).
        result.details["ratio_to_bare_insert"] = round(bare.median / result.median, 3)
        result.notes += f"; {bare.median / result.median:.3f} of the bare insert"
    return [bare, named, tip]


def _bare_insert():
    """What a bare Django view does per POST: one INSERT of the text, committed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS bench_bare_insert (body text)")
    text = "Xe máy bị lấy trộm trước cửa nhà văn hóa lúc khoảng 21 giờ."

    def insert():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_bare_insert (body) VALUES (%s)", [text])

    return insert
