"""The portal spread over processes and a replica, on one machine, with its guarantees.

Two gunicorn processes behind nginx, two Celery workers and one beat, against a
PostgreSQL primary and a streaming replica (hot standby) of this test's own and
a Redis of its own. Under a bounded intake load on loopback, one worker is killed
and restarted and the replica stopped for a while; every report must be saved,
every receipt shown, every due escalation delivered exactly once, and the
dashboard must answer throughout, reading from the replica when it can.
Run by `make test-scale`.
"""

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django_otp.oath import TOTP

from tests.deploy import clusters
from tests.deploy.stack import (
    BASE_DIR,
    Nginx,
    Process,
    collect_static,
    gunicorn,
    web_environment,
)
from tests.reports.escalation.servers import RedisServer, SmtpServer, wait_until

pytestmark = pytest.mark.scale

TIPS = 60
PASSWORD = "scale-test-password-1"
# The officer's authenticator (police sign in with a second factor, docs/security.md).
AUTHENTICATOR_KEY = "3132333435363738393031323334353637383930"
SETUP = f"""
import json
from django_otp.plugins.otp_totp.models import TOTPDevice
from groups.models import Area, AreaKind, PoliceContact, User
from reports.models import Category
province = Area.objects.add_root({{"name": "Quảng Ninh", "kind": AreaKind.PROVINCE, "code": "22"}})
ward = Area.objects.add_child(
    province, {{"name": "Phường Hạ Long", "kind": AreaKind.WARD, "code": "07030"}})
for order in (1, 2, 3):
    PoliceContact.objects.create(area=ward, name=f"Officer {{order}}", order=order,
        email=f"officer{{order}}@police.example.test", channels=["email"])
PoliceContact.objects.create(area=province, name="Duty", order=1,
    email="duty@police.example.test", channels=["email"])
police = User.objects.create_user(username="police", password={PASSWORD!r},
    role=User.Role.WARD_POLICE, police_ward=ward)
TOTPDevice.objects.create(user=police, name="phone", confirmed=True, key={AUTHENTICATOR_KEY!r})
print(json.dumps({{"ward": ward.pk, "category": Category.objects.order_by("pk").first().pk}}))
"""


def _code_now() -> str:
    totp = TOTP(bytes.fromhex(AUTHENTICATOR_KEY))
    return f"{totp.token():06d}"


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class Stack:
    def __init__(self, root: Path, scratch: Path):
        self.root = root
        self.started: list = []
        self.replica = self.primary = None
        self.redis = RedisServer(directory=root)
        self.smtp = SmtpServer()
        try:
            self._start(scratch)
        except BaseException:
            self.stop()
            raise

    def _start(self, scratch: Path) -> None:
        root = self.root
        self.primary = clusters.primary(scratch)
        self.redis.start()
        self.smtp.start()
        with psycopg.connect(self.primary.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE tuquan")
        self.database = self.primary.url("tuquan")
        static_root = collect_static(root)
        self.env = web_environment(
            database=self.database,
            redis_url=self.redis.url,
            static_root=static_root,
            REPORT_RATE_LIMIT="100000",
            ESCALATION_SWEEP_SECONDS="1",
            REPLICA_MAX_LAG_SECONDS="2",
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp.port}",
            SITE_URL="https://localhost",
            LOG_FORMAT="plain",
        )
        self.manage("migrate", "--noinput")
        self.ids = json.loads(self.manage("shell", "-c", SETUP).splitlines()[-1])
        # The replica starts from a base backup of the migrated database.
        self.replica = clusters.replica_of(self.primary, scratch)
        self.env["DATABASE_REPLICA_URL"] = self.replica.url("tuquan")
        self.webs = []
        ports = []
        for number in (1, 2):
            web, port = gunicorn(env=self.env, log=root / f"web{number}.log", workers=2)
            self.started.append(web)
            ports.append(port)
        (root / "nginx").mkdir()
        self.nginx = Nginx(directory=root / "nginx", upstream_ports=ports, static_root=static_root)
        self.started.append(self.nginx)
        self.nginx.start()
        self.workers = [self.worker(number) for number in (1, 2)]
        self.beat = Process(
            [str(Path(sys.executable).with_name("celery")), "-A", "config", "beat"],
            env=self.env,
            log=root / "beat.log",
        ).start()
        self.started.append(self.beat)

    def manage(self, *arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def worker(self, number: int) -> Process:
        process = Process(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "config",
                "worker",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "-n",
                f"worker{number}@%h",
                "--without-mingle",
                "--without-gossip",
            ],
            env=self.env,
            log=self.root / f"worker{number}.log",
        ).start()
        self.started.append(process)
        wait_until(lambda: " ready." in process.output(), what=f"worker {number}", timeout=60)
        return process

    def query(self, sql: str):
        with psycopg.connect(self.database) as connection:
            return connection.execute(sql).fetchall()

    def stop(self) -> None:
        for process in reversed(self.started):
            process.stop()
        for cluster in (self.replica, self.primary):
            if cluster is not None:
                cluster.stop_quietly()
        self.smtp.stop()
        self.redis.stop()


