"""Tip-box posters: one A4 page per group or commune/ward, with a QR code that opens
the report form with the place chosen; leaders print their group's, administrators
and the ward's police a whole ward's."""

import io

import pytest
import zxingcpp
from django.urls import reverse
from pypdf import PdfReader

from groups.models import Area, SelfManagementGroup
from groups.poster_views import MAX_WARDS_PER_PDF
from groups.posters import qr_code

pytestmark = pytest.mark.django_db

A4 = (595, 842)  # points, rounded


def _pages(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content)).pages


def _qr_texts(page) -> list[str]:
    return [result.text for image in page.images for result in zxingcpp.read_barcodes(image.image)]


def test_a_leader_prints_the_poster_of_their_group(client, settings, group_x, leader_x, unit_a1):
    settings.SITE_URL = "https://tuquan.example.gov.vn"
    settings.SERVICE_AUTHORITY = "Công an tỉnh Quảng Ninh"
    group_x.public_contact = "Tổ trưởng: 0912 000 777"
    group_x.save(update_fields=["public_contact"])
    group_x.ward.police_phone = "0203 3825 111"
    group_x.ward.save(update_fields=["police_phone"])
    client.force_login(leader_x)

    pages = _pages(client.get(reverse("directory:group_poster", args=[group_x.pk])))

    assert len(pages) == 1
    assert tuple(round(value) for value in pages[0].mediabox[2:]) == A4
    expected = f"https://tuquan.example.gov.vn/report/new/?place={unit_a1.pk}"
    assert _qr_texts(pages[0]) == [expected]
    text = pages[0].extract_text()
    for words in (
        group_x.name,
        "CÔNG AN TỈNH QUẢNG NINH",  # the issuing authority, set in capitals
        "ẩn danh",  # one can report anonymously
        "113",
        "114",
        "115",
        "Tổ trưởng: 0912 000 777",
        "0203 3825 111",
    ):
        assert words in text, words


def test_a_member_may_print_their_groups_poster(client, group_x, member_x):
    client.force_login(member_x)
    assert len(_pages(client.get(reverse("directory:group_poster", args=[group_x.pk])))) == 1


def test_another_groups_poster_is_not_found(client, group_x, leader_y):
    client.force_login(leader_y)
    assert client.get(reverse("directory:group_poster", args=[group_x.pk])).status_code == 404


