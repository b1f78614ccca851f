"""The public directory: per commune/ward its groups, the police duty number and the
emergency numbers, without a login, and nothing about members."""

import datetime

import pytest
from django.urls import reverse

from groups.models import (
    Area,
    AreaKind,
    Member,
    Membership,
    SelfManagementGroup,
)
from groups.place_links import report_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(ward_a, group_x, leader_x, member_x):
    ward_a.police_phone = "0203 3825 111"
    ward_a.save(update_fields=["police_phone"])
    group_x.public_contact = "Tổ trưởng: 0912 000 777"
    group_x.save(update_fields=["public_contact"])
    Member.objects.filter(user=leader_x).update(phone="0988 123 456")
    return ward_a


def test_a_resident_sees_a_wards_groups_police_and_emergency_numbers_without_signing_in(
    client, published, group_x, group_y, unit_a1
):
    response = client.get(reverse("directory:ward", args=[published.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Phường Hạ Long" in page
    assert group_x.name in page and unit_a1.name in page
    assert "Tổ liên gia, 5 nhà đoàn kết" in page  # its model kind
    assert "Tổ trưởng: 0912 000 777" in page  # the contact the group made public
    assert 'href="tel:0203 3825 111"' in page  # the ward police's duty number
    for number in ("113", "114", "115"):
        assert f'href="tel:{number}"' in page
    assert group_y.name not in page  # another ward's group


def test_the_directory_shows_nothing_about_members(client, published, leader_x, member_x):
    page = client.get(reverse("directory:ward", args=[published.pk])).content.decode()

    assert "Leader X" not in page and "Member X" not in page
    assert "0988 123 456" not in page  # the leader's own phone
    assert "Tổ trưởng" in page  # only the contact the group chose to show


def test_a_group_without_a_public_contact_shows_none(client, ward_a, group_x, leader_x):
    Member.objects.filter(user=leader_x).update(phone="0988 123 456")

    page = client.get(reverse("directory:ward", args=[ward_a.pk])).content.decode()

    assert group_x.name in page
    assert "0988 123 456" not in page
    assert "Contact:" not in page


def test_dissolved_groups_are_not_listed(client, ward_a, group_x):
    group_x.status = SelfManagementGroup.Status.DISSOLVED
    group_x.dissolved_on = datetime.date(2025, 1, 1)
    group_x.save()

    page = client.get(reverse("directory:ward", args=[ward_a.pk])).content.decode()

    assert group_x.name not in page


def test_each_group_links_to_the_report_form_with_its_place(client, ward_a, group_x, unit_a1):
    page = client.get(reverse("directory:ward", args=[ward_a.pk])).content.decode()

    assert f'href="/report/new/?place={unit_a1.pk}"' in page
    assert f'href="/report/new/?place={ward_a.pk}"' in page  # the ward's own link
    assert report_path(unit_a1.pk) == f"/report/new/?place={unit_a1.pk}"


def test_the_ward_page_costs_the_same_queries_however_many_groups(
    client, ward_a, group_x, five_families, django_assert_num_queries
):
    url = reverse("directory:ward", args=[ward_a.pk])
    client.get(url)  # warm the session-less path (no queries cached across requests)
    # The ward, its groups, their model kinds.
    with django_assert_num_queries(3):
        client.get(url)
    for number in range(6):
        unit = Area.objects.add_child(
            Area.objects.get(pk=ward_a.pk),
            {"name": f"Tổ dân phố {number + 10}", "kind": AreaKind.RESIDENTIAL_GROUP},
        )
        group = SelfManagementGroup.objects.create(
            name=f"Tổ tự quản {number}", ward=ward_a, unit=unit if number % 2 else None
        )
        group.model_types.add(five_families)
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.content.decode().count("/report/new/?place=") == 8


def test_the_index_lists_communes_and_wards_in_vietnamese_order(
    client, province, ward_a, ward_b, django_assert_num_queries
):
    for name in ("Phường Hoành Bồ", "Phường Đông Mai", "Phường Bãi Cháy"):
        Area.objects.add_child(Area.objects.get(pk=province.pk), {"name": name, "kind": "ward"})

    with django_assert_num_queries(2):
        response = client.get(reverse("directory:index"))

    assert response.status_code == 200
    page = response.content.decode()
    names = ["Phường Bãi Cháy", "Phường Đông Mai", "Phường Hạ Long", "Phường Hoành Bồ"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)  # Đ after D, "Hạ Long" before "Hoành Bồ"
    assert "Xã Quảng Tân" in page


def test_the_index_counts_only_active_groups_in_vietnamese(client, ward_a, group_x, ward_b):
    SelfManagementGroup.objects.create(
        name="Tổ cũ", ward=ward_a, status="dissolved", dissolved_on=datetime.date(2024, 1, 1)
    )
    page = client.get(reverse("directory:index"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    assert "Tổ tự quản và liên hệ nơi bạn ở" in page
    assert "1 tổ" in page and "0 tổ" in page


@pytest.mark.parametrize("ward_id", ["0", "99999999", "99999999999999999999999999"])
def test_an_unknown_or_huge_ward_id_is_a_404(client, db, ward_id):
    assert client.get(f"/directory/{ward_id}/").status_code == 404


def test_a_residential_unit_or_province_is_not_a_directory_page(client, province, unit_a1):
    assert client.get(reverse("directory:ward", args=[unit_a1.pk])).status_code == 404
    assert client.get(reverse("directory:ward", args=[province.pk])).status_code == 404


def test_a_group_that_is_no_longer_current_for_a_member_changes_nothing_public(
    client, ward_a, group_x, member_x
):
    # The directory never depends on who is signed in, beyond the poster links.
    Membership.objects.filter(member__user=member_x).update(ended=datetime.date(2022, 1, 1))
    client.force_login(member_x)
    page = client.get(reverse("directory:ward", args=[ward_a.pk])).content.decode()
    assert group_x.name in page
    assert reverse("directory:group_poster", args=[group_x.pk]) not in page
