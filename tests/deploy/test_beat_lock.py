"""Only one beat schedules: a second beat started by mistake does not double the sweeps.

Both beats run as `make run` and the systemd unit start them (the Procfile's
line), against a Redis of this test's own; with no worker, what they schedule
stays in the queue to be counted.
"""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.reports.escalation.servers import RedisServer, wait_until

BASE_DIR = Path(__file__).resolve().parents[2]
SWEEP = "reports.tasks.sweep_escalations"


def _procfile_line(name: str) -> str:
    return next(
        line.split(":", 1)[1].strip()
        for line in (BASE_DIR / "Procfile").read_text().splitlines()
        if line.startswith(f"{name}:")
    )


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(directory=tmp_path)
    server.start()
    yield server
    server.stop()


class Beat:
    def __init__(self, *, redis_url: str, log: Path):
        environment = {
            **os.environ,
            "REDIS_URL": redis_url,
            "ESCALATION_SWEEP_SECONDS": "1",
            "BEAT_LOCK_TIMEOUT": "8",
            "LOG_FORMAT": "plain",
        }
        self.log = log
        self.process = subprocess.Popen(  # noqa: S602 - our own Procfile
            _procfile_line("beat"),
            shell=True,
            cwd=BASE_DIR,
            env=environment,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)


def _sweeps_queued(redis_server) -> int:
    messages = redis_server.client().lrange("celery", 0, -1)
    return sum(json.loads(message)["headers"]["task"] == SWEEP for message in messages)


@pytest.mark.long
def test_a_second_beat_waits_for_the_lock_and_takes_over_when_the_first_dies(
    redis_server, tmp_path
):
    first = Beat(redis_url=redis_server.url, log=tmp_path / "first.log")
    second = None
    try:
        wait_until(lambda: _sweeps_queued(redis_server) >= 1, what="the first sweep", timeout=60)
        second = Beat(redis_url=redis_server.url, log=tmp_path / "second.log")
        # Both beats up for a while: the second has started and waits on the lock.
        wait_until(
            lambda: (
                b"Acquiring lock" in (tmp_path / "second.log").read_bytes()
                or b"beat: Starting" in (tmp_path / "second.log").read_bytes()
            ),
            what="the second beat starting",
            timeout=60,
        )
        assert second.process.poll() is None, (tmp_path / "second.log").read_text()
        before = _sweeps_queued(redis_server)
        started = time.monotonic()
        time.sleep(6)
        sweeps = _sweeps_queued(redis_server) - before
        elapsed = time.monotonic() - started
        # One sweep a second from one beat; two beats would queue about twice as many.
        assert sweeps <= elapsed + 2, (sweeps, elapsed)
        assert sweeps >= 3

        # The first dies without a word (no lock released): the second takes
        # over once the lock times out (BEAT_LOCK_TIMEOUT).
        first.stop(signal.SIGKILL)
        count = _sweeps_queued(redis_server)
        wait_until(
            lambda: _sweeps_queued(redis_server) >= count + 3,
            what="sweeps scheduled by the second beat",
            timeout=40,
        )
    finally:
        first.stop()
        if second is not None:
            second.stop()
