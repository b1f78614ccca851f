"""The escalation sweep on the province's reports, through real workers to a real SMTP server.

- **10,000 due reports**: the 10,000 most recent reports of wards whose police
  contacts take email (the open ones first; the generated data has only a few
  thousand open) are made due by setting ``escalate_at`` a minute in the past.
  Measured: from the first ``sweep()`` until an aiosmtpd server on loopback has
  received every level-1 email (one per email notice the sweep wrote). The
  sweep runs in this process as beat would run it, but once a second instead
  of every ``ESCALATION_SWEEP_SECONDS``: the first sweep escalates every report and hands
  out every notice; the later ones hand out again only what is still queued
  after ``REQUEUE_AFTER``. Celery worker
  subprocesses deliver, reading a queue of the bench's own on ``REDIS_URL``.
- **A sweep with nothing due**, 200 times after the reports are put back.
- The sweep query's plan (EXPLAIN ANALYZE, BUFFERS) with the 10,000 due, and
  with nothing due, beside the results.

Afterwards the database is as the bench found it: the escalations, notices,
delivery attempts and timeline entries it made are deleted and the reports'
``escalation_level``/``escalate_at`` put back.
"""

import contextlib
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bench.harness import Context, Result
from tests.reports.escalation.servers import SmtpServer, wait_until

DUE_REPORTS = 10_000
TARGET_SECONDS = 30.0
EMPTY_SWEEP_TARGET_SECONDS = 0.005
QUEUE = "bench-escalation"
# Worker subprocesses, one per core, and the threads of each: a delivery
# mostly waits (for the commit's fsync, the SMTP server, Redis), so threads
# overlap the waits. With deliveries in batches the machine is busy throughout:
# four threads, or four prefork children, per worker measured the same.
WORKERS = 2
POOL = "threads"
CONCURRENCY = 8
ROOT = Path(__file__).resolve().parent.parent


