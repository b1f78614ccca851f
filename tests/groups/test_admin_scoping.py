"""The Django admin holds staff to the same scope as the portal (`visible_to`/`editable_by`)."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.models import Permission
from django.urls import reverse

from groups.models import (
    Area,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    SelfManagementGroup,
    Training,
    User,
)

GROUP_CHANGELIST = "/admin/groups/selfmanagementgroup/"
GROUP_PERMISSIONS = ["view_selfmanagementgroup", "change_selfmanagementgroup"]
SCOPED_PERMISSIONS = [
    *GROUP_PERMISSIONS,
    "delete_selfmanagementgroup",
    "view_member",
    "view_membership",
    "add_membership",
    "change_membership",
    "view_policecontact",
    "change_policecontact",
]


def _grant(user, codenames):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="groups", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)  # a fresh object: no stale permission cache


@pytest.fixture
def staff_police_a(police_a):
    """Ward police of ward A with staff access and model permissions on group data."""
    return _grant(police_a, SCOPED_PERMISSIONS)


@pytest.fixture
def staff_leader_x(leader_x):
    """Leader of group X with staff access: may change group X, nothing of group Y."""
    return _grant(leader_x, SCOPED_PERMISSIONS)


@pytest.fixture
def records(group_x, group_y, leader_x, member_x, leader_y, contact_a, contact_b):
    """A row of every group-scoped kind, so that every changelist has something to show."""
    for group in (group_x, group_y):
        training = Training.objects.create(
            group=group, topic=Training.Topic.FIRE, held_on=datetime.date(2024, 5, 1)
        )
        training.attendees.set(Member.objects.filter(memberships__group=group))
        GroupDocument.objects.create(
            group=group, kind=GroupDocument.Kind.SCENARIO, title=f"Scenario {group.pk}"
        )
        EmergencyContact.objects.create(group=group, name="Trạm y tế", phone="0203111222")


def _change_url(obj):
    return reverse(f"admin:groups_{obj._meta.model_name}_change", args=[obj.pk])


def _group_form(group, **changes):
    """The group change form as the browser posts it, leaving the inlines untouched."""
    data = {
        "name": group.name,
        "ward": group.ward_id,
        "unit": group.unit_id or "",
        "model_types": [kind.pk for kind in group.model_types.all()],
        "founded": group.founded.isoformat() if group.founded else "",
        "status": group.status,
        "dissolved_on": "",
        "conventions": group.conventions,
        "notes": group.notes,
    }
    for prefix in ("memberships", "emergency_contacts", "documents"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_ward_police_changelist_lists_only_their_wards_groups(
    client, staff_police_a, group_x, group_y
):
    client.force_login(staff_police_a)

    response = client.get(GROUP_CHANGELIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [group_x]
    assert group_y.name not in response.content.decode()


def test_ward_police_member_changelist_lists_only_their_wards_people(
    client, staff_police_a, records, leader_x, member_x, leader_y
):
    client.force_login(staff_police_a)

    response = client.get("/admin/groups/member/")

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {leader_x.member, member_x.member}
    assert leader_y.member.full_name not in response.content.decode()


def test_ward_police_cannot_open_another_wards_group(client, staff_police_a, group_y):
    client.force_login(staff_police_a)

    response = client.get(_change_url(group_y))

    # The admin's answer to an object outside the queryset: back to the index, no details.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert group_y.name not in client.get(response.url).content.decode()


def test_ward_police_see_their_wards_group_read_only(client, staff_police_a, group_x):
    client.force_login(staff_police_a)

    response = client.get(_change_url(group_x))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_ward_police_cannot_change_their_wards_group(client, staff_police_a, group_x):
    client.force_login(staff_police_a)

    response = client.post(_change_url(group_x), _group_form(group_x, name="Renamed by police"))

    assert response.status_code == 403
    group_x.refresh_from_db()
    assert group_x.name == "Tổ tự quản TDP 1"


def test_ward_police_cannot_delete_their_wards_group(client, staff_police_a, group_x):
    client.force_login(staff_police_a)

    response = client.post(
        reverse("admin:groups_selfmanagementgroup_delete", args=[group_x.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert SelfManagementGroup.objects.filter(pk=group_x.pk).exists()


def test_ward_police_cannot_change_police_contacts_from_the_changelist(
    client, staff_police_a, contact_a
):
    # list_editable saves rows without asking has_change_permission for each object.
    client.force_login(staff_police_a)

    response = client.post(
        "/admin/groups/policecontact/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": contact_a.pk,
            "form-0-order": "9",
            "_save": "Save",
        },
    )

    assert response.status_code == 403
    contact_a.refresh_from_db()
    assert contact_a.order == 1
    assert contact_a.active is True


def test_leader_with_staff_access_may_change_their_own_group(client, staff_leader_x, group_x):
    client.force_login(staff_leader_x)

    response = client.post(
        _change_url(group_x), _group_form(group_x, conventions="Patrol every Friday night.")
    )

    assert response.status_code == 302
    group_x.refresh_from_db()
    assert group_x.conventions == "Patrol every Friday night."


def test_leader_with_staff_access_cannot_open_another_group(client, staff_leader_x, group_y):
    client.force_login(staff_leader_x)

    response = client.get(_change_url(group_y))

    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_leader_with_staff_access_cannot_add_a_member_to_another_group(
    client, staff_leader_x, member_x, group_y
):
    client.force_login(staff_leader_x)

    response = client.post(
        reverse("admin:groups_membership_add"),
        {"member": member_x.member.pk, "group": group_y.pk, "role": Membership.Role.VOLUNTEER},
    )

    assert response.status_code == 403
    assert not Membership.objects.filter(group=group_y, member=member_x.member).exists()


def test_leader_with_staff_access_may_add_a_member_to_their_group(client, staff_leader_x, group_x):
    newcomer = Member.objects.create(full_name="Người mới")
    client.force_login(staff_leader_x)

    response = client.post(
        reverse("admin:groups_membership_add"),
        {"member": newcomer.pk, "group": group_x.pk, "role": Membership.Role.VOLUNTEER},
    )

    assert response.status_code == 302
    assert Membership.objects.filter(group=group_x, member=newcomer).exists()


@pytest.mark.parametrize("who", ["province_admin", "superuser"])
def test_province_admin_and_superuser_see_every_group(request, client, who, group_x, group_y):
    if who == "superuser":
        user = User.objects.create_superuser(username="root", password="pw")
    else:
        user = request.getfixturevalue("province_admin")
    client.force_login(user)

    response = client.get(GROUP_CHANGELIST)

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {group_x, group_y}


def test_province_admin_may_change_any_group(client, province_admin, group_y):
    client.force_login(province_admin)

    response = client.post(_change_url(group_y), _group_form(group_y, notes="Checked in May."))

    assert response.status_code == 302
    group_y.refresh_from_db()
    assert group_y.notes == "Checked in May."


REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


# Logins and secrets: for superusers only (tests/reports/escalation/test_outbound.py).
SUPERUSER_ONLY = {
    ("groups", "user"),
    ("groups", "apitoken"),
    ("reports", "webhookendpoint"),
    ("reports", "zalotoken"),
    ("reports", "open311client"),
}


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_every_admin_changelist_and_add_page_loads_for_the_province_admin(
    client, province_admin, records, app_label, model_name
):
    client.force_login(province_admin)
    if (app_label, model_name) in SUPERUSER_ONLY:
        for step in ("changelist", "add"):
            url = reverse(f"admin:{app_label}_{model_name}_{step}")
            assert client.get(url).status_code == 403
        client.force_login(
            User.objects.create_superuser(username="root", password="pw", email="root@x.test")
        )

    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))

    assert changelist.status_code == 200
    cl = changelist.context["cl"]
    assert cl.result_count == cl.model._default_manager.count()
    # Some rows enter only through their own door (a report through intake, a
    # timeline entry through the lifecycle): their admin refuses the add page.
    model_admin = admin.site._registry[cl.model]
    adds = model_admin.has_add_permission(changelist.wsgi_request)
    assert add.status_code == (200 if adds else 403)


def test_group_admin_change_page_with_inlines_loads_for_the_province_admin(
    client, province_admin, records, group_x
):
    client.force_login(province_admin)

    response = client.get(_change_url(group_x))

    assert response.status_code == 200
    assert {formset.formset.prefix for formset in response.context["inline_admin_formsets"]} == {
        "memberships",
        "emergency_contacts",
        "documents",
    }


def _autocomplete(client, field_name, term):
    return client.get(
        "/admin/autocomplete/",
        {
            "app_label": "groups",
            "model_name": "selfmanagementgroup",
            "field_name": field_name,
            "term": term,
        },
    )


def test_ward_autocomplete_offers_only_communes_and_wards(
    client, province_admin, province, ward_a, ward_b, unit_a1, unit_b1
):
    client.force_login(province_admin)

    everything = _autocomplete(client, "ward", "")
    quang = _autocomplete(client, "ward", "Quảng")  # matches the province and ward B

    assert everything.status_code == 200
    assert {row["id"] for row in everything.json()["results"]} == {str(ward_a.pk), str(ward_b.pk)}
    assert [row["text"] for row in quang.json()["results"]] == [ward_b.name]


def test_unit_autocomplete_offers_only_residential_units(
    client, province_admin, ward_a, unit_a1, unit_b1
):
    client.force_login(province_admin)

    response = _autocomplete(client, "unit", "")

    assert {row["id"] for row in response.json()["results"]} == {str(unit_a1.pk), str(unit_b1.pk)}


def test_group_add_form_uses_area_autocomplete_and_creates_the_group(
    client, province_admin, ward_b, unit_b1, five_families
):
    client.force_login(province_admin)

    page = client.get(reverse("admin:groups_selfmanagementgroup_add"))
    response = client.post(
        reverse("admin:groups_selfmanagementgroup_add"),
        {
            "name": "Câu lạc bộ thanh niên với pháp luật",
            "ward": ward_b.pk,
            "unit": unit_b1.pk,
            "model_types": [five_families.pk],
            "status": SelfManagementGroup.Status.ACTIVE,
            **{
                f"{prefix}-{count}": "0"
                for prefix in ("memberships", "emergency_contacts", "documents")
                for count in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    assert page.status_code == 200
    assert isinstance(
        page.context["adminform"].form.fields["ward"].widget.widget, AutocompleteSelect
    )
    assert 'data-ajax--url="/admin/autocomplete/"' in page.content.decode()
    assert response.status_code == 302
    group = SelfManagementGroup.objects.get(name="Câu lạc bộ thanh niên với pháp luật")
    assert (group.ward, group.unit) == (ward_b, unit_b1)


def test_group_add_form_refuses_a_residential_unit_as_the_ward(
    client, province_admin, unit_b1, five_families
):
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:groups_selfmanagementgroup_add"),
        {
            "name": "Misplaced group",
            "ward": unit_b1.pk,
            "model_types": [five_families.pk],
            "status": SelfManagementGroup.Status.ACTIVE,
            **{
                f"{prefix}-{count}": "0"
                for prefix in ("memberships", "emergency_contacts", "documents")
                for count in ("TOTAL_FORMS", "INITIAL_FORMS")
            },
        },
    )

    assert response.status_code == 200
    assert "ward" in response.context["adminform"].form.errors
    assert not SelfManagementGroup.objects.filter(name="Misplaced group").exists()


# What the admin passed from the request to the database unchecked.


@pytest.mark.parametrize("member", ["NaN", "1²", "a\x00b", "9" * 25])
def test_a_membership_form_with_a_member_that_is_no_key_shows_the_form_again(
    client, province_admin, group_x, member
):
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:groups_membership_add"),
        {"member": member, "group": group_x.pk, "role": "volunteer", "started": "2024-01-01"},
    )

    assert response.status_code == 200
    assert "member" in response.context["adminform"].form.errors


@pytest.mark.parametrize("selected", ["true", "1²", "-1", "9" * 25])
def test_an_action_on_rows_that_are_no_keys_changes_nothing(
    client, province_admin, group_x, selected
):
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:groups_selfmanagementgroup_changelist"),
        {"action": "delete_selected", "select_across": "0", "_selected_action": [selected]},
    )

    assert response.status_code in (200, 302)
    assert SelfManagementGroup.objects.filter(pk=group_x.pk).exists()


def test_an_export_with_an_unknown_filter_is_a_bad_request(client, province_admin, group_x):
    client.force_login(province_admin)

    response = client.get(
        reverse("admin:groups_membership_export"), {"select-all-toggle": "on", "format": "0"}
    )

    assert response.status_code == 400


def test_deleting_a_province_whose_wards_hold_groups_names_what_protects_it(
    client, province_admin, province, group_x
):
    # The tree is a path, not a foreign key: the admin did not see the groups of the
    # wards below, and the delete raised.
    client.force_login(province_admin)

    response = client.post(reverse("admin:groups_area_delete", args=[province.pk]), {"post": "yes"})

    assert response.status_code == 200
    assert response.context["protected"]
    assert Area.objects.filter(pk=province.pk).exists()


@pytest.mark.parametrize("started", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_a_membership_starting_out_of_range_is_refused_in_the_admin(
    client, province_admin, group_x, member_x, started
):
    client.force_login(province_admin)
    member = Member.objects.get(user=member_x)

    response = client.post(
        reverse("admin:groups_membership_add"),
        {"member": member.pk, "group": group_x.pk, "role": "volunteer", "started": started},
    )

    assert response.status_code == 200
    assert "started" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(started=datetime.date.fromisoformat(started)).exists()
