"""The mediation pages: the list and its filters, opening a case, its details and parties."""

import datetime

import pytest

from mediation.intake import open_case
from mediation.models import CaseParty, DisputeKind, MediationCase, Origin
from tests.mediation.cases import PARTIES, hold_session, succeed

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def several(group_m, head_m, mediator_m1):
    """Five received cases of group M, alternating two kinds."""
    return [
        open_case(
            group=group_m,
            by=head_m,
            kind=DisputeKind.LAND_PROPERTY if n % 2 else DisputeKind.CIVIL_DEBT,
            summary=f"Vụ việc số {n}",
            origin=Origin.PARTY_REQUEST,
            received_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=30 * n),
            parties=PARTIES,
            mediators=[mediator_m1.member],
        )
        for n in range(5)
    ]


def test_the_case_list_shows_the_groups_cases_in_a_fixed_number_of_queries(
    client, several, head_m, django_assert_num_queries
):
    client.force_login(head_m)
    client.get("/mediation/")  # the session and the user are cached after this
    # One more than before issue 15: whether to show the statistics link.
    with django_assert_num_queries(8):
        response = client.get("/mediation/", **EN)
    body = response.content.decode()
    assert "5 cases" in body
    assert "Open a case" in body
    assert 'href="/mediation/statistics/"' in body
    for case in several:
        assert f'href="/mediation/{case.pk}/"' in body


def test_the_case_list_filters_by_status_kind_and_period(client, several, head_m):
    succeed(several[0], by=head_m)
    client.force_login(head_m)

    def listed(query):
        body = client.get(f"/mediation/?{query}", **EN).content.decode()
        return {case.pk for case in several if f'href="/mediation/{case.pk}/"' in body}

    assert listed("status=successful") == {several[0].pk}
    assert listed("status=received") == {case.pk for case in several[1:]}
    assert listed("kind=land_property") == {several[1].pk, several[3].pk}
    # Received on 1 Jan, 31 Jan, 2 Mar, 1 Apr and 1 May.
    assert listed("received_from=2025-02-01&received_to=2025-04-30") == {
        several[2].pk,
        several[3].pk,
    }


def test_a_head_opens_a_case_with_its_parties_and_mediators(
    client, group_m, head_m, mediator_m1, mediator_m2
):
    client.force_login(head_m)
    assert client.get("/mediation/new/", **EN).status_code == 200
    data = {
        "group": group_m.pk,
        "kind": DisputeKind.MARRIAGE_FAMILY,
        "origin": Origin.PEOPLES_COMMITTEE,
        "origin_detail": "Công văn số 12/UBND",
        "received_on": "2025-04-01",
        "summary": "Mâu thuẫn vợ chồng về việc nuôi con.",
        "mediators": [mediator_m1.member.pk, mediator_m2.member.pk],
        "parties-TOTAL_FORMS": "4",
        "parties-INITIAL_FORMS": "0",
        "parties-0-side": "1",
        "parties-0-full_name": "Đinh Văn Tú",
        "parties-0-address": "Tổ dân phố 1",
        "parties-1-side": "1",
        "parties-2-side": "2",
        "parties-2-full_name": "Mai Thị Yến",
        "parties-3-side": "2",
    }
    response = client.post("/mediation/new/", data, **EN)
    case = MediationCase.objects.get()
    assert response["Location"] == f"/mediation/{case.pk}/"
    assert (case.group, case.kind, case.origin, case.received_on) == (
        group_m,
        DisputeKind.MARRIAGE_FAMILY,
        Origin.PEOPLES_COMMITTEE,
        datetime.date(2025, 4, 1),
    )
    assert list(case.parties.values_list("side", "full_name")) == [
        (1, "Đinh Văn Tú"),
        (2, "Mai Thị Yến"),
    ]
    assert set(case.mediators.values_list("member__full_name", flat=True)) == {
        "Nguyễn Thị Lan",
        "Phạm Văn Đức",
    }


def test_a_case_needs_a_person_on_each_of_two_sides(client, group_m, head_m):
    client.force_login(head_m)
    response = client.post(
        "/mediation/new/",
        {
            "group": group_m.pk,
            "kind": DisputeKind.NEIGHBOURS,
            "origin": Origin.PARTY_REQUEST,
            "received_on": "2025-04-01",
            "summary": "x",
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "0",
            "parties-0-side": "1",
            "parties-0-full_name": "Đinh Văn Tú",
            "parties-1-side": "1",
            "parties-1-full_name": "Mai Thị Yến",
        },
        **EN,
    )
    assert response.status_code == 400
    assert "Record at least one person on each of two sides." in response.content.decode()
    assert not MediationCase.objects.exists()


@pytest.mark.parametrize("who", ["plain_m", "leader_x", "police_a", "head_n"])
def test_only_the_groups_head_and_mediators_open_its_cases(client, request, group_m, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        "/mediation/new/",
        {"group": group_m.pk, "kind": "other", "origin": "party_request", "summary": "x"},
    )
    assert response.status_code in (400, 403)
    assert not MediationCase.objects.exists()