def test_posters_need_a_login(client, group_x, ward_a):
    for url in (
        reverse("directory:group_poster", args=[group_x.pk]),
        reverse("directory:ward_posters", args=[ward_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_dissolved_groups_poster_is_not_printed(client, group_x, province_admin):
    SelfManagementGroup.objects.filter(pk=group_x.pk).update(
        status="dissolved", dissolved_on="2025-01-01"
    )
    client.force_login(province_admin)
    assert client.get(reverse("directory:group_poster", args=[group_x.pk])).status_code == 404


def test_an_administrator_prints_a_whole_ward_in_one_pdf(
    client, settings, province_admin, ward_a, group_x, unit_a1, five_families
):
    settings.SITE_URL = "https://tuquan.example.gov.vn"
    whole_ward = SelfManagementGroup.objects.create(name="Tổ tự quản chợ Hạ Long", ward=ward_a)
    whole_ward.model_types.add(five_families)
    client.force_login(province_admin)

    pages = _pages(client.get(reverse("directory:ward_posters", args=[ward_a.pk])))

    # The ward's own poster, then one per active group in Vietnamese order.
    assert len(pages) == 3
    base = "https://tuquan.example.gov.vn/report/new/?place="
    assert [_qr_texts(page) for page in pages] == [
        [f"{base}{ward_a.pk}"],
        [f"{base}{ward_a.pk}"],  # the market group covers the whole ward
        [f"{base}{unit_a1.pk}"],  # Tổ tự quản TDP 1 covers its unit
    ]
    assert "Phường Hạ Long" in pages[0].extract_text()
    assert whole_ward.name in pages[1].extract_text()
    assert group_x.name in pages[2].extract_text()


def test_the_wards_police_print_their_ward_and_no_other(client, police_a, ward_a, ward_b, group_x):
    client.force_login(police_a)
    assert len(_pages(client.get(reverse("directory:ward_posters", args=[ward_a.pk])))) == 2
    assert client.get(reverse("directory:ward_posters", args=[ward_b.pk])).status_code == 403


def test_a_leader_cannot_print_a_whole_ward(client, leader_x, ward_a):
    client.force_login(leader_x)
    assert client.get(reverse("directory:ward_posters", args=[ward_a.pk])).status_code == 403


@pytest.mark.parametrize("raw", ["0", "99999999999999999999999999"])
def test_unknown_ids_are_404(client, province_admin, raw):
    client.force_login(province_admin)
    assert client.get(f"/directory/{raw}/posters.pdf").status_code == 404
    assert client.get(f"/directory/groups/{raw}/poster.pdf").status_code == 404


def test_a_wards_posters_cost_the_same_queries_however_many_groups(
    client, province_admin, ward_a, group_x, five_families, django_assert_num_queries
):
    client.force_login(province_admin)
    url = reverse("directory:ward_posters", args=[ward_a.pk])
    client.get(url)
    # Session and user, the administrator's second factor (django-otp checks it still
    # exists), the ward, its groups, their model kinds.
    with django_assert_num_queries(6):
        client.get(url)
    for number in range(3):
        SelfManagementGroup.objects.create(name=f"Tổ {number}", ward=ward_a)
    with django_assert_num_queries(6):
        assert len(_pages(client.get(url))) == 5


def test_the_qr_payload_is_the_place_link():
    assert qr_code("https://x.example/report/new/?place=7").designator.endswith("-M")


def test_the_directory_offers_the_poster_links_to_those_who_may_print(
    client, ward_a, group_x, leader_x, police_a
):
    url = reverse("directory:ward", args=[ward_a.pk])
    group_link = reverse("directory:group_poster", args=[group_x.pk])
    ward_link = reverse("directory:ward_posters", args=[ward_a.pk])

    page = client.get(url).content.decode()
    assert group_link not in page and ward_link not in page

    client.force_login(leader_x)
    page = client.get(url).content.decode()
    assert group_link in page and ward_link not in page

    client.force_login(police_a)
    page = client.get(url).content.decode()
    assert group_link in page and ward_link in page


def test_the_areas_admin_prints_the_chosen_wards_in_one_pdf(
    client, province_admin, province, ward_a, ward_b, group_x, group_y
):
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:groups_area_changelist"),
        {"action": "print_ward_posters", "_selected_action": [ward_a.pk, ward_b.pk, province.pk]},
    )

    # Each ward's poster and its group's; the province is not a ward and is skipped.
    pages = _pages(response)
    assert len(pages) == 4
    assert "Phường Hạ Long" in pages[0].extract_text()
    assert "Xã Quảng Tân" in pages[2].extract_text()


def test_the_areas_admin_refuses_too_many_wards_at_once(client, province_admin, province):
    wards = [
        Area.objects.add_child(
            Area.objects.get(pk=province.pk), {"name": f"Xã Số {n}", "kind": "commune"}
        )
        for n in range(MAX_WARDS_PER_PDF + 1)
    ]
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:groups_area_changelist"),
        {"action": "print_ward_posters", "_selected_action": [ward.pk for ward in wards]},
        follow=True,
    )

    assert response["Content-Type"].startswith("text/html")
    assert f"Choose at most {MAX_WARDS_PER_PDF} communes or wards" in response.content.decode()


def test_a_groups_poster_takes_a_fixed_number_of_queries(
    client, leader_x, group_x, django_assert_num_queries
):
    client.force_login(leader_x)
    url = reverse("directory:group_poster", args=[group_x.pk])
    # Session and user, then the group with its ward and unit, through visible_to.
    with django_assert_num_queries(3):
        response = client.get(url)
    text = _pages(response)[0].extract_text()
    assert "Công an phường Hạ Long" in text  # the ward's name inside a sentence


def test_the_admin_edits_a_wards_duty_phone_and_a_groups_public_contact(
    client, province_admin, ward_a, group_x
):
    client.force_login(province_admin)

    ward_form = client.get(reverse("admin:groups_area_change", args=[ward_a.pk]))
    group_form = client.get(reverse("admin:groups_selfmanagementgroup_change", args=[group_x.pk]))

    assert 'name="police_phone"' in ward_form.content.decode()
    assert 'name="public_contact"' in group_form.content.decode()
