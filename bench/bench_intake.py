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

    try:
        with own_queue():
            named = context.measure(
                "intake: named report",
                lambda: submit(anonymous=False),
                runs=200,
                warmup=5,
                notes="vault sealing, routing, timeline, commit and the broker round trip",
            )
            tip = context.measure(
                "intake: anonymous tip",
                lambda: submit(anonymous=True),
                runs=50,
                warmup=2,
                notes="the Argon2id passphrase hash (64 MiB, 3 passes) takes most of it",
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
    return [named, tip]
