"""The groups API (/api/v1/): areas, model kinds, groups, people, trainings, documents and
contacts, each scoped as the pages are (tests/conftest.py's cast)."""

import datetime

import pytest
from django.core.files.base import ContentFile

from groups.models import (
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    SelfManagementGroup,
    Training,
)
from tests.api.conftest import error_fields

pytestmark = pytest.mark.django_db

API = "/api/v1"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def cast(group_x, group_y, leader_x, member_x, leader_y, police_a, police_b, province_admin):
    return {
        "member_x": member_x,
        "leader_x": leader_x,
        "leader_y": leader_y,
        "police_a": police_a,
        "police_b": police_b,
        "province_admin": province_admin,
    }


# Groups --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("member_x", {"x"}),
        ("leader_x", {"x"}),
        ("leader_y", {"y"}),
        ("police_a", {"x"}),
        ("police_b", {"y"}),
        ("province_admin", {"x", "y"}),
    ],
)
def test_each_role_lists_the_groups_it_sees_on_the_pages(
    client, cast, group_x, group_y, role, sees
):
    client.force_login(cast[role])

    response = client.get(f"{API}/groups/")

    by_name = {"x": group_x.pk, "y": group_y.pk}
    assert set(ids(response)) == {by_name[name] for name in sees}


def test_a_group_of_another_ward_is_a_404_not_a_403(client, police_b, group_x):
    client.force_login(police_b)

    response = client.get(f"{API}/groups/{group_x.pk}/")

    assert response.status_code == 404


def test_without_a_sign_in_the_groups_api_refuses(client, group_x):
    response = client.get(f"{API}/groups/")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_groups_filter_by_ward_status_and_model_kind(
    client, province_admin, group_x, group_y, ward_a, five_families
):
    SelfManagementGroup.objects.filter(pk=group_y.pk).update(
        status=SelfManagementGroup.Status.DISSOLVED, dissolved_on=datetime.date(2025, 1, 1)
    )
    client.force_login(province_admin)

    assert ids(client.get(f"{API}/groups/?ward={ward_a.pk}")) == [group_x.pk]
    assert ids(client.get(f"{API}/groups/?status=dissolved")) == [group_y.pk]
    assert set(ids(client.get(f"{API}/groups/?model_kind={five_families.pk}"))) == {
        group_x.pk,
        group_y.pk,
    }
    assert ids(client.get(f"{API}/groups/?name=Đồng")) == [group_y.pk]


@pytest.mark.parametrize("query", ["ward=²", "ward=-1", f"ward={'9' * 25}", "status=flying"])
def test_a_malformed_filter_is_a_400_naming_the_field(client, province_admin, group_x, query):
    client.force_login(province_admin)

    response = client.get(f"{API}/groups/?{query}")

    assert response.status_code == 400
    assert set(error_fields(response)) == {query.split("=")[0]}


def test_groups_are_ordered_by_a_whitelisted_field_and_an_unknown_one_is_ignored(
    client, province_admin, group_x, group_y
):
    client.force_login(province_admin)

    by_name = ids(client.get(f"{API}/groups/?ordering=name"))
    reversed_ = ids(client.get(f"{API}/groups/?ordering=-name"))
    unknown = ids(client.get(f"{API}/groups/?ordering=notes"))

    assert by_name == list(reversed(reversed_))
    assert unknown == by_name  # the default order: by name


@pytest.mark.parametrize("count", [1, 12])
def test_the_group_list_takes_the_same_queries_for_1_or_12_groups(
    client, province_admin, ward_a, five_families, django_assert_num_queries, count
):
    for number in range(count):
        group = SelfManagementGroup.objects.create(name=f"Tổ {number}", ward=ward_a)
        group.model_types.add(five_families)
    client.force_login(province_admin)

    # Session, user, their second factor, the count, the page, the model kinds.
    with django_assert_num_queries(6):
        response = client.get(f"{API}/groups/")

    assert response.json()["count"] == count


def test_the_group_list_is_paginated_by_fifty(client, province_admin, ward_a):
    SelfManagementGroup.objects.bulk_create(
        SelfManagementGroup(name=f"Tổ {number:02}", ward=ward_a) for number in range(51)
    )
    client.force_login(province_admin)

    first = client.get(f"{API}/groups/").json()
    second = client.get(f"{API}/groups/?page=2").json()

    assert first["count"] == 51
    assert len(first["results"]) == 50
    assert [row["name"] for row in second["results"]] == ["Tổ 50"]
    assert first["next"].endswith("page=2")
    assert client.get(f"{API}/groups/?page=9").status_code == 404


# Members and memberships ----------------------------------------------------------------


@pytest.fixture
def former_member(group_x):
    member = Member.objects.create(full_name="Người Đã Rời", phone="0900000009")
    Membership.objects.create(
        member=member,
        group=group_x,
        started=datetime.date(2020, 1, 1),
        ended=datetime.date(2021, 1, 1),
    )
    return member


def test_a_member_sees_fellow_members_but_not_those_who_left(
    client, member_x, leader_x, former_member
):
    client.force_login(member_x)

    members = ids(client.get(f"{API}/members/"))
    memberships = client.get(f"{API}/memberships/").json()["results"]

    assert former_member.pk not in members
    assert {Member.objects.get(user=leader_x).pk, Member.objects.get(user=member_x).pk} <= set(
        members
    )
    assert former_member.pk not in {row["member"] for row in memberships}