@pytest.fixture
def stack(tmp_path):
    scratch = clusters.scratch_directory()
    built = None
    try:
        built = Stack(tmp_path, scratch)
        yield built
    finally:
        if built is not None:
            built.stop()
        subprocess.run(["rm", "-rf", str(scratch)], check=False)


class Resident:
    """One resident's browser: the form, the tip, the receipt."""

    def __init__(self, nginx: Nginx, ids: dict):
        self.nginx, self.ids = nginx, ids

    def tip(self, number: int) -> str:
        session = self.nginx.session()
        form = session.get(self.nginx.base + "/report/new/", timeout=30)
        assert form.status_code == 200
        receipt = session.post(
            self.nginx.base + "/report/new/",
            data={
                "csrfmiddlewaretoken": _token(form.text),
                "category": self.ids["category"],
                "description": f"Tin báo số {number}: tụ tập gây rối ở đầu ngõ.",
                "ward": self.ids["ward"],
                "anonymous": "on",
                "website": "",
            },
            headers={"Referer": self.nginx.base + "/report/new/"},
            timeout=30,
        )
        assert receipt.status_code == 200, receipt.text[:500]
        return re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", receipt.text).group(0)


class Officer:
    def __init__(self, nginx: Nginx):
        self.nginx = nginx
        self.session = nginx.session()
        login = self.session.get(nginx.base + "/accounts/login/", timeout=30)
        answer = self.session.post(
            nginx.base + "/accounts/login/",
            data={
                "csrfmiddlewaretoken": _token(login.text),
                "username": "police",
                "password": PASSWORD,
            },
            headers={"Referer": nginx.base + "/accounts/login/"},
            timeout=30,
        )
        # The password is right: the second step asks for the code on the phone.
        assert answer.url.endswith("/accounts/login/code/"), answer.text[:500]
        answer = self.session.post(
            answer.url,
            data={"csrfmiddlewaretoken": _token(answer.text), "token": _code_now()},
            headers={"Referer": answer.url},
            timeout=30,
        )
        # Signed in: the code step redirects, and the session cookie is set.
        assert answer.history and answer.history[0].status_code == 302, answer.text[:500]
        assert "sessionid" in self.session.cookies

    def dashboard(self) -> int:
        # Only the session: not the pin to the primary that the login POST set.
        self.session.cookies.pop("tuquan_primary", None)
        return self.session.get(
            self.nginx.base + "/dashboard/now/", timeout=30, allow_redirects=False
        ).status_code


def _replica_reads(stack) -> int:
    return stack.replica.log.read_text(errors="replace").count("reports_report")


