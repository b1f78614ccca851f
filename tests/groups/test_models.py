"""The invariants of the group models hold in the database, and `clean()` names the field."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from groups.models import (
    Area,
    AreaKind,
    Member,
    Membership,
    PoliceContact,
    SelfManagementGroup,
    User,
)


def _refused_by_database(create):
    """Run `create` bypassing clean(); the database must refuse it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def _field_errors(instance) -> dict:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


# Areas


@pytest.mark.parametrize(
    "kind", [AreaKind.WARD, AreaKind.VILLAGE], ids=["ward_as_root", "village_as_root"]
)
def test_database_refuses_a_province_level_area_of_another_kind(db, kind):
    _refused_by_database(lambda: Area.objects.add_root({"name": "Wrong", "kind": kind}))

    assert not Area.objects.exists()


@pytest.mark.parametrize("kind", [AreaKind.PROVINCE, AreaKind.HAMLET])
def test_database_refuses_a_commune_level_area_of_another_kind(province, kind):
    _refused_by_database(lambda: Area.objects.add_child(province, {"name": "Wrong", "kind": kind}))

    assert not Area.objects.filter(name="Wrong").exists()


def test_database_refuses_a_ward_below_a_ward(ward_a):
    _refused_by_database(
        lambda: Area.objects.add_child(ward_a, {"name": "Wrong", "kind": AreaKind.WARD})
    )


def test_each_tier_accepts_its_own_kinds(province, ward_a, unit_a1):
    special_zone = Area.objects.add_child(
        province, {"name": "Đặc khu Vân Đồn", "kind": AreaKind.SPECIAL_ZONE}
    )

    assert [province.depth, ward_a.depth, unit_a1.depth, special_zone.depth] == [1, 2, 3, 2]


def test_area_clean_names_the_kind_at_the_wrong_level(province):
    area = Area(name="Wrong", kind=AreaKind.VILLAGE, depth=2, path="00010001", numchild=0)

    assert "kind" in _field_errors(area)


def test_area_code_is_unique_when_set(province):
    _refused_by_database(
        lambda: Area.objects.add_child(
            province, {"name": "Duplicate", "kind": AreaKind.WARD, "code": province.code}
        )
    )


def test_many_areas_may_have_no_code(province):
    Area.objects.add_child(province, {"name": "Phường A", "kind": AreaKind.WARD})
    Area.objects.add_child(province, {"name": "Phường B", "kind": AreaKind.WARD})

    assert Area.objects.filter(code="").count() == 2


# Users


def test_database_refuses_ward_police_without_a_ward(db):
    _refused_by_database(
        lambda: User.objects.create_user(username="police", role=User.Role.WARD_POLICE)
    )

    assert not User.objects.filter(username="police").exists()


@pytest.mark.parametrize("role", [User.Role.COMMUNITY, User.Role.PROVINCE_ADMIN])
def test_database_refuses_a_ward_for_anyone_but_ward_police(ward_a, role):
    _refused_by_database(
        lambda: User.objects.create_user(username="someone", role=role, police_ward=ward_a)
    )


def test_user_clean_requires_a_ward_for_ward_police(db):
    user = User(username="police", role=User.Role.WARD_POLICE, password="x")

    assert "police_ward" in _field_errors(user)


def test_user_clean_requires_the_police_ward_to_be_a_commune(unit_a1):
    user = User(username="police", role=User.Role.WARD_POLICE, police_ward=unit_a1, password="x")

    assert "police_ward" in _field_errors(user)


def test_user_clean_refuses_a_ward_for_a_community_user(ward_a):
    user = User(username="leader", role=User.Role.COMMUNITY, police_ward=ward_a, password="x")

    assert "police_ward" in _field_errors(user)


def test_province_admin_role_grants_every_permission_only_while_active(db):
    admin = User.objects.create_user(username="admin", role=User.Role.PROVINCE_ADMIN)
    resident = User.objects.create_user(username="resident")

    assert admin.has_perm("groups.change_selfmanagementgroup")
    assert admin.has_module_perms("groups")
    assert not resident.has_perm("groups.change_selfmanagementgroup")
    admin.is_active = False
    assert not admin.has_perm("groups.change_selfmanagementgroup")


# Groups


def test_database_refuses_two_groups_of_the_same_name_in_one_ward(group_x):
    _refused_by_database(
        lambda: SelfManagementGroup.objects.create(name=group_x.name, ward=group_x.ward)
    )

    assert SelfManagementGroup.objects.filter(name=group_x.name).count() == 1


def test_groups_of_the_same_name_may_exist_in_different_wards(group_x, ward_b):
    SelfManagementGroup.objects.create(name=group_x.name, ward=ward_b)

    assert SelfManagementGroup.objects.filter(name=group_x.name).count() == 2


def test_database_refuses_a_dissolution_date_on_an_active_group(ward_a):
    _refused_by_database(
        lambda: SelfManagementGroup.objects.create(
            name="Active", ward=ward_a, dissolved_on=datetime.date(2024, 1, 1)
        )
    )


