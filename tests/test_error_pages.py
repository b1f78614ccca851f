"""Malformed requests get our 400/413 page, never a 500 (issue #11, item 3).

The test client builds what a form can; a raw socket against the live server
sends what no client library would (a truncated body, a charset we refuse, a
Host we do not serve, a body larger than we accept).
"""

import socket

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from config import errors

CSRF_COOKIE = "a" * 32  # well-formed: the check goes on to read the POST data


def _our_page(response) -> str:
    html = response.content.decode()
    assert 'href="/"' in html  # the way home
    assert 'name="viewport"' in html
    return html


@pytest.mark.django_db
def test_an_unknown_address_gets_our_404_page_in_vietnamese():
    response = Client(HTTP_ACCEPT_LANGUAGE="vi").get("/no-such-page/")
    assert response.status_code == 404
    html = _our_page(response)
    assert "Trang này không tồn tại" in html
    assert '<html lang="vi">' in html


@pytest.mark.django_db
def test_the_404_page_is_also_in_english():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert response.status_code == 404
    assert "This page does not exist" in _our_page(response)


@pytest.mark.django_db
def test_a_forbidden_page_gets_our_403_page(client, group_x, police_a):
    # Police watch the groups of their ward; they do not write a group's logbook.
    client.force_login(police_a)
    response = client.get(f"/patrols/groups/{group_x.pk}/logs/new/")
    assert response.status_code == 403
    assert "You may not open this page" in _our_page(response)


@pytest.mark.django_db
def test_a_post_without_the_csrf_cookie_gets_our_csrf_page():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/report/new/", {"title": "x"})
    assert response.status_code == 403
    assert "The form could not be sent" in _our_page(response)


@pytest.mark.django_db
def test_a_host_we_do_not_serve_gets_our_400_page():
    response = Client(HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400
    assert "The request could not be read" in _our_page(response)


@pytest.mark.django_db
def test_a_utf7_form_post_with_a_valid_csrf_cookie_gets_our_400_page():
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = CSRF_COOKIE
    response = browser.post(
        "/report/new/",
        data=b"title=%2BAGE-&csrfmiddlewaretoken=" + CSRF_COOKIE.encode(),
        content_type="application/x-www-form-urlencoded; charset=utf-7",
    )
    assert response.status_code == 400
    assert "The request could not be read" in _our_page(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "length"),
    [
        ("application/x-www-form-urlencoded; charset=utf-7", None),
        ("multipart/form-data; boundary=b", "999999999999"),
    ],
)
def test_with_debug_on_a_refused_body_gets_the_debug_page_not_a_crash(
    settings, content_type, length
):
    # `make run` runs with DEBUG: Django's technical error page reads the POST
    # data, and answers every SuspiciousOperation (a body too large too) with 400.
    settings.DEBUG = True
    browser = Client(raise_request_exception=False)
    browser.cookies["csrftoken"] = CSRF_COOKIE
    extra = {"CONTENT_LENGTH": length} if length else {}
    response = browser.post("/report/new/", data=b"a=b", content_type=content_type, **extra)
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_form_body_over_djangos_memory_limit_gets_our_413_page(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post(
        "/report/new/",
        data=b"title=" + b"x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "What you sent is too large" in _our_page(response)


@pytest.mark.django_db
def test_an_upload_over_the_body_limit_is_refused_before_it_is_read(settings):
    settings.MAX_REQUEST_BODY_BYTES = 5000
    response = Client().post(
        "/report/new/",
        data=b'--b\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + b"\xff" * 6000 + b"\r\n--b--\r\n",
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 413
    assert "What you sent is too large" in _our_page(response)


@pytest.mark.django_db(transaction=True)
def test_a_server_error_page_needs_neither_the_database_nor_the_request():
    # The session behind the cookie cannot be loaded: PostgreSQL refuses.
    reachable = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    browser = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="vi")
    browser.cookies["sessionid"] = "s" * 32
    try:
        response = browser.get("/")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(reachable)

    assert response.status_code == 500
    assert "Đã có lỗi ở phía chúng tôi" in _our_page(response)


def test_handler500_does_not_read_a_request_that_cannot_be_parsed():
    request = RequestFactory().post(
        "/report/new/",
        data=b"title=%2BAGE-",
        content_type="application/x-www-form-urlencoded; charset=utf-7",
        HTTP_HOST="evil.example",
    )
    response = errors.server_error(request)
    assert response.status_code == 500
    assert 'href="/"' in response.content.decode()


def test_an_error_page_that_cannot_render_falls_back_to_a_fixed_page(settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    response = errors.server_error()
    assert response.status_code == 500
    assert response.content.decode() == errors.FALLBACK


# Through a raw socket against the live server, for what the test client cannot send.


def _raw(live_server, request: bytes, *, close_after_status: bool = False) -> tuple[int, str]:
    """Send ``request`` as is and return the status and body of the answer.

    close_after_status: wait for the status line before closing our side, so
    that an answer to a body never sent proves the body was not waited for
    (Django's development server then drains what is left until we close).
    """
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        if close_after_status:
            while b"\r\n" not in received:
                chunk = sock.recv(65536)
                assert chunk, "the server closed without answering"
                received += chunk
        sock.shutdown(socket.SHUT_WR)
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body.decode("utf-8", "replace")


def _post(path: str, *, content_type: str, body: bytes, length: int | None = None) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n"
        f"Cookie: csrftoken={CSRF_COOKIE}\r\nX-CSRFToken: {CSRF_COOKIE}\r\n\r\n"
    ).encode() + body


@pytest.mark.django_db(transaction=True)
def test_live_a_host_we_do_not_serve_gets_our_400_page(live_server):
    status, body = _raw(
        live_server, b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    )
    assert status == 400
    assert "The request could not be read" in body


@pytest.mark.django_db(transaction=True)
def test_live_a_utf7_form_post_gets_our_400_page(live_server):
    status, body = _raw(
        live_server,
        _post(
            "/report/new/",
            content_type="application/x-www-form-urlencoded; charset=utf-7",
            body=b"title=%2BAGE-&csrfmiddlewaretoken=" + CSRF_COOKIE.encode(),
        ),
    )
    assert status == 400
    assert "The request could not be read" in body


@pytest.mark.django_db(transaction=True)
def test_live_a_multipart_post_in_an_unknown_charset_gets_our_400_page(live_server):
    body = b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\n+AGE-\r\n--b--\r\n'
    status, page = _raw(
        live_server,
        _post(
            "/report/new/", content_type="multipart/form-data; boundary=b; charset=utf-7", body=body
        ),
    )
    assert status == 400
    assert "The request could not be read" in page


@pytest.mark.django_db(transaction=True)
def test_live_a_truncated_multipart_body_gets_our_400_page(live_server):
    start = (
        b'--b\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + b"\xff" * 500
    )
    status, page = _raw(
        live_server,
        _post(
            "/report/new/", content_type="multipart/form-data; boundary=b", body=start, length=5000
        ),
    )
    assert status == 400
    assert "The request could not be read" in page


@pytest.mark.django_db(transaction=True)
def test_live_a_body_over_the_limit_gets_our_413_page_unread(live_server, settings):
    # Only the headers are sent: the refusal must not wait for the body.
    status, page = _raw(
        live_server,
        _post(
            "/report/new/",
            content_type="multipart/form-data; boundary=b",
            body=b"",
            length=settings.MAX_REQUEST_BODY_BYTES + 1,
        ),
        close_after_status=True,
    )
    assert status == 413
    assert "What you sent is too large" in page