def _settled(stack) -> bool:
    (waiting,) = stack.query("SELECT count(*) FROM reports_report WHERE escalation_level = 0")[0]
    (unsent,) = stack.query(
        "SELECT count(*) FROM reports_notice WHERE status IN ('pending', 'sending')"
    )[0]
    return waiting == 0 and unsent == 0


def test_intake_escalation_and_dashboard_survive_a_killed_worker_and_a_stopped_replica(stack):
    resident = Resident(stack.nginx, stack.ids)
    officer = Officer(stack.nginx)
    receipts: list[str] = []
    lock = threading.Lock()
    done = threading.Semaphore(0)

    def tip(number: int) -> None:
        code = resident.tip(number)
        with lock:
            receipts.append(code)
        done.release()

    # The dashboard reads from the replica while it is up and not behind.
    before = _replica_reads(stack)
    wait_until(
        lambda: officer.dashboard() == 200 and _replica_reads(stack) > before,
        what="a dashboard read on the replica",
        timeout=30,
    )

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = [pool.submit(tip, number) for number in range(TIPS // 3)]
        for future in first:
            future.result()
        # A worker dies while idle between bursts (SIGKILL, no goodbye); intake goes on.
        wait_until(lambda: _settled(stack), what="the first burst escalated", timeout=60)
        stack.workers[0].stop(signal.SIGKILL)
        # The replica goes away for a while: the dashboard answers from the primary.
        stack.replica.stop()
        second = [pool.submit(tip, number) for number in range(TIPS // 3, 2 * TIPS // 3)]
        for _ in range(5):
            assert officer.dashboard() == 200
        for future in second:
            future.result()
        stack.workers[0] = stack.worker(1)
        stack.replica.start()
        third = [pool.submit(tip, number) for number in range(2 * TIPS // 3, TIPS)]
        for _ in range(5):
            assert officer.dashboard() == 200
        for future in third:
            future.result()

    # Every report saved, every receipt shown once.
    assert len(receipts) == TIPS
    assert len(set(receipts)) == TIPS
    assert stack.query("SELECT count(*) FROM reports_report")[0][0] == TIPS

    # Every due escalation (no group in the ward: all due at once) delivered exactly once.
    wait_until(lambda: _settled(stack), what="every escalation delivered", timeout=180)
    levels = stack.query("SELECT report_id, count(*) FROM reports_escalation GROUP BY report_id")
    assert len(levels) == TIPS
    assert {count for _report, count in levels} == {1}
    notices = stack.query("SELECT address, status FROM reports_notice")
    assert notices and {status for _address, status in notices} == {"sent"}
    messages = stack.smtp.mailbox.messages()
    to_police = [m for m in messages if "police.example.test" in str(m["To"])]
    assert len(to_police) == len(notices)
    assert len({m["Message-ID"] for m in to_police}) == len(to_police)
    assert Counter(str(m["To"]) for m in to_police) == Counter(a for a, _s in notices)

    # The replica caught up and takes the dashboard again; paused replay (a replica
    # lagging behind the bound) sends the reads back to the primary.
    before = _replica_reads(stack)
    wait_until(
        lambda: officer.dashboard() == 200 and _replica_reads(stack) > before,
        what="dashboard reads on the replica again",
        timeout=30,
    )
    with psycopg.connect(stack.replica.url("tuquan"), autocommit=True) as connection:
        connection.execute("SELECT pg_wal_replay_pause()")
    try:
        resident.tip(TIPS)
        time.sleep(8)  # the lag bound (2 s) and each process's 5 s between checks
        # Several requests so that every gunicorn worker has looked again.
        for _ in range(8):
            officer.dashboard()
        before = _replica_reads(stack)
        for _ in range(4):
            assert officer.dashboard() == 200
        assert _replica_reads(stack) == before
    finally:
        with psycopg.connect(stack.replica.url("tuquan"), autocommit=True) as connection:
            connection.execute("SELECT pg_wal_replay_resume()")
