"""The audit trail: what is recorded, that the database refuses to change it, and
who reads it (administrators everything, ward police their ward, nobody else)."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from groups.audit import Action, record, session_hash
from groups.models import AuditEntry, Membership, PoliceContact, User
from reports.models import WebhookEndpoint, ZaloToken
from tests.accounts.signing_in import code_on, phone_of, post_password

NAME = "Nguyễn Thị Hoa"
PHONE = "0987654321"
TEXT = "Xe máy bị lấy trộm trước cửa nhà văn hóa."
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def report(file_report, theft, ward_a, unit_a1, group_x):
    return file_report(
        category=theft, ward=ward_a, unit=unit_a1, name=NAME, phone=PHONE, description=TEXT
    ).report


def _entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("pk"))


# The database refuses UPDATE and DELETE


def test_the_database_refuses_to_update_an_entry(db, police_a):
    entry = record(action=Action.SIGN_IN, actor=police_a, obj=police_a)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE groups_auditentry SET actor_username = %s WHERE id = %s",
            ["somebody_else", entry.pk],
        )

    entry.refresh_from_db()
    assert entry.actor_username == "police_a"


def test_the_database_refuses_to_delete_an_entry(db, police_a):
    entry = record(action=Action.SIGN_IN, actor=police_a, obj=police_a)

    for statement, params in [
        ("DELETE FROM groups_auditentry WHERE id = %s", [entry.pk]),
        ("DELETE FROM groups_auditentry", []),
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_orm_cannot_change_an_entry_either(db, police_a):
    entry = record(action=Action.SIGN_IN, actor=police_a, obj=police_a)

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action=Action.SIGN_OUT)
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()

    assert AuditEntry.objects.get(pk=entry.pk).action == Action.SIGN_IN


def test_deleting_a_user_keeps_their_entries(db, police_a):
    record(action=Action.SIGN_IN, actor=police_a, obj=police_a)

    police_a.delete()

    assert [e.actor_username for e in _entries(action=Action.SIGN_IN)] == ["police_a"]


# Sign-ins


def test_a_sign_in_is_recorded_with_a_hash_of_its_session(client, police_a, ward_a):
    police_a.set_password("a long enough password")
    police_a.save()
    device = phone_of(police_a)

    post_password(client, "police_a", "a long enough password")
    # The password alone signs a police officer in to nothing (docs/security.md).
    assert _entries(action=Action.SIGN_IN) == []
    response = client.post("/accounts/login/code/", {"token": code_on(device)})

    assert response.status_code == 302
    [entry] = _entries(action=Action.SIGN_IN)
    assert (entry.actor_id, entry.actor_username, entry.ward_id) == (
        police_a.pk,
        "police_a",
        ward_a.pk,
    )
    assert entry.session == session_hash(client.session.session_key)
    assert client.session.session_key not in entry.session


def test_an_administrator_resetting_a_lost_phone_is_recorded(client, superuser, police_a):
    phone_of(police_a)
    client.force_login(superuser)

    client.post(
        "/admin/groups/user/",
        {"action": "reset_second_factor", "_selected_action": [police_a.pk]},
    )

    [entry] = _entries(action=Action.SECOND_FACTOR)
    assert (entry.actor_username, entry.object_type, entry.object_id) == (
        "superuser",
        "groups.user",
        str(police_a.pk),
    )
    assert entry.detail == {"event": "second_factor_reset"}


def test_a_wrong_second_step_code_is_recorded_as_a_failed_sign_in(client, police_a):
    phone_of(police_a)
    post_password(client, "police_a")

    client.post("/accounts/login/code/", {"token": "000000"})

    [entry] = _entries(action=Action.SIGN_IN_FAILED)
    assert (entry.object_type, entry.object_id) == ("groups.user", str(police_a.pk))


def test_a_failed_sign_in_is_recorded_without_the_password(client, police_a):
    response = client.post("/accounts/login/", {"username": "police_a", "password": "guess-1"})

    assert response.status_code == 200
    [entry] = _entries(action=Action.SIGN_IN_FAILED)
    assert entry.actor_id is None
    assert entry.actor_username == "police_a"
    assert (entry.object_type, entry.object_id) == ("groups.user", str(police_a.pk))
    assert "guess-1" not in str(entry.detail)


def test_a_failed_admin_sign_in_of_an_unknown_name_is_recorded(client, db):
    # The admin's sign-in is the site's (the admin asks for the second factor too).
    client.post("/accounts/login/", {"username": "nobody", "password": "guess"})

    [entry] = _entries(action=Action.SIGN_IN_FAILED)
    assert (entry.actor_username, entry.object_type, entry.object_id) == (
        "nobody",
        "groups.user",
        "",
    )


def test_security_events_of_other_parts_are_recorded_through_record(db, province_admin, police_a):
    # The second-factor code calls record() when an administrator resets a factor.
    record(
        action=Action.SECOND_FACTOR,
        actor=province_admin,
        obj=police_a,
        detail={"event": "reset", "factor": "totp"},
    )

    [entry] = _entries(action=Action.SECOND_FACTOR)
    assert entry.ward_id == police_a.police_ward_id
    assert entry.detail == {"event": "reset", "factor": "totp"}


# Reveals, exports and downloads


def test_a_reveal_is_recorded_without_the_reporters_identity(client, police_a, report):
    client.force_login(police_a)

    response = client.post(f"/reports/{report.pk}/reveal/", {"reason": "Cần xác minh."}, **EN)

    assert response.status_code == 200
    assert NAME in response.content.decode()
    [entry] = _entries(action=Action.CONTACT_REVEAL)
    assert (entry.object_type, entry.object_id, entry.ward_id) == (
        "reports.report",
        str(report.pk),
        report.ward_id,
    )
    assert entry.session == session_hash(client.session.session_key)
    stored = repr(AuditEntry.objects.filter(pk=entry.pk).values().get())
    for secret in (NAME, PHONE, TEXT, "Cần xác minh"):
        assert secret not in stored


def test_a_refused_reveal_leaves_no_entry(client, leader_x, report):
    client.force_login(leader_x)

    client.post(f"/reports/{report.pk}/reveal/", {"reason": "tò mò"}, **EN)

    assert _entries(action=Action.CONTACT_REVEAL) == []


def test_exports_of_report_data_are_recorded(client, police_a, report):
    client.force_login(police_a)

    inbox = client.get("/reports/export.csv")
    dashboard = client.get("/dashboard/export/reports.csv")

    assert inbox.status_code == dashboard.status_code == 200
    entries = _entries(action=Action.EXPORT)
    assert [(e.detail["export"], e.ward_id, e.actor_username) for e in entries] == [
        ("inbox", police_a.police_ward_id, "police_a"),
        ("reports", police_a.police_ward_id, "police_a"),
    ]


def test_a_photo_download_is_recorded(client, police_a, report):
    from django.core.files.base import ContentFile

    from reports.models import ReportPhoto

    photo = ReportPhoto(report=report)
    photo.image.save("p.jpg", ContentFile(b"\xff\xd8\xff"), save=True)
    client.force_login(police_a)

    response = client.get(f"/reports/photos/{photo.pk}/")

    assert response.status_code == 200
    [entry] = _entries(action=Action.DOWNLOAD)
    assert (entry.object_type, entry.object_id, entry.ward_id) == (
        "reports.reportphoto",
        str(photo.pk),
        report.ward_id,
    )


def test_a_merge_is_recorded(client, police_a, file_report, theft, ward_a, unit_a1, group_x):
    first = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    second = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    client.force_login(police_a)

    response = client.post(f"/reports/{second.pk}/merge/", {"duplicate_of": first.pk}, **EN)

    assert response.status_code == 302
    [entry] = _entries(action=Action.MERGE)
    assert (entry.object_id, entry.detail, entry.ward_id) == (
        str(second.pk),
        {"into": first.pk},
        ward_a.pk,
    )


# Changes in the admin


def test_a_role_change_in_the_admin_is_recorded(client, superuser, police_a, ward_b):
    client.force_login(superuser)
    url = reverse("admin:groups_user_change", args=[police_a.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "police_a",
            "role": User.Role.WARD_POLICE,
            "police_ward": ward_b.pk,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "last_login_0": "",
            "last_login_1": "",
            "groups": [],
            "user_permissions": [],
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    [entry] = _entries(action=Action.ROLE_CHANGE)
    assert entry.actor_username == "superuser"
    assert entry.object_id == str(police_a.pk)
    assert entry.ward_id == ward_b.pk
    assert "police_ward" in entry.detail["fields"]
    assert "role" not in entry.detail["fields"]


def test_contact_list_webhook_and_zalo_token_changes_are_recorded(
    client, superuser, ward_a, contact_a
):
    # Webhook endpoints and Zalo tokens are for superusers only.
    client.force_login(superuser)

    client.post(
        reverse("admin:groups_policecontact_change", args=[contact_a.pk]),
        {
            "area": ward_a.pk,
            "name": contact_a.name,
            "phone": "0912000002",
            "order": 1,
            "active": "on",
            "channels": ["email", "sms"],
        },
    )
    client.post(
        reverse("admin:reports_webhookendpoint_add"),
        {
            "name": "Trực ban",
            "url": "https://93.184.215.14/in",  # a public address: no DNS lookup needed
            "secret": "s3cret-value",
            "area": ward_a.pk,
            "active": "on",
        },
    )
    client.post(
        reverse("admin:reports_zalotoken_add"),
        {
            "access_token": "access-value",
            "refresh_token": "refresh-value",
            "expires_at_0": "2030-01-01",
            "expires_at_1": "00:00:00",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    token = ZaloToken.objects.get()
    client.post(reverse("admin:groups_policecontact_delete", args=[contact_a.pk]), {"post": "yes"})

    got = [
        (e.action, e.object_type, e.object_id, e.ward_id)
        for e in AuditEntry.objects.exclude(action=Action.SIGN_IN).order_by("pk")
    ]
    assert got == [
        (Action.CHANGE, "groups.policecontact", str(contact_a.pk), ward_a.pk),
        (Action.CREATE, "reports.webhookendpoint", str(endpoint.pk), ward_a.pk),
        (Action.CREATE, "reports.zalotoken", str(token.pk), None),
        (Action.DELETE, "groups.policecontact", str(contact_a.pk), ward_a.pk),
    ]
    assert not PoliceContact.objects.exists()
    stored = repr(list(AuditEntry.objects.values()))
    for secret in ("s3cret-value", "access-value", "refresh-value", "0912000002"):
        assert secret not in stored


def test_a_membership_deletion_in_the_admin_is_recorded(client, province_admin, member_x):
    membership = Membership.objects.get(member__user=member_x)
    client.force_login(province_admin)

    response = client.post(
        reverse("admin:groups_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    [entry] = _entries(action=Action.MEMBERSHIP_CHANGE)
    assert (entry.object_id, entry.ward_id, entry.detail) == (
        str(membership.pk),
        membership.group.ward_id,
        {"operation": "delete"},
    )


# Who reads the trail


@pytest.fixture
def entries_in_both_wards(police_a, police_b, province_admin):
    return [
        record(action=Action.SIGN_IN, actor=police_a, obj=police_a),
        record(action=Action.SIGN_IN, actor=police_b, obj=police_b),
        record(action=Action.EXPORT, actor=province_admin, object_type_label="reports.report"),
    ]


def test_visible_to_per_role(entries_in_both_wards, province_admin, police_a, leader_x, anonymous):
    a, b, province_wide = entries_in_both_wards

    assert set(AuditEntry.objects.visible_to(province_admin)) == {a, b, province_wide}
    assert list(AuditEntry.objects.visible_to(police_a)) == [a]
    assert list(AuditEntry.objects.visible_to(leader_x)) == []
    assert list(AuditEntry.objects.visible_to(anonymous)) == []
    assert AuditEntry.objects.editable_by(province_admin).count() == 0


def test_ward_police_read_and_download_their_wards_entries(
    client, entries_in_both_wards, police_a, police_b
):
    client.force_login(police_a)

    page = client.get("/groups/audit/", **EN)
    download = client.get("/groups/audit/export.csv?action=sign_in")

    assert page.status_code == 200
    shown = [e.pk for e in page.context["page"]]
    assert entries_in_both_wards[0].pk in shown
    assert entries_in_both_wards[1].pk not in shown
    assert entries_in_both_wards[2].pk not in shown
    assert "police_b" not in page.content.decode()
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    # The fixture's entry and this client's own sign-in, both in ward A.
    assert [(row[2], row[3]) for row in rows[1:]] == [("police_a", "sign_in")] * 2
    [export] = _entries(action=Action.EXPORT, actor_username="police_a")
    assert export.detail["rows"] == 2


def test_a_bad_filter_is_a_400_not_a_500(client, police_a):
    client.force_login(police_a)

    assert client.get("/groups/audit/?action=nonsense").status_code == 400
    assert client.get("/groups/audit/export.csv?action=nonsense").status_code == 400


@pytest.mark.parametrize("role", ["leader_x", "member_x"])
def test_leaders_and_members_may_not_read_the_trail(request, client, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get("/groups/audit/").status_code == 403
    assert client.get("/groups/audit/export.csv").status_code == 403


def test_the_admin_lists_filters_and_exports_but_never_changes(
    client, entries_in_both_wards, province_admin, ward_a
):
    client.force_login(province_admin)
    changelist = reverse("admin:groups_auditentry_changelist")
    a = entries_in_both_wards[0]

    listed = client.get(changelist, {"ward__id__exact": ward_a.pk})
    exported = client.post(
        changelist,
        {"action": "export_csv", "_selected_action": [e.pk for e in entries_in_both_wards]},
    )
    change = client.post(reverse("admin:groups_auditentry_change", args=[a.pk]), {})
    delete = client.post(reverse("admin:groups_auditentry_delete", args=[a.pk]), {"post": "yes"})

    assert listed.status_code == 200
    assert list(listed.context["cl"].result_list) == [a]
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert len(rows) == 1 + 3
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=a.pk).exists()
