"""The embedded Redis of `make run` and `make test` on a machine without one."""

import json
import os
import subprocess
import sys

from config import services


def test_a_stale_registry_of_a_killed_run_does_not_stop_redis_from_starting(tmp_path):
    # A killed run leaves its registry behind, naming a pid that now belongs to
    # another process (here, this test's own).
    pidfile = tmp_path / "redis.pid"
    pidfile.write_text(str(os.getpid()))
    registry = services.VAR / "redis" / f"{services.REDIS_DATABASE}.settings"
    registry.parent.mkdir(parents=True, exist_ok=True)
    registry.write_text(
        json.dumps(
            {
                "pidfile": str(pidfile),
                "unixsocket": str(tmp_path / "gone.socket"),
                "dbdir": str(registry.parent),
                "dbfilename": services.REDIS_DATABASE,
            }
        )
    )
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    probe = (
        "import os, socket; url = os.environ['REDIS_URL']; "
        "port = int(url.rsplit(':', 1)[1].split('/')[0]); "
        "connection = socket.create_connection(('127.0.0.1', port), timeout=5); "
        "connection.sendall(b'PING\\r\\n'); print(connection.recv(16).decode())"
    )

    result = subprocess.run(
        [sys.executable, "-m", "config.services", sys.executable, "-c", probe],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert "+PONG" in result.stdout, result.stderr