def test_dissolved_group_keeps_its_dissolution_date(ward_a):
    group = SelfManagementGroup.objects.create(
        name="Old group",
        ward=ward_a,
        status=SelfManagementGroup.Status.DISSOLVED,
        dissolved_on=datetime.date(2024, 1, 1),
    )

    group.full_clean()
    assert SelfManagementGroup.objects.get(pk=group.pk).dissolved_on == datetime.date(2024, 1, 1)


def test_group_clean_refuses_a_unit_outside_its_ward(ward_a, unit_b1, five_families):
    group = SelfManagementGroup(name="Misplaced", ward=ward_a, unit=unit_b1)

    assert "unit" in _field_errors(group)


def test_group_clean_accepts_a_unit_inside_its_ward(group_x):
    group_x.full_clean()


def test_group_clean_names_the_dissolution_date_of_an_active_group(ward_a):
    group = SelfManagementGroup(name="Active", ward=ward_a, dissolved_on=datetime.date(2024, 1, 1))

    assert "dissolved_on" in _field_errors(group)


def test_group_form_refuses_a_residential_unit_as_the_ward(unit_a1):
    group = SelfManagementGroup(name="Wrong tier", ward=unit_a1)

    assert "ward" in _field_errors(group)


# Memberships


@pytest.fixture
def person(db):
    return Member.objects.create(full_name="Nguyễn Thị Hoa", phone="0912345678")


def test_database_refuses_two_open_memberships_of_one_person_in_one_group(group_x, person):
    Membership.objects.create(member=person, group=group_x)

    _refused_by_database(lambda: Membership.objects.create(member=person, group=group_x))

    assert Membership.objects.filter(member=person, group=group_x).count() == 1


def test_person_may_rejoin_a_group_after_leaving_it(group_x, person):
    Membership.objects.create(
        member=person,
        group=group_x,
        started=datetime.date(2020, 1, 1),
        ended=datetime.date(2021, 1, 1),
    )
    Membership.objects.create(member=person, group=group_x, started=datetime.date(2023, 1, 1))

    assert Membership.objects.filter(member=person, group=group_x).count() == 2


def test_person_may_serve_in_two_groups_at_once(group_x, group_y, person):
    Membership.objects.create(member=person, group=group_x)
    Membership.objects.create(member=person, group=group_y)

    assert person.memberships.count() == 2


def test_database_refuses_a_membership_ending_before_it_starts(group_x, person):
    _refused_by_database(
        lambda: Membership.objects.create(
            member=person,
            group=group_x,
            started=datetime.date(2024, 6, 1),
            ended=datetime.date(2024, 5, 31),
        )
    )


def test_membership_may_start_and_end_on_the_same_day(group_x, person):
    day = datetime.date(2024, 6, 1)

    Membership.objects.create(member=person, group=group_x, started=day, ended=day)

    assert Membership.objects.filter(member=person, ended=day).exists()


def test_membership_clean_names_the_end_before_the_start(group_x, person):
    membership = Membership(
        member=person,
        group=group_x,
        started=datetime.date(2024, 6, 1),
        ended=datetime.date(2024, 5, 31),
    )

    assert "ended" in _field_errors(membership)


def test_database_refuses_a_leader_who_is_also_deputy(group_x, person):
    _refused_by_database(
        lambda: Membership.objects.create(
            member=person, group=group_x, is_leader=True, is_deputy=True
        )
    )


def test_membership_clean_reports_a_leader_who_is_also_deputy(group_x, person):
    membership = Membership(member=person, group=group_x, is_leader=True, is_deputy=True)

    with pytest.raises(ValidationError):
        membership.full_clean()


# Police contacts


def test_database_refuses_a_police_contact_that_cannot_be_reached(ward_a):
    _refused_by_database(lambda: PoliceContact.objects.create(area=ward_a, name="Unreachable"))

    assert not PoliceContact.objects.exists()


@pytest.mark.parametrize(
    "channel",
    [{"phone": "0912000001"}, {"email": "an@example.test"}, {"zalo_id": "an.police"}],
    ids=["phone", "email", "zalo"],
)
def test_any_one_channel_makes_a_police_contact_reachable(ward_a, channel):
    contact = PoliceContact.objects.create(area=ward_a, name="Reachable", **channel)

    contact.full_clean()
    assert PoliceContact.objects.filter(pk=contact.pk).exists()


def test_police_contact_clean_explains_how_to_be_reachable(ward_a):
    contact = PoliceContact(area=ward_a, name="Unreachable")

    errors = _field_errors(contact)

    assert errors["__all__"] == ["Give at least a phone, an email or a Zalo id."]


def test_police_contact_clean_refuses_a_residential_unit(unit_a1):
    contact = PoliceContact(area=unit_a1, name="Too local", phone="0912000001")

    assert "area" in _field_errors(contact)


def test_province_duty_contact_is_allowed(province):
    contact = PoliceContact(area=province, name="Trực ban", phone="0203000113")

    contact.full_clean()
