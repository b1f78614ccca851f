"""`visible_to` and `editable_by` of every group model, for every role of the cast.

Besides the shared cast (tests/conftest.py) this module adds the people whose
rules have a branch of their own:
- ``deputy_x``: deputy leader of group X; may edit X like its leader.
- ``former_member_x``: was a member of X until yesterday; sees nothing any more.
- ``inactive_leader_x``: leader of X whose account was switched off; sees nothing.
- ``member_x_leader_y``: member of X and leader of Y; sees both, edits Y only.
- ``superuser``: a technical superuser without the province role; sees everything.
"""

import datetime

import pytest
from django.utils import timezone

from groups.models import (
    Area,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    PoliceContact,
    SelfManagementGroup,
    Training,
    User,
)

GROUP_SCOPED_MODELS = [SelfManagementGroup, Membership, Training, GroupDocument, EmergencyContact]

# role: (groups the role sees, groups the role may edit)
SCOPES = {
    "province_admin": ({"x", "y"}, {"x", "y"}),
    "superuser": ({"x", "y"}, {"x", "y"}),
    "police_a": ({"x"}, set()),
    "police_b": ({"y"}, set()),
    "leader_x": ({"x"}, {"x"}),
    "deputy_x": ({"x"}, {"x"}),
    "member_x": ({"x"}, set()),
    "leader_y": ({"y"}, {"y"}),
    "member_x_leader_y": ({"x", "y"}, {"y"}),
    "former_member_x": (set(), set()),
    "inactive_leader_x": (set(), set()),
    "anonymous": (set(), set()),
}
ADMINS = {"province_admin", "superuser"}


def _join(group, username, *, started=datetime.date(2021, 1, 1), ended=None, **flags):
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username, password="pw"
    )
    member, _ = Member.objects.get_or_create(user=user, defaults={"full_name": username})
    Membership.objects.create(member=member, group=group, started=started, ended=ended, **flags)
    return user


@pytest.fixture
def deputy_x(group_x):
    return _join(group_x, "deputy_x", is_deputy=True)


@pytest.fixture
def former_member_x(group_x):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return _join(group_x, "former_member_x", ended=yesterday)


@pytest.fixture
def inactive_leader_x(group_x):
    user = _join(group_x, "inactive_leader_x", is_leader=True)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def member_x_leader_y(group_x, group_y):
    _join(group_x, "member_x_leader_y")
    return _join(group_y, "member_x_leader_y", is_leader=True)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(username="root", password="pw")


@pytest.fixture
def province_contact(province):
    return PoliceContact.objects.create(
        area=province, name="Trực ban Công an tỉnh", phone="0203000113"
    )


@pytest.fixture
def world(
    group_x,
    group_y,
    leader_x,
    member_x,
    leader_y,
    deputy_x,
    former_member_x,
    inactive_leader_x,
    member_x_leader_y,
    contact_a,
    contact_b,
    province_contact,
):
    """One record of each group-scoped kind per group, keyed by model and group."""
    records = {model: {} for model in GROUP_SCOPED_MODELS}
    for key, group in {"x": group_x, "y": group_y}.items():
        records[SelfManagementGroup][key] = {group.pk}
        records[Membership][key] = set(group.memberships.values_list("pk", flat=True))
        records[Training][key] = {
            Training.objects.create(
                group=group, topic=Training.Topic.MEDIATION, held_on=datetime.date(2024, 3, 1)
            ).pk
        }
        records[GroupDocument][key] = {
            GroupDocument.objects.create(
                group=group, kind=GroupDocument.Kind.HANDBOOK, title=f"Handbook {key}"
            ).pk
        }
        records[EmergencyContact][key] = {
            EmergencyContact.objects.create(group=group, name="Fire brigade", phone="114").pk
        }
    members = {
        key: set(Member.objects.filter(memberships__group=group).values_list("pk", flat=True))
        for key, group in {"x": group_x, "y": group_y}.items()
    }
    # Serves in no group (yet): only administrators see the person.
    orphan = Member.objects.create(full_name="Nobody's member", phone="0900000000")
    return {
        "records": records,
        "members": members,
        "all_members": {*members["x"], *members["y"], orphan.pk},
        "police_contacts": {"x": {contact_a.pk}, "y": {contact_b.pk}},
        "all_police_contacts": {contact_a.pk, contact_b.pk, province_contact.pk},
        "former_members": {"x": {former_member_x.member.pk}, "y": set()},
    }


