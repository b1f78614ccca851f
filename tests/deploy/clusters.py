"""PostgreSQL clusters of a test's own: a primary and a streaming replica (hot
standby), with this machine's PostgreSQL binaries, on free loopback ports.

initdb refuses to run as root; as root the clusters belong to the postgres user.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.reports.escalation.servers import free_port


def _bin_directory() -> Path:
    # Debian keeps the server's binaries apart from those on PATH.
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[4])
    )
    if candidates:
        return candidates[-1].parent
    found = shutil.which("initdb")
    if not found:
        raise RuntimeError("PostgreSQL's server binaries (initdb) are not installed")
    return Path(found).parent


BIN = _bin_directory()
AS_ROOT = os.geteuid() == 0


def _run(*arguments, **kwargs) -> subprocess.CompletedProcess:
    command = [str(argument) for argument in arguments]
    if AS_ROOT:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, timeout=120, check=False, **kwargs)
    if result.returncode != 0:
        raise subprocess.CalledProcessError(
            result.returncode, command, result.stdout, result.stderr.decode(errors="replace")
        )
    return result


def scratch_directory() -> Path:
    """A directory the postgres user may write (pytest's are private to root)."""
    directory = Path(tempfile.mkdtemp(prefix="tuquan-clusters-"))
    if AS_ROOT:
        postgres = pwd.getpwnam("postgres")
        os.chown(directory, postgres.pw_uid, postgres.pw_gid)
    return directory


class Cluster:
    def __init__(self, directory: Path, *, port: int | None = None):
        self.directory = directory
        self.port = port or free_port()

    @property
    def log(self) -> Path:
        return self.directory.parent / f"{self.directory.name}.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        _run(
            BIN / "pg_ctl",
            "-D",
            self.directory,
            "-l",
            self.log,
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.directory.parent}",
            "start",
        )

    def stop(self) -> None:
        _run(BIN / "pg_ctl", "-D", self.directory, "-m", "fast", "-w", "stop")

    def stop_quietly(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()


def primary(root: Path) -> Cluster:
    cluster = Cluster(root / "primary")
    _run(
        BIN / "initdb",
        "-D",
        cluster.directory,
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
    )
    with (cluster.directory / "postgresql.conf").open("a") as conf:
        conf.write(
            "listen_addresses = '127.0.0.1'\n"
            "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
            "max_connections = 100\nfsync = off\nshared_buffers = 64MB\n"
        )
    cluster.start()
    return cluster


def replica_of(source: Cluster, root: Path) -> Cluster:
    """A hot standby streaming from `source`; it logs every statement it runs."""
    cluster = Cluster(root / "replica")
    _run(
        BIN / "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        source.port,
        "-U",
        "postgres",
        "-D",
        cluster.directory,
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
    )
    with (cluster.directory / "postgresql.conf").open("a") as conf:
        conf.write("log_statement = 'all'\nhot_standby_feedback = on\n")
    cluster.start()
    return cluster
