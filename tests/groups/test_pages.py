"""The portal pages: routing by role, scoped group pages, documents, sign-in, language, headers."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import get_language_info

from groups.models import GroupDocument, Member, Membership, SelfManagementGroup, Training

# Home


def test_anonymous_resident_sees_the_landing_page(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "home.html" in [template.name for template in response.templates]
    assert 'href="/accounts/login/"' in response.content.decode()


def test_province_admin_is_sent_to_the_admin(client, province_admin):
    client.force_login(province_admin)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get(response.url).status_code == 200


# Group list and detail


def _names_listed(response) -> list[str]:
    return [group.name for group in response.context["groups"]]


def test_group_list_needs_a_sign_in(client, group_x):
    response = client.get("/groups/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("province_admin", ["Tổ tự quản Đồng Mỏ", "Tổ tự quản TDP 1"]),
        ("police_a", ["Tổ tự quản TDP 1"]),
        ("police_b", ["Tổ tự quản Đồng Mỏ"]),
        ("leader_x", ["Tổ tự quản TDP 1"]),
        ("member_x", ["Tổ tự quản TDP 1"]),
        ("leader_y", ["Tổ tự quản Đồng Mỏ"]),
    ],
)
def test_group_list_shows_only_the_groups_the_user_may_see(
    request, client, group_x, group_y, role, expected
):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/groups/")

    assert response.status_code == 200
    assert sorted(_names_listed(response)) == sorted(expected)
    hidden = {group_x.name, group_y.name} - set(expected)
    assert not any(name in response.content.decode() for name in hidden)


def test_group_list_tells_a_person_without_groups(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="newcomer"))

    response = client.get("/groups/")

    assert response.status_code == 200
    assert "You do not belong to any group yet." in response.content.decode()


def test_group_detail_of_another_group_is_not_found(client, leader_x, group_y):
    client.force_login(leader_x)

    response = client.get(f"/groups/{group_y.pk}/")

    assert response.status_code == 404
    assert group_y.name not in response.content.decode()


def test_ward_police_cannot_open_a_group_of_another_ward(client, police_a, group_y):
    client.force_login(police_a)

    assert client.get(f"/groups/{group_y.pk}/").status_code == 404


@pytest.fixture
def former_member(group_x):
    member = Member.objects.create(full_name="Trần Văn Cũ")
    Membership.objects.create(
        member=member,
        group=group_x,
        started=datetime.date(2021, 1, 1),
        ended=timezone.localdate() - datetime.timedelta(days=1),
    )
    return member


@pytest.fixture
def fire_training(group_x, leader_x, member_x):
    training = Training.objects.create(
        group=group_x,
        topic=Training.Topic.FIRE,
        title="Chữa cháy cơ bản",
        held_on=datetime.date(2024, 4, 20),
        trainer="Công an phường",
    )
    training.attendees.set([leader_x.member, member_x.member])
    return training


def test_group_detail_lists_current_members_and_trainings_but_not_former_members(
    client, member_x, leader_x, former_member, fire_training, group_x
):
    client.force_login(member_x)

    response = client.get(f"/groups/{group_x.pk}/")
    page = response.content.decode()

    assert response.status_code == 200
    listed = [membership.member for membership in response.context["group"].current_memberships]
    assert set(listed) == {leader_x.member, member_x.member}
    assert "Leader X" in page
    assert "Member X" in page
    assert former_member.full_name not in page
    assert "Chữa cháy cơ bản" in page


# Documents


@pytest.fixture
def handbook(settings, tmp_path, group_x):
    settings.MEDIA_ROOT = tmp_path
    document = GroupDocument(group=group_x, kind=GroupDocument.Kind.HANDBOOK, title="Sổ tay")
    document.file.save("so-tay Nguyễn Văn A.pdf", ContentFile(b"%PDF-1.4 handbook"), save=True)
    return document


def test_document_file_name_does_not_keep_the_uploaded_name(handbook, tmp_path):
    assert "Nguyễn" not in handbook.file.name
    assert handbook.file.name.endswith(".pdf")
    assert (tmp_path / handbook.file.name).read_bytes() == b"%PDF-1.4 handbook"


def test_member_downloads_a_document_of_their_group(client, member_x, handbook):
    client.force_login(member_x)

    response = client.get(f"/groups/documents/{handbook.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 handbook"


@pytest.mark.parametrize("outsider", ["leader_y", "police_b"])
def test_document_of_another_group_is_not_found(request, client, handbook, outsider):
    client.force_login(request.getfixturevalue(outsider))

    response = client.get(f"/groups/documents/{handbook.pk}/")

    assert response.status_code == 404


def test_document_needs_a_sign_in(client, handbook):
    response = client.get(f"/groups/documents/{handbook.pk}/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_document_without_a_file_is_not_found(client, member_x, group_x):
    text_only = GroupDocument.objects.create(
        group=group_x, kind=GroupDocument.Kind.CONVENTIONS, title="Quy ước", body="…"
    )
    client.force_login(member_x)

    assert client.get(f"/groups/documents/{text_only.pk}/").status_code == 404


# Signing in and out


def test_sign_in_with_the_right_password_starts_a_session(client, member_x):
    response = client.post("/accounts/login/", {"username": "member_x", "password": "pw"})

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(member_x.pk)
    assert client.get("/").url == "/groups/"


def test_sign_in_with_a_wrong_password_is_refused(client, member_x):
    response = client.post("/accounts/login/", {"username": "member_x", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, member_x):
    client.force_login(member_x)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/"
    assert "_auth_user_id" not in client.session
    assert client.get("/groups/").status_code == 302


# Language


def test_language_switcher_switches_to_english(client, db):
    before = client.get("/").content.decode()

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    after = client.get("/").content.decode()

    assert 'lang="vi"' in before
    assert switched.status_code == 302
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in after
    assert "Sign in" in after
    # The switcher now offers the way back, in that language's own name.
    assert 'value="vi"' in after
    assert get_language_info("vi")["name_local"] in after


# Security headers


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/groups/"])
def test_pages_send_a_strict_content_security_policy(client, member_x, path):
    client.force_login(member_x)

    response = client.get(path, follow=True)
    policy = _directives(response["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_need_no_inline_script(client, db, path):
    page = client.get(path).content.decode()

    # Under the policy above an inline script would not run.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+=", page)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/healthz"])
def test_pages_refuse_framing_and_limit_the_referrer(client, db, path):
    response = client.get(path)

    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


# Query counts


def _more_groups(ward, count, five_families):
    for number in range(count):
        group = SelfManagementGroup.objects.create(name=f"Tổ an ninh {number}", ward=ward)
        group.model_types.add(five_families)


# session, user, the second factor the police session passed (django-otp checks
# it still exists: a reset ends the session at once), groups, their model kinds
GROUP_LIST_QUERIES = 5


@pytest.mark.parametrize("extra_groups", [0, 4], ids=["1_group", "5_groups"])
def test_group_list_query_count_does_not_grow_with_the_groups(
    client, police_a, group_x, ward_a, five_families, extra_groups, django_assert_num_queries
):
    _more_groups(ward_a, extra_groups, five_families)
    client.force_login(police_a)

    with django_assert_num_queries(GROUP_LIST_QUERIES):
        response = client.get("/groups/")

    assert len(response.context["groups"]) == 1 + extra_groups


# session, user, group, model kinds, emergency contacts, documents, memberships,
# trainings, their attendees
GROUP_DETAIL_QUERIES = 9


@pytest.mark.parametrize("extra", [0, 3], ids=["small_group", "larger_group"])
def test_group_detail_query_count_does_not_grow_with_the_group(
    client, member_x, leader_x, fire_training, group_x, extra, django_assert_num_queries
):
    for number in range(extra):
        person = Member.objects.create(full_name=f"Thành viên {number}")
        Membership.objects.create(member=person, group=group_x)
        training = Training.objects.create(
            group=group_x,
            topic=Training.Topic.INCIDENTS,
            held_on=datetime.date(2024, 1, number + 1),
        )
        training.attendees.add(person)
        GroupDocument.objects.create(group=group_x, kind="other", title=f"Tài liệu {number}")
    client.force_login(member_x)

    with django_assert_num_queries(GROUP_DETAIL_QUERIES):
        response = client.get(f"/groups/{group_x.pk}/")

    assert len(response.context["group"].current_memberships) == 2 + extra