def test_a_leader_keeps_the_groups_history(client, leader_x, former_member):
    client.force_login(leader_x)

    assert former_member.pk in ids(client.get(f"{API}/members/"))
    past = client.get(f"{API}/memberships/?current=false").json()["results"]
    assert [row["member"] for row in past] == [former_member.pk]


def test_police_see_the_people_of_their_ward_only(client, police_b, leader_x, leader_y):
    client.force_login(police_b)

    members = ids(client.get(f"{API}/members/"))

    assert Member.objects.get(user=leader_y).pk in members
    assert Member.objects.get(user=leader_x).pk not in members


def test_members_filter_by_group(client, province_admin, group_x, leader_x, leader_y):
    client.force_login(province_admin)

    members = ids(client.get(f"{API}/members/?group={group_x.pk}"))

    assert Member.objects.get(user=leader_x).pk in members
    assert Member.objects.get(user=leader_y).pk not in members


@pytest.mark.parametrize("count", [1, 10])
def test_the_member_list_takes_the_same_queries_for_1_or_10_members(
    client, leader_x, group_x, django_assert_num_queries, count
):
    for number in range(count):
        member = Member.objects.create(full_name=f"Người {number}")
        Membership.objects.create(member=member, group=group_x)
    client.force_login(leader_x)

    # Session, user, the count and the page.
    with django_assert_num_queries(4):
        response = client.get(f"{API}/members/")

    assert response.json()["count"] == count + 1


@pytest.mark.parametrize("count", [1, 10])
def test_the_membership_list_takes_the_same_queries_for_1_or_10(
    client, leader_x, group_x, django_assert_num_queries, count
):
    for number in range(count):
        member = Member.objects.create(full_name=f"Người {number}")
        Membership.objects.create(member=member, group=group_x)
    client.force_login(leader_x)

    with django_assert_num_queries(4):
        response = client.get(f"{API}/memberships/")

    assert response.json()["count"] == count + 1


# Trainings, documents, contacts --------------------------------------------------------


@pytest.mark.parametrize("count", [1, 8])
def test_trainings_list_their_attendees_in_a_fixed_number_of_queries(
    client, leader_x, member_x, group_x, django_assert_num_queries, count
):
    attendee = Member.objects.get(user=member_x)
    for number in range(count):
        training = Training.objects.create(
            group=group_x,
            topic=Training.Topic.FIRE,
            held_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=number),
        )
        training.attendees.add(attendee)
    client.force_login(leader_x)

    # Session, user, the count, the page and the attendees.
    with django_assert_num_queries(5):
        response = client.get(f"{API}/trainings/?topic=fire&held_from=2025-01-01")

    rows = response.json()["results"]
    assert len(rows) == count
    assert rows[0]["attendees"] == [attendee.pk]
    assert rows[0]["held_on"] > rows[-1]["held_on"] or count == 1


def test_a_training_day_outside_the_calendar_is_a_400(client, leader_x):
    client.force_login(leader_x)

    response = client.get(f"{API}/trainings/?held_from=1899-12-31")

    assert response.status_code == 400
    assert "held_from" in error_fields(response)


def test_documents_and_emergency_contacts_of_other_groups_stay_hidden(
    client, leader_y, member_x, group_x
):
    document = GroupDocument(group=group_x, kind=GroupDocument.Kind.HANDBOOK, title="Sổ tay")
    document.file.save("sotay.pdf", ContentFile(b"%PDF-1.4"), save=True)
    contact = EmergencyContact.objects.create(group=group_x, name="Đội PCCC", phone="114")

    client.force_login(leader_y)
    assert ids(client.get(f"{API}/group-documents/")) == []
    assert ids(client.get(f"{API}/emergency-contacts/")) == []

    client.force_login(member_x)
    documents = client.get(f"{API}/group-documents/").json()["results"]
    assert [row["id"] for row in documents] == [document.pk]
    assert documents[0]["download_url"] == f"/groups/documents/{document.pk}/"
    assert ids(client.get(f"{API}/emergency-contacts/?group={group_x.pk}")) == [contact.pk]


def test_police_contact_lists_are_scoped_to_the_ward(
    client, police_a, leader_y, province_admin, contact_a, contact_b
):
    client.force_login(police_a)
    assert ids(client.get(f"{API}/police-contacts/")) == [contact_a.pk]

    client.force_login(leader_y)
    assert ids(client.get(f"{API}/police-contacts/")) == [contact_b.pk]

    client.force_login(province_admin)
    assert set(ids(client.get(f"{API}/police-contacts/"))) == {contact_a.pk, contact_b.pk}


# Areas and model kinds: public reference data ------------------------------------------


def test_areas_are_listed_for_anyone_with_their_parent(
    client, province, ward_a, ward_b, unit_a1, django_assert_num_queries
):
    # The parent asked for, the count, the page and the page's parents.
    with django_assert_num_queries(4):
        response = client.get(f"{API}/areas/?parent={ward_a.pk}")

    assert [(row["id"], row["parent"]) for row in response.json()["results"]] == [
        (unit_a1.pk, ward_a.pk)
    ]
    communes = client.get(f"{API}/areas/?depth=2&ordering=name").json()["results"]
    assert {row["id"] for row in communes} == {ward_a.pk, ward_b.pk}
    assert client.get(f"{API}/areas/{ward_a.pk}/").json()["parent"] == province.pk
    assert client.get(f"{API}/areas/?depth=7").status_code == 400


def test_model_kinds_are_listed_for_anyone(client, five_families):
    response = client.get(f"{API}/model-kinds/?is_mediation=false")

    assert five_families.pk in ids(response)
