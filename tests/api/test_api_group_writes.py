"""Writing a group's records through the API (groups/api/writes.py): who may change what
in the admin may change it here, with the same checks, and each write is audited."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from groups.models import (
    AuditEntry,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    PoliceContact,
    Training,
)
from reports.escalation.chain import sweep
from reports.models import Notice
from tests.api.conftest import error_fields
from tests.reports.conftest import file_report  # noqa: F401 (a fixture)
from tests.reports.escalation.conftest import chain, escalation_rules  # noqa: F401

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _post(client, path, body):
    return client.post(f"{API}/{path}/", body, content_type="application/json")


def _put(client, path, body):
    return client.put(f"{API}/{path}/", body, content_type="application/json")


# Emergency contacts and trainings: a leader's own group ---------------------------------


def test_a_leader_adds_changes_and_deletes_an_emergency_contact_of_their_group(
    client, leader_x, group_x
):
    client.force_login(leader_x)
    body = {"group": group_x.pk, "name": "Trạm y tế phường", "phone": "0203 3825 115"}

    created = _post(client, "emergency-contacts", body)

    assert created.status_code == 201, created.content
    contact = EmergencyContact.objects.get(pk=created.json()["id"])
    assert (contact.group, contact.name, contact.order) == (group_x, "Trạm y tế phường", 0)

    changed = _put(client, f"emergency-contacts/{contact.pk}", {**body, "order": 2})
    assert changed.status_code == 200, changed.content
    assert changed.json()["order"] == 2

    assert client.delete(f"{API}/emergency-contacts/{contact.pk}/").status_code == 204
    assert not EmergencyContact.objects.filter(pk=contact.pk).exists()
    assert list(
        AuditEntry.objects.filter(object_type="groups.emergencycontact")
        .order_by("pk")
        .values_list("action", "actor_id", "ward_id")
    ) == [(action, leader_x.pk, group_x.ward_id) for action in ("create", "change", "delete")]


def test_another_groups_id_is_a_field_error_and_writes_nothing(client, leader_x, group_y):
    client.force_login(leader_x)

    response = _post(
        client, "emergency-contacts", {"group": group_y.pk, "name": "X", "phone": "0912345678"}
    )

    assert response.status_code == 400
    assert error_fields(response) == ["group"]
    assert not EmergencyContact.objects.exists()
    assert not AuditEntry.objects.filter(object_type="groups.emergencycontact").exists()


@pytest.mark.parametrize("role", ["member_x", "police_a"])
def test_who_may_only_read_cannot_write(request, client, role, group_x, leader_x):
    contact = EmergencyContact.objects.create(group=group_x, name="Đội PCCC", phone="114")
    client.force_login(request.getfixturevalue(role))
    body = {"group": group_x.pk, "name": "Khác", "phone": "114"}

    assert client.get(f"{API}/emergency-contacts/{contact.pk}/").status_code == 200
    assert _post(client, "emergency-contacts", body).status_code == 403
    # Seen but not changeable: not found, as in the admin's scoped lists.
    assert _put(client, f"emergency-contacts/{contact.pk}", body).status_code == 404
    assert client.delete(f"{API}/emergency-contacts/{contact.pk}/").status_code == 404
    contact.refresh_from_db()
    assert contact.name == "Đội PCCC"


def test_a_leader_of_another_group_does_not_find_the_row(client, leader_y, group_x):
    contact = EmergencyContact.objects.create(group=group_x, name="Đội PCCC", phone="114")
    client.force_login(leader_y)

    assert client.delete(f"{API}/emergency-contacts/{contact.pk}/").status_code == 404
    assert EmergencyContact.objects.filter(pk=contact.pk).exists()


def test_a_training_is_logged_with_attendees_of_the_group_only(
    client, leader_x, member_x, leader_y, group_x
):
    client.force_login(leader_x)
    body = {
        "group": group_x.pk,
        "topic": Training.Topic.FIRE,
        "held_on": "2026-11-20",
        "attendees": [member_x.member.pk],
    }

    created = _post(client, "trainings", body)
    stranger = _post(client, "trainings", {**body, "attendees": [leader_y.member.pk]})
    too_old = _post(client, "trainings", {**body, "held_on": "0001-01-01"})

    assert created.status_code == 201, created.content
    assert created.json()["attendees"] == [member_x.member.pk]
    assert (stranger.status_code, error_fields(stranger)) == (400, ["attendees"])
    assert (too_old.status_code, error_fields(too_old)) == (400, ["held_on"])
    assert Training.objects.count() == 1


# People ------------------------------------------------------------------------------


def test_a_new_member_joins_with_their_first_membership_in_one_step(client, leader_x, group_x):
    client.force_login(leader_x)

    response = _post(
        client,
        "members",
        {
            "full_name": "Nguyễn Thị Lan",
            "phone": "0912 000 111",
            "group": group_x.pk,
            "role": Membership.Role.VOLUNTEER,
            "started": "2026-12-01",
        },
    )

    assert response.status_code == 201, response.content
    member = Member.objects.get(pk=response.json()["id"])
    membership = member.memberships.get()
    assert (membership.group, membership.started) == (group_x, datetime.date(2026, 12, 1))
    # Now one of the group's people, the leader sees and changes them.
    assert client.get(f"{API}/members/{member.pk}/").status_code == 200
    changed = _put(
        client, f"members/{member.pk}", {"full_name": "Nguyễn Thị Lan", "phone": "0912 000 222"}
    )
    assert changed.json()["phone"] == "0912 000 222"


def test_a_member_without_a_group_is_refused_and_nothing_is_kept(client, leader_x):
    client.force_login(leader_x)

    response = _post(client, "members", {"full_name": "Trần Văn B"})

    assert response.status_code == 400
    assert error_fields(response) == ["group"]
    assert not Member.objects.filter(full_name="Trần Văn B").exists()


def test_ending_a_membership_is_recorded_as_a_membership_change(client, leader_x, member_x):
    membership = member_x.member.memberships.get()
    client.force_login(leader_x)
    body = {
        "member": membership.member_id,
        "group": membership.group_id,
        "role": membership.role,
        "started": "2021-01-01",
        "ended": "2026-12-01",
    }

    before_start = _put(client, f"memberships/{membership.pk}", {**body, "ended": "2020-01-01"})
    ended = _put(client, f"memberships/{membership.pk}", body)

    assert before_start.status_code == 400
    assert ended.status_code == 200, ended.content
    membership.refresh_from_db()
    assert membership.ended == datetime.date(2026, 12, 1)
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.MEMBERSHIP_CHANGE, object_id=str(membership.pk)
    ).exists()


# Police contact lists: the province's -----------------------------------------------------


def test_only_a_province_administrator_keeps_the_police_contact_lists(
    client, province_admin, police_a, ward_a
):
    body = {"area": ward_a.pk, "name": "Thiếu tá Lê Văn C", "phone": "0913 111 222"}
    client.force_login(police_a)
    assert _post(client, "police-contacts", body).status_code == 403

    client.force_login(province_admin)
    created = _post(client, "police-contacts", {**body, "channels": ["sms", "zalo"]})
    unreachable = _post(client, "police-contacts", {**body, "phone": ""})

    assert created.status_code == 201, created.content
    assert PoliceContact.objects.get(pk=created.json()["id"]).channels == ["sms", "zalo"]
    assert unreachable.status_code == 400
    assert PoliceContact.objects.count() == 1


def _group_body(group, **changes):
    return {
        "name": group.name,
        "ward": group.ward_id,
        "unit": group.unit_id,
        "model_types": list(group.model_types.values_list("pk", flat=True)),
        "status": group.status,
        "public_contact": "",
        **changes,
    }


def test_a_leader_changes_their_group_but_creates_none(client, leader_x, group_x, group_y):
    client.force_login(leader_x)

    changed = _put(client, f"groups/{group_x.pk}", _group_body(group_x, public_contact="0912"))
    other = _put(client, f"groups/{group_y.pk}", _group_body(group_y, public_contact="0912"))
    created = _post(client, "groups", _group_body(group_x, name="Tổ mới"))

    assert changed.status_code == 200, changed.content
    assert changed.json()["public_contact"] == "0912"
    assert (other.status_code, created.status_code) == (404, 403)
    assert AuditEntry.objects.filter(
        object_type="groups.selfmanagementgroup", object_id=str(group_x.pk), action="change"
    ).exists()


def test_a_province_administrator_creates_a_group_with_the_models_rules(
    client, province_admin, group_x, group_y, unit_a1
):
    client.force_login(province_admin)

    created = _post(client, "groups", _group_body(group_x, name="Tổ tự quản TDP 2"))
    same_name = _post(client, "groups", _group_body(group_x))
    unit_elsewhere = _post(client, "groups", _group_body(group_y, name="Tổ B", unit=unit_a1.pk))

    assert created.status_code == 201, created.content
    assert created.json()["ward"] == group_x.ward_id
    assert same_name.status_code == 400
    assert (unit_elsewhere.status_code, error_fields(unit_elsewhere)) == (400, ["unit"])
    # A group that stops is marked dissolved; it is never deleted here.
    assert client.delete(f"{API}/groups/{group_x.pk}/").status_code == 405


def test_a_police_contact_that_was_notified_is_kept_with_a_409(
    client,
    province_admin,
    file_report,  # noqa: F811
    chain,  # noqa: F811
    theft,
    ward_a,
    unit_a1,
):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    sweep(now=report.due_at + datetime.timedelta(seconds=1))
    notified = Notice.objects.values_list("contact_id", flat=True).first()
    assert notified is not None
    client.force_login(province_admin)

    answer = client.delete(f"{API}/police-contacts/{notified}/")

    assert answer.status_code == 409
    assert answer.json()["code"] == "conflict"
    assert PoliceContact.objects.filter(pk=notified).exists()
    assert not AuditEntry.objects.filter(object_id=str(notified), detail__operation="delete")


# Group documents: a leader's own group, uploaded as in the admin ---------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _upload(client, path="group-documents", **fields):
    return client.post(f"{API}/{path}/", fields)  # multipart/form-data, as a form sends


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_leader_uploads_a_document_that_members_download(
    client, media, leader_x, member_x, group_x
):
    client.force_login(leader_x)

    created = _upload(
        client,
        group=group_x.pk,
        kind="conventions",
        title="Quy ước tổ",
        file=SimpleUploadedFile("Quy ước của Nguyễn Văn A.pdf", PDF),
    )

    assert created.status_code == 201, created.content
    document = GroupDocument.objects.get(pk=created.json()["id"])
    # A random name on disk: the uploaded name may carry a person's.
    assert "Nguy" not in document.file.name and document.file.name.endswith(".pdf")
    assert AuditEntry.objects.filter(object_id=str(document.pk), action="create").exists()
    client.force_login(member_x)
    download = client.get(created.json()["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("quy-uoc.pdf", b"<html><script>alert(1)</script></html>"),
        ("quy-uoc.exe", b"MZ\x90\x00"),
        ("quy-uoc.txt", b"\xff\xfe\x00\x00 not UTF-8 \xc3\x28 at all" * 10),
        ("quy-uoc", PDF),
    ],
)
def test_a_file_that_is_not_what_a_document_may_be_is_a_field_error(
    client, media, leader_x, group_x, name, content
):
    client.force_login(leader_x)

    answer = _upload(
        client,
        group=group_x.pk,
        kind="other",
        title="Tệp",
        file=SimpleUploadedFile(name, content),
    )

    assert answer.status_code == 400
    assert error_fields(answer) == ["file"]
    assert not GroupDocument.objects.exists()
    assert not list(media.rglob("*.*"))


def test_a_document_too_large_is_refused(client, media, leader_x, group_x, monkeypatch):
    monkeypatch.setattr("groups.document_files.MAX_DOCUMENT_BYTES", len(PDF) - 1)
    client.force_login(leader_x)

    answer = _upload(
        client, group=group_x.pk, kind="other", title="Tệp", file=SimpleUploadedFile("a.pdf", PDF)
    )

    assert answer.status_code == 400
    assert error_fields(answer) == ["file"]


def test_documents_go_only_to_groups_one_leads(
    client, media, leader_x, member_x, police_a, group_y
):
    body = {"kind": "other", "title": "Tệp", "body": "Nội dung"}
    client.force_login(leader_x)
    elsewhere = _upload(client, group=group_y.pk, **body)
    client.force_login(member_x)
    member = _upload(client, group=group_y.pk, **body)
    client.force_login(police_a)
    police = _upload(client, group=group_y.pk, **body)

    assert elsewhere.status_code == 400
    assert error_fields(elsewhere) == ["group"]
    assert (member.status_code, police.status_code) == (403, 403)
    assert not GroupDocument.objects.exists()


def test_a_leader_replaces_and_deletes_a_document(client, media, leader_x, group_x, group_y):
    kept = GroupDocument.objects.create(group=group_y, kind="other", title="Của tổ Y")
    document = GroupDocument.objects.create(group=group_x, kind="other", title="Cũ")
    client.force_login(leader_x)

    replaced = client.put(
        f"{API}/group-documents/{document.pk}/",
        encode_multipart(
            BOUNDARY,
            {"group": group_x.pk, "kind": "handbook", "title": "Sổ tay", "body": "Mới"},
        ),
        content_type=MULTIPART_CONTENT,
    )
    other = client.delete(f"{API}/group-documents/{kept.pk}/")
    deleted = client.delete(f"{API}/group-documents/{document.pk}/")

    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["title"] == "Sổ tay"
    assert other.status_code == 404
    assert deleted.status_code == 204
    assert list(GroupDocument.objects.all()) == [kept]