def _due_reports() -> list[int]:
    from django.db.models import Case, IntegerField, Value, When

    from groups.models import PoliceContact
    from reports.models import OPEN_STATUSES, Report

    wards = PoliceContact.objects.active().exclude(email="").values("area")
    return list(
        Report.objects.filter(ward__in=wards, escalate_at__isnull=True, escalation_level=0)
        .annotate(
            open_first=Case(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-created_at")
        .values_list("pk", flat=True)[:DUE_REPORTS]
    )


def _sweep_query(now):
    # As reports.escalation.chain.sweep writes it.
    from reports.escalation.chain import SWEEP_BATCH
    from reports.models import Report

    return (
        Report.objects.filter(escalate_at__lte=now)
        .order_by("escalate_at")
        .select_for_update(skip_locked=True)[:SWEEP_BATCH]
    )


def _plan(now) -> str:
    # EXPLAIN ANALYZE runs the query, so it takes its locks: roll them back.
    with transaction.atomic():
        plan = _sweep_query(now).explain(analyze=True, buffers=True)
        transaction.set_rollback(True)
    return plan


@contextlib.contextmanager
def _workers(smtp_port: int, log: Path):
    """Worker subprocesses on the bench database, reading QUEUE, mailing to smtp_port."""
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        # Only email goes out: nothing may reach a real gateway.
        "SMS_GATEWAY_URL": "",
        "ZALO_APP_ID": "",
    }
    celery = str(Path(sys.executable).with_name("celery"))
    processes = []
    with log.open("ab") as output:
        try:
            for number in range(WORKERS):
                processes.append(
                    subprocess.Popen(
                        [
                            *(celery, "-A", "config", "worker", "-Q", QUEUE, "--pool", POOL),
                            *("-c", str(CONCURRENCY), "-n", f"bench-escalation-{number}@%h"),
                            *("--loglevel", "WARNING", "--without-heartbeat"),
                            *("--without-mingle", "--without-gossip"),
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            yield processes
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=15)


def _workers_ready(processes) -> bool:
    from config.celery import app

    names = {f"bench-escalation-{number}" for number in range(WORKERS)}
    for process in processes:
        if process.poll() is not None:
            raise RuntimeError(f"a worker exited with {process.returncode}")
    replies = app.control.ping(timeout=1.0) or []
    answered = {name.split("@")[0] for reply in replies for name in reply}
    return names <= answered


@contextlib.contextmanager
def _deliveries_to_own_queue():
    """Send deliver_notices to QUEUE, and empty QUEUE afterwards."""
    from config.celery import app
    from reports.escalation.tasks import deliver_notices

    def use(routes) -> None:
        app.conf.task_routes = routes
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()  # it keeps the routes it was made with

    saved = app.conf.task_routes
    use({deliver_notices.name: {"queue": QUEUE}})
    try:
        yield
    finally:
        use(saved)
        with app.connection_for_write() as broker:
            # The queue, and the bindings kombu keeps for it.
            broker.default_channel.client.delete(
                QUEUE, f"_kombu.binding.{QUEUE}", f"_kombu.binding_permanent.{QUEUE}"
            )


@contextlib.contextmanager
def _only_email():
    # The sweep makes notices only for configured channels; the bench must not
    # depend on (or reach) the SMS gateway or Zalo of the environment.
    saved = settings.SMS_GATEWAY_URL, settings.ZALO_APP_ID
    settings.SMS_GATEWAY_URL, settings.ZALO_APP_ID = "", ""
    try:
        yield
    finally:
        settings.SMS_GATEWAY_URL, settings.ZALO_APP_ID = saved


def _put_back(report_ids: list[int], first_event_id: int) -> None:
    from demo.synthetic.groups import delete_rows
    from reports.models import Escalation, Report, ReportEvent

    with transaction.atomic():
        delete_rows(Escalation.objects.filter(report__in=report_ids))
        delete_rows(
            ReportEvent.objects.filter(
                report__in=report_ids, kind=ReportEvent.Kind.ESCALATED, pk__gt=first_event_id
            )
        )
        Report.objects.filter(pk__in=report_ids).update(escalation_level=0, escalate_at=None)


def _through_to_the_mailbox(context: Context, report_ids: list[int]) -> Result:
    from reports.escalation.chain import sweep
    from reports.models import Notice, NoticeChannel, Report

    # aiosmtpd logs every connection at INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    smtp = SmtpServer()
    smtp.start()
    log = context.results_dir / f"{context.stamp}-escalation-workers.log"
    try:
        with _deliveries_to_own_queue(), _workers(smtp.port, log) as processes:
            wait_until(lambda: _workers_ready(processes), what="the workers", timeout=120)
            due_at = timezone.now() - timedelta(minutes=1)
            Report.objects.filter(pk__in=report_ids).update(escalate_at=due_at)
            due_plan = _plan(timezone.now())
            started = time.perf_counter()
            sweep_cpu = time.thread_time()
            first = sweep()
            first_sweep = time.perf_counter() - started
            # The sweep's own CPU: the SMTP server runs in other threads of this process.
            first_sweep_cpu = time.thread_time() - sweep_cpu
            expected = Notice.objects.filter(
                escalation__report__in=report_ids, channel=NoticeChannel.EMAIL
            ).count()
            sweeps = 1

            def all_delivered() -> bool:
                return smtp.mailbox.count() >= expected

            # Swept once a second, as beat would (more slowly); the mailbox is
            # looked at more often, so that the time measured ends when the last
            # email arrives, not up to a second later.
            deadline = time.monotonic() + 600
            next_sweep = time.monotonic() + 1.0
            while not all_delivered():
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{smtp.mailbox.count()} of {expected} emails arrived")
                if time.monotonic() >= next_sweep:
                    sweep()
                    sweeps += 1
                    next_sweep = time.monotonic() + 1.0
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
    finally:
        smtp.stop()
    return Result(
        "escalation: 10,000 due to all emails received",
        [elapsed],
        target_seconds=TARGET_SECONDS,
        notes=(
            f"{first.escalated:,} escalated and {first.notices_enqueued:,} notices handed out "
            f"by the first sweep in {first_sweep:.1f} s; "
            f"{WORKERS} worker(s) of {CONCURRENCY} {POOL}"
        ),
        details={
            "reports": len(report_ids),
            "emails": expected,
            "received": smtp.mailbox.count(),
            "first_sweep_seconds": round(first_sweep, 2),
            "first_sweep_cpu_seconds": round(first_sweep_cpu, 2),
            "sweeps": sweeps,
            "workers": WORKERS,
            "pool": POOL,
            "concurrency": CONCURRENCY,
            "plan_file": context.save_text("escalation-sweep-due", due_plan),
            "plan": due_plan,
            "worker_log": log.name,
        },
    )


def run(context: Context) -> list[Result]:
    from reports.escalation.chain import sweep
    from reports.models import Notice, Report, ReportEvent, WebhookEndpoint

    if Report.objects.filter(escalate_at__isnull=False).exists() or Notice.objects.exists():
        raise RuntimeError("the bench database has escalations under way: not the generated data")
    if WebhookEndpoint.objects.filter(active=True).exists():
        raise RuntimeError("active webhook endpoints would be called: not the generated data")
    report_ids = _due_reports()
    first_event_id = ReportEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with _only_email():
            delivered = _through_to_the_mailbox(context, report_ids)
    finally:
        _put_back(report_ids, first_event_id)

    empty = context.measure(
        "escalation: sweep with nothing due",
        sweep,
        runs=200,
        warmup=5,
        target_seconds=EMPTY_SWEEP_TARGET_SECONDS,
        notes=f"{Report.objects.count():,} reports, none due",
    )
    empty_plan = _plan(timezone.now())
    empty.details = {
        "plan_file": context.save_text("escalation-sweep-empty", empty_plan),
        "plan": empty_plan,
    }
    return [delivered, empty]
