"""The leaders' email about a new report, end to end.

A report is submitted through `submit_report`; after commit the task goes to
the real Redis broker, a real Celery worker (in this process) picks it up and
sends through Django's SMTP backend to a real SMTP server on 127.0.0.1, whose
received messages the tests read. The tests are transactional: the worker runs
in its own thread with its own database connection, and must see committed rows.
"""

import datetime
import email
import email.policy
import socket
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import transaction

from config.celery import app as celery_app
from groups.formats import date_text
from groups.models import Member, Membership, User
from reports.escalation.tasks import notify_leaders_of_new_report
from reports.intake import submit_report
from reports.models import Category, Channel, LeaderNotice, Report, Severity

pytestmark = pytest.mark.django_db(transaction=True)

REPORTER_NAME = "Vũ Thị Giấu Tên"
REPORTER_PHONE = "0966555444"
LEADER_X = "leader.x@example.test"
DEPUTY_X = "deputy.x@example.test"
MEMBER_X = "member.x@example.test"
LEADER_Y = "leader.y@example.test"


class Mailbox:
    """An aiosmtpd handler that keeps every envelope it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in self.envelopes
        ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on a free local port, and Django sending to it."""
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    yield handler
    controller.stop()


@pytest.fixture
def finished_tasks():
    """(report id, task state) for each notification task the worker has run."""
    finished = []

    def record(sender=None, args=(), state=None, **kwargs):
        if sender is not None and sender.name == notify_leaders_of_new_report.name:
            finished.append((args[0], state))

    task_postrun.connect(record, weak=False)
    yield finished
    task_postrun.disconnect(record)


@pytest.fixture
def worker(mailbox, finished_tasks):
    """A Celery worker in a thread, consuming a queue of this test's own.

    The broker is the one in settings (REDIS_URL). Other test processes may use
    the same Redis database at the same time, and other tests leave messages
    behind in the default queue that nobody consumes; routing the task to a
    fresh queue keeps each worker to this test's messages only (a retry left
    over from a failed test included).
    """
    queue = f"tests.notifications.{uuid.uuid4().hex}"
    overrides = {
        "task_routes": {notify_leaders_of_new_report.name: {"queue": queue}},
        # Leave pytest's log capture, and Redis without a remote-control queue.
        "worker_hijack_root_logger": False,
        "worker_enable_remote_control": False,
    }
    previous = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    try:
        # No result backend: the ping check would wait for a result forever.
        with start_worker(celery_app, queues=[queue], perform_ping_check=False):
            yield
    finally:
        declaration = celery_app.amqp.queues[queue]
        celery_app.conf.update(previous)
        # Redis keeps a queue's binding until it is deleted; a fresh channel knows
        # of the binding only once it has declared the queue itself.
        with celery_app.connection_for_write() as connection:
            bound = declaration.bind(connection.default_channel)
            bound.declare()
            bound.delete()


