"""The production stack on loopback: nginx with the shipped configuration in front
of gunicorn processes, with the shipped gunicorn settings, on the test database.

Used by test_nginx.py and the scale-out test (test_scale_out.py).
"""

import contextlib
import datetime
import os
import shutil
import signal
import string
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.reports.escalation.servers import free_port, wait_until

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_VARIABLES = (
    "TUQUAN_HTTP_PORT",
    "TUQUAN_HTTPS_PORT",
    "TUQUAN_SERVER_NAME",
    "TUQUAN_TLS_CERTIFICATE",
    "TUQUAN_TLS_KEY",
    "TUQUAN_STATIC_ROOT",
    "TUQUAN_UPSTREAMS",
    "TUQUAN_LOG_DIR",
)


def database_url(settings_dict: dict) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'])}"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "tls.crt", directory / "tls.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def collect_static(directory: Path) -> Path:
    static_root = directory / "static"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env={**os.environ, "STATIC_ROOT": str(static_root), "DEBUG": "0"},
        check=True,
        timeout=300,
    )
    return static_root


def web_environment(*, database: str, redis_url: str, static_root: Path, **extra) -> dict:
    """The settings a production web or worker process gets from /etc/tuquan/tuquan.env."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(static_root),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "BEHIND_TLS_PROXY": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "SECURE_SSL_REDIRECT": "1",
        "LOG_FORMAT": "json",
        "CONN_MAX_AGE": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environment.update(extra)
    return environment


class Process:
    """A subprocess in a process group of its own, its output in a file."""

    def __init__(self, arguments, *, env: dict, log: Path, cwd: Path = BASE_DIR):
        self.arguments, self.env, self.log, self.cwd = arguments, env, log, cwd
        self.popen = None

    def start(self) -> "Process":
        self.popen = subprocess.Popen(
            self.arguments,
            cwd=self.cwd,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig=signal.SIGTERM, *, timeout: float = 60) -> None:
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=30)


def gunicorn(*, env: dict, log: Path, workers: int = 2) -> tuple[Process, int]:
    port = free_port()
    process = Process(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
        log=log,
    ).start()

    def answers():
        assert process.running, process.output()[-3000:]
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz/web", timeout=5).status_code
        except requests.RequestException:
            return False

    try:
        wait_until(answers, what=f"gunicorn on port {port}", timeout=60)
    except BaseException:
        process.stop()
        raise
    return process, port


class Nginx:
    """Debian's nginx with deploy/nginx/ rendered as the docs say, on free ports."""

    def __init__(self, *, directory: Path, upstream_ports: list[int], static_root: Path):
        self.directory = directory
        self.http_port, self.https_port = free_port(), free_port()
        self.certificate, key = self_signed_certificate(directory)
        self.access_log = directory / "tuquan.access.log"
        values = {
            "TUQUAN_HTTP_PORT": str(self.http_port),
            "TUQUAN_HTTPS_PORT": str(self.https_port),
            "TUQUAN_SERVER_NAME": "localhost",
            "TUQUAN_TLS_CERTIFICATE": str(self.certificate),
            "TUQUAN_TLS_KEY": str(key),
            "TUQUAN_STATIC_ROOT": str(static_root),
            "TUQUAN_UPSTREAMS": " ".join(f"server 127.0.0.1:{port};" for port in upstream_ports),
            "TUQUAN_LOG_DIR": str(directory),
        }
        template = (DEPLOY / "nginx" / "tuquan.conf.template").read_text()
        # What `envsubst '$TUQUAN_…'` does: our variables only, nginx's stay.
        site = string.Template(template).safe_substitute(values)
        assert "${TUQUAN_" not in site
        (directory / "tuquan.conf").write_text(site)
        shutil.copy(DEPLOY / "nginx" / "tuquan_proxy_params", directory)
        for temporary in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (directory / temporary).mkdir()
        # The part of Debian's /etc/nginx/nginx.conf a site relies on, under this directory.
        user = "user root;" if os.geteuid() == 0 else ""
        (directory / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/nginx.error.log info;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {directory}/default.access.log;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/tuquan.conf;
}}
"""
        )
        self.process = Process(
            [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")],
            env=dict(os.environ),
            log=directory / "nginx.out",
        )

    def start(self) -> "Nginx":
        self.process.start()

        def answers():
            assert self.process.running, (
                self.process.output() + (self.directory / "nginx.error.log").read_text()
            )
            try:
                response = self.get("/healthz/web", timeout=10)
            except requests.RequestException as error:
                failures.append(repr(error))
                return False
            failures.append(response.status_code)
            return response.status_code == 200

        failures = []
        try:
            wait_until(answers, what=lambda: f"nginx ({failures[-3:]})", timeout=60)
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def base(self) -> str:
        return f"https://localhost:{self.https_port}"

    def session(self) -> requests.Session:
        session = requests.Session()
        session.verify = str(self.certificate)
        # Neither a CA bundle nor a proxy from the environment: loopback, this certificate.
        session.trust_env = False
        return session

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session().get(self.base + path, **kwargs)

    def access_lines(self) -> list[str]:
        if not self.access_log.exists():
            return []
        return self.access_log.read_text().splitlines()

    def stop(self) -> None:
        self.process.stop(signal.SIGQUIT)


def wait_for_log_line(path: Path, text: str, timeout: float = 10) -> None:
    def found():
        return path.exists() and text in path.read_text()

    wait_until(found, what=f"{text!r} in {path.name}", timeout=timeout)
    time.sleep(0)
