"""Who runs the service (SERVICE_* settings), on every public page, and the privacy
notice and accessibility statement, in Vietnamese, without a login."""

import pytest
from django.core.checks import run_checks
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

QUANG_NINH = {
    "SERVICE_NAME": "Hòm thư tố giác an ninh trật tự Quảng Ninh",
    "SERVICE_AUTHORITY": "Công an tỉnh Quảng Ninh",
    "SERVICE_EMBLEM": "img/tuquan-logo.svg",
    "SERVICE_CONTACT": "Trực ban Công an tỉnh: 069 000 0000",
}


@pytest.fixture
def quang_ninh(settings):
    for name, value in QUANG_NINH.items():
        setattr(settings, name, value)


@pytest.fixture
def resident():
    return Client(HTTP_ACCEPT_LANGUAGE="vi")


@pytest.mark.parametrize(
    "url_name",
    ["home", "public:new", "public:track", "directory:index", "privacy", "accessibility"],
)
def test_public_pages_say_who_runs_the_service(resident, quang_ninh, url_name):
    response = resident.get(reverse(url_name))

    assert response.status_code == 200
    page = response.content.decode()
    assert "· Hòm thư tố giác an ninh trật tự Quảng Ninh</title>" in page
    assert "Công an tỉnh Quảng Ninh" in page
    assert "Trực ban Công an tỉnh: 069 000 0000" in page
    assert 'src="/static/img/tuquan-logo.svg"' in page
    for link in ("/directory/", "/privacy/", "/accessibility/"):
        assert f'href="{link}"' in page


def test_the_privacy_notice_is_in_vietnamese_and_names_the_authority(resident, quang_ninh):
    page = resident.get(reverse("privacy")).content.decode()

    assert "<h1>Thông báo về bảo vệ dữ liệu cá nhân</h1>" in page
    assert "Dịch vụ do Công an tỉnh Quảng Ninh vận hành." in page
    assert "Tố giác ẩn danh" in page


def test_the_accessibility_statement_is_in_vietnamese(resident, quang_ninh):
    page = resident.get(reverse("accessibility")).content.decode()

    assert "<h1>Tuyên bố về khả năng tiếp cận</h1>" in page
    assert "WCAG" in page
    assert "Trực ban Công an tỉnh: 069 000 0000" in page  # where to tell us


def test_without_settings_the_generic_name_and_no_emblem(resident, settings):
    settings.SERVICE_NAME = settings.SERVICE_AUTHORITY = ""
    settings.SERVICE_EMBLEM = settings.SERVICE_CONTACT = ""

    page = resident.get(reverse("home")).content.decode()

    assert "· Tự quản về an ninh trật tự</title>" in page
    assert "<img" not in page
    assert (
        "Hãy hỏi công an xã hoặc phường của bạn."
        in resident.get(reverse("privacy")).content.decode()
    )


def test_a_missing_emblem_file_stops_the_start(settings):
    settings.SERVICE_EMBLEM = "img/no-such-emblem.svg"
    assert [error.id for error in run_checks()] == ["groups.E001"]

    settings.SERVICE_EMBLEM = "img/tuquan-logo.svg"
    assert "groups.E001" not in [error.id for error in run_checks()]
