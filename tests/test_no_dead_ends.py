"""Issue 15, items 5 and 6 over HTTP: where each role lands after signing in, links
only to pages the role may open, our own Vietnamese error pages, the admin's way to
the dashboard and its Vietnamese names, and a favicon."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import translation

from groups.django_strings import DJANGO_STRINGS
from tests.accounts.signing_in import post_password

VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}
OUR_APPS = ("groups", "reports", "patrols", "mediation", "dashboard")


def _get(client, user, path):
    client.force_login(user)
    return client.get(path, **VI)


# Landing


def test_a_leader_lands_on_their_inbox_after_signing_in(client, leader_x):
    response = post_password(client, "leader_x", **VI)
    assert response.status_code == 302
    response = client.get(response["Location"], **VI)
    assert response.status_code == 302
    assert response["Location"] == "/reports/"
    assert client.get("/reports/", **VI).status_code == 200


@pytest.mark.parametrize(
    ("who", "place"),
    [("member_x", "/groups/"), ("police_a", "/dashboard/"), ("province_admin", "/admin/")],
)
def test_the_others_land_on_their_work(client, who, place, request):
    response = _get(client, request.getfixturevalue(who), "/")
    assert response.status_code == 302
    assert response["Location"] == place


# Links per role


@pytest.mark.parametrize(
    ("who", "sees_dashboard"),
    [
        ("member_x", False),
        ("leader_x", False),
        ("police_a", True),
        ("province_admin", True),
    ],
)
def test_every_link_of_the_menu_opens_for_the_role_that_sees_it(
    client, who, sees_dashboard, request
):
    user = request.getfixturevalue(who)
    html = _get(client, user, "/groups/").content.decode()
    menu = html[html.index('<nav aria-label="') : html.index("</nav>")]
    links = set(re.findall(r'<a href="(/[^"]*)"', menu))

    assert ("/dashboard/" in links) is sees_dashboard
    for link in links:
        assert client.get(link, follow=True, **VI).status_code == 200, link


def test_police_see_no_logbook_link_on_a_groups_calendar(client, police_a, member_x, group_x):
    afterwards = f"/patrols/groups/{group_x.pk}/logs/new/"
    police_page = _get(client, police_a, f"/patrols/groups/{group_x.pk}/calendar/")
    assert police_page.status_code == 200
    assert afterwards not in police_page.content.decode()
    member_page = _get(client, member_x, f"/patrols/groups/{group_x.pk}/calendar/")
    assert afterwards in member_page.content.decode()
    assert client.get(afterwards, **VI).status_code == 200


# Error pages


def _phone_width_vietnamese(response) -> str:
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'rel="icon"' in html
    assert "Forbidden" not in html
    return html


def test_a_member_who_opens_the_dashboard_gets_our_vietnamese_403(client, member_x):
    response = _get(client, member_x, "/dashboard/")
    assert response.status_code == 403
    assert "Bạn không được mở trang này" in _phone_width_vietnamese(response)


@pytest.mark.django_db
def test_a_failed_csrf_check_gets_our_vietnamese_page():
    response = Client(enforce_csrf_checks=True).post("/report/new/", {"x": "y"}, **VI)
    assert response.status_code == 403
    assert "Không gửi được biểu mẫu" in _phone_width_vietnamese(response)


@pytest.mark.django_db
def test_an_unknown_page_gets_our_vietnamese_404_with_the_icon():
    response = Client().get("/no-such-page/", **VI)
    assert response.status_code == 404
    _phone_width_vietnamese(response)


# The admin


@pytest.mark.parametrize("who", ["province_admin", "superuser"])
def test_the_admin_links_to_the_dashboard_for_those_who_may_open_it(client, who, request):
    html = _get(client, request.getfixturevalue(who), "/admin/").content.decode()
    assert 'id="admin-dashboard-link"' in html
    assert 'href="/dashboard/"' in html
    assert client.get("/dashboard/", **VI).status_code == 200


def test_the_admin_index_names_our_models_in_vietnamese(client, superuser):
    html = _get(client, superuser, "/admin/").content.decode()
    for english in ("Report events", "Zalo tokens", "Report photos", "Delivery attempts"):
        assert english not in html
    assert "Mã Zalo" in html


def _untranslated(text) -> bool:
    with translation.override("en"):
        english = str(text)
    with translation.override("vi"):
        return str(text) == english


# django-treebeard's bookkeeping of the area tree: never in a form of the admin.
TREE_FIELDS = {"path", "depth", "numchild"}


def test_every_model_of_ours_in_the_admin_has_vietnamese_names_and_help():
    missing = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model not in admin.site._registry:
            continue
        meta = model._meta
        for name in (meta.verbose_name, meta.verbose_name_plural):
            if _untranslated(name):
                missing.append(f"{meta.label}: {name}")
        for field in meta.get_fields():
            if not field.concrete or field.primary_key or field.name in TREE_FIELDS:
                continue
            if _untranslated(field.verbose_name):
                missing.append(f"{meta.label}.{field.name}: {field.verbose_name}")
            if field.help_text and _untranslated(field.help_text):
                missing.append(f"{meta.label}.{field.name} help: {field.help_text}")
    assert not missing, missing


# The favicon


@pytest.mark.django_db
def test_favicon_ico_answers_with_our_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_pages_name_the_icon():
    html = Client().get("/", **VI).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', html)


def test_djangos_words_the_admin_shows_are_in_vietnamese():
    with translation.override("vi"):
        left = [text for text in DJANGO_STRINGS if translation.gettext(text) == text]
    assert not left, left


def test_the_mediation_statistics_link_is_shown_only_to_who_may_open_it(client, member_x, police_a):
    html = _get(client, member_x, "/mediation/").content.decode()
    assert "/mediation/statistics/" not in html
    assert client.get("/mediation/statistics/", **VI).status_code == 403
    html = _get(client, police_a, "/mediation/").content.decode()
    assert "/mediation/statistics/" in html
    assert client.get("/mediation/statistics/", **VI).status_code == 200
