"""deploy/nginx/ as shipped, in front of gunicorn with config/gunicorn.py, on loopback.

Debian's nginx serves TLS with a self-signed certificate, the collected static
files, refuses bodies over the upload limit, and writes no access log line for
the resident's pages.
"""

import http.client
import json
import re
import ssl

import pytest
from django.db import connections

from reports.models import Report
from tests.deploy.stack import (
    Nginx,
    collect_static,
    database_url,
    gunicorn,
    web_environment,
)
from tests.reports.escalation.servers import RedisServer

TIP = "Có người lạ hay đứng ở đầu ngõ 14 lúc nửa đêm."


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    directory = tmp_path_factory.mktemp("nginx")
    redis_server = RedisServer(directory=directory)
    redis_server.start()
    static_root = collect_static(directory)
    with django_db_blocker.unblock():
        database = database_url(connections["default"].settings_dict)
    env = web_environment(
        database=database,
        redis_url=redis_server.url,
        static_root=static_root,
        TRACK_RATE_LIMIT="2",
    )
    started = []
    try:
        web, port = gunicorn(env=env, log=directory / "gunicorn.log")
        started.append(web)
        nginx = Nginx(directory=directory, upstream_ports=[port], static_root=static_root)
        started.append(nginx)
        nginx.start()
        yield nginx, web, static_root
    finally:
        for process in reversed(started):
            process.stop()
        redis_server.stop()


def test_http_moves_to_https_and_https_serves_the_portal_with_hsts(stack):
    nginx, _web, _static = stack
    plain = nginx.session().get(
        f"http://localhost:{nginx.http_port}/report/new/", allow_redirects=False
    )
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://localhost/report/new/"

    page = nginx.get("/")
    assert page.status_code == 200
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    # TLS 1.2 or newer only.
    context = ssl.create_default_context(cafile=str(nginx.certificate))
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.minimum_version = ssl.TLSVersion.TLSv1
    old = http.client.HTTPSConnection("localhost", nginx.https_port, context=context, timeout=10)
    with pytest.raises(ssl.SSLError):
        old.request("GET", "/")
    old.close()


def test_static_files_come_from_nginx_cached_for_good(stack):
    nginx, _web, static_root = stack
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["vendor/htmx/htmx.min.js"]

    response = nginx.get(f"/static/{hashed}")

    assert response.status_code == 200
    assert response.content == (static_root / hashed).read_bytes()
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_body_over_the_upload_limit_is_refused_by_nginx_before_it_is_sent(stack):
    nginx, _web, _static = stack
    context = ssl.create_default_context(cafile=str(nginx.certificate))
    connection = http.client.HTTPSConnection(
        "localhost", nginx.https_port, context=context, timeout=10
    )
    # MAX_REQUEST_BODY_BYTES (60 MB) and one byte more; only the headers are sent.
    connection.putrequest("POST", "/report/new/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(60 * 1024 * 1024 + 1))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert b"nginx" in response.read()
    connection.close()
    assert "/report/" not in "".join(nginx.access_lines())


@pytest.mark.django_db(transaction=True)
def test_a_tip_is_saved_its_receipt_shown_and_no_line_left_in_the_access_log(stack, theft, ward_a):
    nginx, web, _static = stack
    session = nginx.session()
    form = session.get(nginx.base + "/report/new/")
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

    receipt = session.post(
        nginx.base + "/report/new/",
        data={
            "csrfmiddlewaretoken": token,
            "category": theft.pk,
            "description": TIP,
            "ward": ward_a.pk,
            "anonymous": "on",
            "website": "",
        },
        headers={"Referer": nginx.base + "/report/new/"},
    )

    assert receipt.status_code == 200, receipt.text[:2000]
    assert re.search(r"[0-9A-Z]{4}(?:-[0-9A-Z]{4}){3}", receipt.text)
    assert Report.objects.filter(description=TIP).count() == 1
    # A request outside the resident's pages is logged, without the client's address.
    assert nginx.get("/healthz/web").status_code == 200
    lines = nginx.access_lines()
    assert any('"GET /healthz/web"' in line for line in lines)
    assert not [line for line in lines if "/report" in line]
    assert not [line for line in lines if "127.0.0.1" in line]
    # gunicorn's JSON lines carry neither the tip nor the client's address.
    output = web.output()
    assert TIP not in output
    for line in output.splitlines():
        if line.startswith("{"):
            assert "127.0.0.1" not in line
            json.loads(line)


def test_forwarded_for_from_nginx_gives_the_rate_limit_an_address_clients_cannot_forge(stack):
    nginx, _web, _static = stack
    session = nginx.session()
    page = session.get(nginx.base + "/report/track/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    statuses = []
    for forged in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        response = session.post(
            nginx.base + "/report/track/",
            data={"csrfmiddlewaretoken": token, "code": "AAAA-BBBB-CCCC-DDDD", "passphrase": "x"},
            headers={"Referer": nginx.base + "/report/track/", "X-Forwarded-For": forged},
        )
        statuses.append(response.status_code)

    # TRACK_RATE_LIMIT=2 for this one client, whatever it claims to be.
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429


def test_metrics_are_not_reachable_through_nginx(stack):
    nginx, _web, _static = stack
    assert nginx.get("/metrics").status_code == 404