@pytest.fixture
def cast(request, world):
    return lambda role: request.getfixturevalue(role)


def _pks(queryset):
    return set(queryset.values_list("pk", flat=True))


def _union(by_group, keys):
    return set().union(*(by_group[key] for key in keys))


@pytest.mark.parametrize("model", GROUP_SCOPED_MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("role", SCOPES)
def test_role_sees_and_edits_exactly_the_records_of_its_groups(role, model, cast, world):
    user = cast(role)
    seen, edited = SCOPES[role]
    by_group = world["records"][model]

    assert _pks(model.objects.visible_to(user)) == _union(by_group, seen)
    assert _pks(model.objects.editable_by(user)) == _union(by_group, edited)


@pytest.mark.parametrize("role", SCOPES)
def test_role_sees_and_edits_exactly_the_people_of_its_groups(role, cast, world):
    user = cast(role)
    seen, edited = SCOPES[role]

    if role in ADMINS:
        expected_seen = world["all_members"]
    elif role.startswith("police"):
        expected_seen = _union(world["members"], seen)
    else:
        # People who left are seen only by those who lead (and may edit) their group.
        expected_seen = _union(world["members"], edited) | (
            _union(world["members"], seen - edited) - _union(world["former_members"], seen - edited)
        )
    expected_edited = world["all_members"] if role in ADMINS else _union(world["members"], edited)
    assert _pks(Member.objects.visible_to(user)) == expected_seen
    assert _pks(Member.objects.editable_by(user)) == expected_edited


@pytest.mark.parametrize("role", SCOPES)
def test_role_sees_the_police_contacts_of_its_wards_and_only_admins_edit_them(role, cast, world):
    user = cast(role)
    seen, _ = SCOPES[role]

    if role in ADMINS:
        assert _pks(PoliceContact.objects.visible_to(user)) == world["all_police_contacts"]
        assert _pks(PoliceContact.objects.editable_by(user)) == world["all_police_contacts"]
    else:
        assert _pks(PoliceContact.objects.visible_to(user)) == _union(
            world["police_contacts"], seen
        )
        assert not PoliceContact.objects.editable_by(user).exists()


def test_police_of_ward_a_cannot_see_ward_b_groups_members_or_contacts(
    world, police_a, group_y, leader_y, contact_b
):
    assert group_y not in SelfManagementGroup.objects.visible_to(police_a)
    assert leader_y.member not in Member.objects.visible_to(police_a)
    assert not Membership.objects.visible_to(police_a).filter(group=group_y).exists()
    assert not EmergencyContact.objects.visible_to(police_a).filter(group=group_y).exists()
    assert contact_b not in PoliceContact.objects.visible_to(police_a)


def test_police_see_every_group_of_their_ward_without_belonging_to_it(
    world, police_a, ward_a, group_x
):
    second = SelfManagementGroup.objects.create(name="Tổ an ninh chợ Hạ Long", ward=ward_a)

    assert set(SelfManagementGroup.objects.visible_to(police_a)) == {group_x, second}


def test_police_of_a_ward_without_groups_see_none(db, province):
    quiet_ward = Area.objects.add_child(province, {"name": "Đặc khu Cô Tô", "kind": "special_zone"})
    police = User.objects.create_user(
        username="police_co_to", password="pw", role=User.Role.WARD_POLICE, police_ward=quiet_ward
    )

    assert not SelfManagementGroup.objects.visible_to(police).exists()
    assert not Member.objects.visible_to(police).exists()


def test_leader_of_x_cannot_see_members_of_y(world, leader_x, leader_y):
    assert leader_y.member not in Member.objects.visible_to(leader_x)
    assert not Membership.objects.visible_to(leader_x).filter(member=leader_y.member).exists()
    assert leader_y.member not in Member.objects.editable_by(leader_x)


@pytest.mark.parametrize(
    "model", [*GROUP_SCOPED_MODELS, Member, PoliceContact], ids=lambda model: model.__name__
)
def test_member_cannot_edit_anything(world, member_x, model):
    assert model.objects.visible_to(member_x).exists()
    assert not model.objects.editable_by(member_x).exists()


def test_member_sees_fellow_members_of_their_group(world, member_x, leader_x, deputy_x):
    visible = Member.objects.visible_to(member_x)

    assert {leader_x.member, deputy_x.member, member_x.member} <= set(visible)


def test_ended_membership_no_longer_grants_visibility(world, former_member_x, group_x):
    assert group_x not in SelfManagementGroup.objects.visible_to(former_member_x)
    assert not Training.objects.visible_to(former_member_x).exists()
    assert not PoliceContact.objects.visible_to(former_member_x).exists()


def test_membership_ending_today_still_grants_visibility(group_x):
    user = _join(group_x, "leaving_today", ended=timezone.localdate())

    assert group_x in SelfManagementGroup.objects.visible_to(user)


def test_membership_starting_tomorrow_grants_nothing_yet(group_x):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    user = _join(group_x, "joining_tomorrow", started=tomorrow, is_leader=True)

    assert not SelfManagementGroup.objects.visible_to(user).exists()
    assert not SelfManagementGroup.objects.editable_by(user).exists()


def test_former_leader_can_no_longer_edit_the_group(group_x):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    user = _join(group_x, "former_leader", ended=yesterday, is_leader=True)

    assert not SelfManagementGroup.objects.editable_by(user).exists()
    assert not Member.objects.editable_by(user).exists()


def test_person_in_two_groups_sees_both(world, member_x_leader_y, group_x, group_y):
    assert set(SelfManagementGroup.objects.visible_to(member_x_leader_y)) == {group_x, group_y}


def test_person_in_two_groups_edits_only_the_group_they_lead(
    world, member_x_leader_y, group_x, group_y
):
    assert list(SelfManagementGroup.objects.editable_by(member_x_leader_y)) == [group_y]
    assert not Training.objects.editable_by(member_x_leader_y).filter(group=group_x).exists()


def test_deputy_leader_may_edit_their_group(world, deputy_x, group_x):
    assert list(SelfManagementGroup.objects.editable_by(deputy_x)) == [group_x]


def test_inactive_account_sees_and_edits_nothing(world, inactive_leader_x):
    for model in [*GROUP_SCOPED_MODELS, Member, PoliceContact]:
        assert not model.objects.visible_to(inactive_leader_x).exists(), model
        assert not model.objects.editable_by(inactive_leader_x).exists(), model


@pytest.mark.parametrize("role", [User.Role.PROVINCE_ADMIN, User.Role.WARD_POLICE])
def test_inactive_staff_lose_their_scope(world, ward_a, role):
    user = User.objects.create_user(
        username="retired",
        password="pw",
        role=role,
        police_ward=ward_a if role == User.Role.WARD_POLICE else None,
        is_active=False,
    )

    assert not SelfManagementGroup.objects.visible_to(user).exists()
    assert not Member.objects.visible_to(user).exists()
    assert not PoliceContact.objects.visible_to(user).exists()


def test_plain_member_does_not_see_people_who_have_left_the_group(member_x, leader_x, group_x):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    former = _join(group_x, "moved_away", ended=yesterday)
    assert not Member.objects.visible_to(member_x).filter(user=former).exists()
    assert Member.objects.visible_to(leader_x).filter(user=former).exists()