def _wait_until(condition, *, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Still waiting after {timeout:.0f} s for {what}")
        time.sleep(0.05)


def _wait_for_task(finished_tasks, report) -> None:
    _wait_until(
        lambda: any(report_id == report.pk for report_id, _state in finished_tasks),
        what=f"the notification task of report #{report.pk}",
    )
    assert (report.pk, "SUCCESS") in finished_tasks


def _person(group, username, address, *, leader=False, deputy=False) -> User:
    user = User.objects.create_user(username=username, password="pw", email=address)
    member = Member.objects.create(full_name=username, user=user)
    Membership.objects.create(
        member=member,
        group=group,
        is_leader=leader,
        is_deputy=deputy,
        started=datetime.date(2021, 1, 1),
    )
    return user


@pytest.fixture
def people_with_email(seeded, group_x, group_y, leader_x, member_x, leader_y):
    """Everyone in both groups has an email address; only X's leaders should hear of X."""
    for user, address in ((leader_x, LEADER_X), (member_x, MEMBER_X), (leader_y, LEADER_Y)):
        user.email = address
        user.save(update_fields=["email"])
    _person(group_x, "deputy_x", DEPUTY_X, deputy=True)
    # A leader who has left the group hears nothing more of it.
    former = _person(group_x, "former_leader_x", "former.x@example.test", leader=True)
    Membership.objects.filter(member__user=former).update(ended=datetime.date(2022, 1, 1))


def _submit(*, category, ward, unit=None, **data):
    data.setdefault("description", "Hai thanh niên lạ mặt đi lại nhiều lần quanh bãi xe.")
    return submit_report(
        data={"category": category, "ward": ward, "unit": unit, **data},
        channel=Channel.WEB,
    )


def _everything_in(message) -> str:
    """The message as received and decoded: encoded headers could hide a name."""
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    return "\n".join([message.as_string(), headers, message.get_body().get_content()])


def test_each_leader_of_the_group_gets_one_email_without_the_reporters_identity(
    worker, mailbox, finished_tasks, people_with_email, ward_a, unit_a1, settings
):
    # Emails go out in the site's language: Vietnamese, as in production.
    settings.LANGUAGE_CODE = "vi"
    theft = Category.objects.get(name="Trộm cắp tài sản")

    receipt = _submit(
        category=theft, ward=ward_a, unit=unit_a1, name=REPORTER_NAME, phone=REPORTER_PHONE
    )

    report = receipt.report
    _wait_for_task(finished_tasks, report)
    # One message for each leader and deputy of group X, addressed to them alone.
    assert sorted(envelope.rcpt_tos for envelope in mailbox.envelopes) == [
        [DEPUTY_X],
        [LEADER_X],
    ]
    assert report.contact.name == REPORTER_NAME  # the vault has it, the emails must not
    link = f"{settings.SITE_URL}/reports/{report.pk}/"
    for envelope, message in zip(mailbox.envelopes, mailbox.messages(), strict=True):
        assert message["To"] == envelope.rcpt_tos[0]
        assert theft.name in message["Subject"]
        assert unit_a1.name in message["Subject"]
        body = message.get_body().get_content()
        assert theft.name in body
        assert unit_a1.name in body
        assert ward_a.name in body
        assert link in body
        # Dates as on every page: "06/12/2026 00:12" in local time (groups/formats).
        assert date_text(report.created_at) in body
        assert date_text(report.due_at) in body
        raw = envelope.content.decode("utf-8", errors="replace")
        for text in (raw, _everything_in(message)):
            assert REPORTER_NAME not in text
            assert REPORTER_PHONE not in text
            # The receipt code opens the tracking page: it is the reporter's alone.
            assert receipt.code not in text


def test_anonymous_tips_email_carries_nothing_that_identifies_the_sender(
    worker, mailbox, finished_tasks, people_with_email, ward_a, unit_a1
):
    theft = Category.objects.get(name="Trộm cắp tài sản")

    receipt = _submit(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        anonymous=True,
        passphrase="hoa sen nở muộn trên hồ",
        # Whatever the form might pass along, a tip keeps none of it.
        name=REPORTER_NAME,
        phone=REPORTER_PHONE,
    )

    _wait_for_task(finished_tasks, receipt.report)
    assert sorted(envelope.rcpt_tos for envelope in mailbox.envelopes) == [
        [DEPUTY_X],
        [LEADER_X],
    ]
    for envelope, message in zip(mailbox.envelopes, mailbox.messages(), strict=True):
        raw = envelope.content.decode("utf-8", errors="replace")
        for text in (raw, _everything_in(message)):
            for secret in (REPORTER_NAME, REPORTER_PHONE, receipt.code, receipt.passphrase):
                assert secret not in text


@pytest.mark.parametrize("why", ["category about the group", "reporter's word"])
def test_report_for_the_police_only_sends_no_email_to_the_groups_leaders(
    worker, mailbox, people_with_email, ward_a, unit_a1, why
):
    if why == "category about the group":
        category = Category.objects.get(about_the_group=True)
        extra = {}
    else:
        category = Category.objects.get(name="Trộm cắp tài sản")
        extra = {"concerns_group_member": True}

    receipt = _submit(category=category, ward=ward_a, unit=unit_a1, **extra)

    # No notice is written, so nothing can be sent now or by a later sweep, and
    # no task is published to hasten one.
    assert receipt.report.police_only
    assert not LeaderNotice.objects.filter(report=receipt.report).exists()
    assert mailbox.envelopes == []


def test_report_whose_transaction_rolls_back_sends_no_email(
    worker, mailbox, finished_tasks, people_with_email, ward_a, unit_a1
):
    theft = Category.objects.get(name="Trộm cắp tài sản")

    class CallerFailed(Exception):
        pass

    with pytest.raises(CallerFailed), transaction.atomic():
        _submit(category=theft, ward=ward_a, unit=unit_a1, description="Rolled back.")
        raise CallerFailed
    assert not Report.objects.exists()
    # The worker takes one message at a time in order: once a later report's
    # task is done, an earlier one would have been too, had it been sent.
    later = _submit(category=theft, ward=ward_a, unit=unit_a1).report
    _wait_for_task(finished_tasks, later)

    assert [report_id for report_id, _state in finished_tasks] == [later.pk]
    assert len(mailbox.envelopes) == 2
    assert all(f"#{later.pk}" in message["Subject"] for message in mailbox.messages())


def test_email_shows_names_as_written_not_html_escaped(
    worker, mailbox, finished_tasks, people_with_email, ward_a, unit_a1
):
    # Plain-text email: a category named with "&" or quotes must not arrive as "&amp;".
    category = Category.objects.create(
        name='Trật tự & "vệ sinh" khu phố', severity=Severity.LOW, deadline_minutes=1440
    )

    report = _submit(category=category, ward=ward_a, unit=unit_a1).report

    _wait_for_task(finished_tasks, report)
    assert len(mailbox.envelopes) == 2
    for message in mailbox.messages():
        assert category.name in message["Subject"]
        assert category.name in message.get_body().get_content()
        assert "&amp;" not in message.as_string()