def test_parties_are_added_and_a_mistaken_one_removed(client, dispute, head_m):
    client.force_login(head_m)
    response = client.post(
        f"/mediation/{dispute.pk}/parties/",
        {"party-side": "2", "party-full_name": "Vũ Văn Cảnh", "party-phone": "0900000000"},
    )
    assert response.status_code == 302
    added = dispute.parties.get(full_name="Vũ Văn Cảnh")
    assert added.side == 2
    response = client.post(f"/mediation/{dispute.pk}/parties/{added.pk}/remove/")
    assert response.status_code == 302
    assert not CaseParty.objects.filter(pk=added.pk).exists()


def test_a_party_who_attended_a_session_stays_on_the_record(client, dispute, head_m):
    hold_session(dispute, by=head_m)
    party = dispute.parties.first()
    client.force_login(head_m)
    response = client.post(f"/mediation/{dispute.pk}/parties/{party.pk}/remove/", **EN)
    assert response.status_code == 400
    assert "attended a session" in response.content.decode()
    assert CaseParty.objects.filter(pk=party.pk).exists()


def test_the_details_change_while_the_case_is_open_and_not_after(client, dispute, head_m):
    client.force_login(head_m)
    data = {
        "kind": DisputeKind.LAND_PROPERTY,
        "origin": Origin.PARTY_REQUEST,
        "origin_detail": "",
        "received_on": "2025-03-03",
        "summary": "Tranh chấp ranh giới đất.",
    }
    assert client.post(f"/mediation/{dispute.pk}/edit/", data).status_code == 302
    dispute.refresh_from_db()
    assert (dispute.kind, dispute.summary) == (
        DisputeKind.LAND_PROPERTY,
        "Tranh chấp ranh giới đất.",
    )

    succeed(dispute, by=head_m)
    response = client.post(f"/mediation/{dispute.pk}/edit/", {**data, "summary": "Khác."}, **EN)
    assert response.status_code == 400
    dispute.refresh_from_db()
    assert dispute.summary == "Tranh chấp ranh giới đất."


def test_the_case_page_lists_sessions_mediators_documents_and_history(client, dispute, head_m):
    succeed(dispute, by=head_m)
    client.force_login(head_m)
    body = client.get(f"/mediation/{dispute.pk}/", **EN).content.decode()
    assert "Nhà văn hóa Tổ dân phố 1" in body
    assert "Nguyễn Thị Lan" in body
    assert f"/mediation/{dispute.pk}/documents/success/pdf/" in body
    assert f"/mediation/{dispute.pk}/documents/failure/" not in body
    assert "Record the follow-up" in body
    assert "from “Received” to “Being mediated”" in body


def test_the_case_page_takes_the_same_queries_however_many_sessions_and_people(
    client, dispute, head_m, mediator_m3, django_assert_max_num_queries
):
    from mediation.mediators import recuse_mediator
    from mediation.sessions import record_session

    hold_session(dispute, by=head_m)
    client.force_login(head_m)
    client.get(f"/mediation/{dispute.pk}/")
    with django_assert_max_num_queries(40) as few:
        client.get(f"/mediation/{dispute.pk}/")
    for day in (11, 12, 13):
        record_session(
            case=dispute,
            by=head_m,
            held_on=datetime.date(2025, 3, day),
            place="Nhà văn hóa",
            minutes="Tiếp tục.",
            parties_present=dispute.parties.all(),
            mediators_present=dispute.mediators.active(),
        )
    recuse_mediator(
        assignment=dispute.mediators.first(),
        by=head_m,
        reason="Có quan hệ họ hàng.",
        replacement=mediator_m3.member,
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/mediation/{dispute.pk}/")
    assert response.status_code == 200


def test_the_nav_links_the_mediation_pages(client, head_m):
    client.force_login(head_m)
    assert 'href="/mediation/"' in client.get("/mediation/", **EN).content.decode()


@pytest.mark.parametrize("received_on", ["0001-01-01", "1999-12-31"])
def test_a_case_received_before_2000_is_refused_on_opening_and_on_editing(
    client, group_m, head_m, dispute, received_on
):
    client.force_login(head_m)
    opening = client.post(
        "/mediation/new/",
        {
            "group": group_m.pk,
            "kind": DisputeKind.NEIGHBOURS,
            "origin": Origin.PARTY_REQUEST,
            "received_on": received_on,
            "summary": "x",
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "0",
            "parties-0-side": "1",
            "parties-0-full_name": "Đinh Văn Tú",
            "parties-1-side": "2",
            "parties-1-full_name": "Mai Thị Yến",
        },
    )
    editing = client.post(
        f"/mediation/{dispute.pk}/edit/",
        {
            "kind": DisputeKind.NEIGHBOURS,
            "origin": Origin.PARTY_REQUEST,
            "origin_detail": "",
            "received_on": received_on,
            "summary": "x",
        },
    )

    assert opening.status_code == 400
    assert editing.status_code == 400
    assert list(MediationCase.objects.values_list("received_on", flat=True)) == [
        dispute.received_on
    ]


def test_a_post_claiming_a_thousand_parties_builds_at_most_twenty_forms(client, group_m, head_m):
    client.force_login(head_m)

    response = client.post(
        "/mediation/new/",
        {"group": group_m.pk, "parties-TOTAL_FORMS": "1000", "parties-INITIAL_FORMS": "0"},
        **EN,
    )

    assert response.status_code == 400
    assert response.context["parties"].non_form_errors() == ["Please submit at most 20 forms."]
    assert len(response.context["parties"].forms) <= 20
    assert not MediationCase.objects.exists()
