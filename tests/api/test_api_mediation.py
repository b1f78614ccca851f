"""The mediation API (/api/v1/mediation/): cases, sessions and outcomes within the
confidentiality rules (tests/mediation/conftest.py's cast says who reads what)."""

# The mediation fixtures are imported from tests/mediation/conftest.py and then named
# as test arguments, which ruff reads as redefinitions.
# ruff: noqa: F811

import datetime

import pytest

from mediation import lifecycle
from mediation.models import Authority, CaseEvent, MediationSession, Status
from tests.api.conftest import error_fields
from tests.mediation.cases import AGREED, GUIDANCE, SESSION, TERMS, hold_session, reload
from tests.mediation.conftest import (  # noqa: F401
    _english_messages,
    dispute,
    group_m,
    group_n,
    head_m,
    head_n,
    mediation_kind,
    mediator_m1,
    mediator_m2,
    mediator_m3,
    plain_m,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/mediation"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


# Who reads a case ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        ("head_m", True),
        ("mediator_m1", True),
        ("mediator_m3", True),
        ("plain_m", False),
        ("head_n", False),
        ("leader_x", False),
        ("police_a", False),
        ("police_b", False),
        ("province_admin", True),
    ],
)
def test_a_case_is_read_only_by_whom_the_confidentiality_rules_name(
    request, client, dispute, role, reads
):
    client.force_login(request.getfixturevalue(role))

    listed = ids(client.get(f"{API}/cases/"))
    detail = client.get(f"{API}/cases/{dispute.pk}/")
    sessions = client.get(f"{API}/sessions/?case={dispute.pk}")

    assert (dispute.pk in listed) is reads
    assert detail.status_code == (200 if reads else 404)
    assert sessions.status_code == 200
    if not reads:
        assert "Hoàng Văn Ất" not in detail.content.decode()


def test_the_ward_police_read_a_case_once_it_is_referred_to_them(
    client, dispute, head_m, police_a, police_b
):
    lifecycle.apply_action(
        case=dispute,
        action="refer",
        by=head_m,
        note="Có dấu hiệu vi phạm hành chính.",
        authority=Authority.WARD_POLICE,
    )

    client.force_login(police_a)
    assert ids(client.get(f"{API}/cases/")) == [dispute.pk]
    body = client.get(f"{API}/cases/{dispute.pk}/").json()
    assert body["status"] == Status.REFERRED
    # They read it; they do not run it.
    assert body["allowed_actions"] == []

    client.force_login(police_b)
    assert ids(client.get(f"{API}/cases/")) == []


def test_a_mediator_who_stepped_aside_loses_the_case(client, dispute, mediator_m1):
    assignment = dispute.mediators.get(member=mediator_m1.member)
    assignment.recused_on = datetime.date(2025, 3, 4)
    assignment.recusal_reason = "Họ hàng với một bên."
    assignment.save()
    client.force_login(mediator_m1)

    assert client.get(f"{API}/cases/{dispute.pk}/").status_code == 404
    assert ids(client.get(f"{API}/sessions/")) == []


def test_the_case_detail_carries_its_parties_mediators_and_moves(
    client, dispute, mediator_m1, mediator_m2
):
    client.force_login(mediator_m1)

    body = client.get(f"{API}/cases/{dispute.pk}/").json()

    assert [party["full_name"] for party in body["parties"]] == [
        "Hoàng Văn Ất",
        "Hoàng Thị Gấm",
        "Vũ Thị Bính",
    ]
    assert {row["member"] for row in body["mediators"]} == {
        mediator_m1.member.pk,
        mediator_m2.member.pk,
    }
    assert set(body["allowed_actions"]) == {"start", "refer", "withdraw"}


# Filters, ordering, queries --------------------------------------------------------


def test_cases_filter_by_status_kind_and_period(client, dispute, head_m):
    client.force_login(head_m)

    assert ids(client.get(f"{API}/cases/?status=received&kind=neighbours")) == [dispute.pk]
    assert ids(client.get(f"{API}/cases/?status=successful")) == []
    assert ids(client.get(f"{API}/cases/?received_from=2025-03-04")) == []
    assert ids(client.get(f"{API}/cases/?received_to=2025-03-03")) == [dispute.pk]


@pytest.mark.parametrize("query", ["status=lost", "received_from=3000-01-01", "group=1.5"])
def test_a_bad_case_filter_is_a_400_naming_it(client, head_m, query):
    client.force_login(head_m)

    response = client.get(f"{API}/cases/?{query}")

    assert response.status_code == 400
    assert error_fields(response) == [query.split("=")[0]]


@pytest.mark.parametrize("count", [1, 7])
def test_the_case_list_takes_the_same_queries_however_many_cases(
    client, head_m, group_m, mediator_m1, django_assert_num_queries, count
):
    from mediation.intake import open_case
    from mediation.models import DisputeKind, Origin
    from tests.mediation.cases import PARTIES, RECEIVED, SUMMARY

    for number in range(count):
        open_case(
            group=group_m,
            by=head_m,
            kind=DisputeKind.NEIGHBOURS,
            summary=SUMMARY,
            origin=Origin.PARTY_REQUEST,
            received_on=RECEIVED + datetime.timedelta(days=number),
            parties=PARTIES,
            mediators=[mediator_m1.member],
        )
    client.force_login(head_m)

    # Session, user, the count and the page (with the group).
    with django_assert_num_queries(4):
        response = client.get(f"{API}/cases/?ordering=received_on")

    rows = response.json()["results"]
    assert len(rows) == count
    assert rows[0]["received_on"] == RECEIVED.isoformat()


# Moves and outcomes ----------------------------------------------------------------


def test_a_mediator_takes_the_case_to_a_successful_outcome(client, dispute, mediator_m1):
    client.force_login(mediator_m1)
    url = f"{API}/cases/{dispute.pk}"

    started = post(client, f"{url}/actions/start/")
    session = post(
        client,
        f"{url}/sessions/",
        {
            "held_on": SESSION.isoformat(),
            "place": "Nhà văn hóa",
            "minutes": "Hai bên trình bày.",
            "parties_present": [party.pk for party in dispute.parties.all()],
            "mediators_present": [m.pk for m in dispute.mediators.all()],
        },
    )
    succeeded = post(
        client,
        f"{url}/actions/succeed/",
        {"on": AGREED.isoformat(), "agreement_terms": TERMS},
    )
    followed = post(
        client,
        f"{url}/follow-up/",
        {"kept": "yes", "on": (AGREED + datetime.timedelta(days=30)).isoformat()},
    )

    assert started.status_code == 200
    assert session.status_code == 201
    assert len(session.json()["parties_present"]) == 3
    assert succeeded.json()["status"] == Status.SUCCESSFUL
    assert succeeded.json()["agreement_terms"] == TERMS
    assert followed.json()["agreement_kept"] is True
    case = reload(dispute)
    assert (case.status, case.outcome_on, case.agreement_kept) == (Status.SUCCESSFUL, AGREED, True)
    assert case.events.filter(kind=CaseEvent.Kind.STATUS).count() == 2
    assert MediationSession.objects.filter(case=case).count() == 1


def test_a_move_the_state_does_not_allow_is_a_409(client, dispute, head_m):
    client.force_login(head_m)

    response = post(
        client,
        f"{API}/cases/{dispute.pk}/actions/succeed/",
        {"agreement_terms": TERMS, "on": AGREED.isoformat()},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "cannot become" in response.json()["message"]
    assert reload(dispute).status == Status.RECEIVED


def test_an_outcome_before_any_session_is_a_409(client, dispute, head_m):
    lifecycle.apply_action(case=dispute, action="start", by=head_m)
    client.force_login(head_m)

    response = post(
        client,
        f"{API}/cases/{dispute.pk}/actions/fail/",
        {"authority": "court", "guidance": GUIDANCE, "on": AGREED.isoformat()},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "session" in response.json()["message"]


def test_a_move_without_what_it_needs_is_a_400_naming_the_field(client, dispute, head_m):
    hold_session(dispute, by=head_m)
    client.force_login(head_m)

    response = post(client, f"{API}/cases/{dispute.pk}/actions/fail/", {"authority": "moon"})

    assert response.status_code == 400
    assert {"authority", "guidance"} <= set(error_fields(response))


def test_an_unknown_move_is_a_404(client, dispute, head_m):
    client.force_login(head_m)

    response = post(client, f"{API}/cases/{dispute.pk}/actions/fly/")

    assert response.status_code == 404


def test_a_mediator_of_the_group_not_on_the_case_reads_but_may_not_move_it(
    client, dispute, mediator_m3
):
    client.force_login(mediator_m3)

    response = post(client, f"{API}/cases/{dispute.pk}/actions/start/")
    session = post(client, f"{API}/cases/{dispute.pk}/sessions/", {"place": "x"})

    assert response.status_code == 403
    assert session.status_code == 403
    assert reload(dispute).status == Status.RECEIVED


def test_a_session_of_a_case_not_being_mediated_is_a_409(client, dispute, head_m):
    client.force_login(head_m)

    response = post(
        client,
        f"{API}/cases/{dispute.pk}/sessions/",
        {"held_on": SESSION.isoformat(), "place": "Nhà văn hóa", "minutes": "Biên bản."},
    )

    assert response.status_code == 409


def test_a_session_in_the_future_is_a_400_on_the_date(client, dispute, head_m):
    lifecycle.apply_action(case=dispute, action="start", by=head_m)
    client.force_login(head_m)

    response = post(
        client,
        f"{API}/cases/{dispute.pk}/sessions/",
        {"held_on": "2099-01-01", "place": "Nhà văn hóa", "minutes": "Biên bản."},
    )

    assert response.status_code == 400
    assert error_fields(response) == ["held_on"]


def test_a_follow_up_of_a_case_without_agreement_is_a_409(client, dispute, head_m):
    client.force_login(head_m)

    response = post(
        client, f"{API}/cases/{dispute.pk}/follow-up/", {"kept": "no", "on": "2025-04-01"}
    )

    assert response.status_code == 409


@pytest.mark.parametrize("count", [1, 4])
def test_sessions_are_listed_in_a_fixed_number_of_queries(
    client, dispute, head_m, django_assert_num_queries, count
):
    hold_session(dispute, by=head_m)
    for day in range(1, count):
        MediationSession.objects.create(
            case=dispute,
            held_on=SESSION + datetime.timedelta(days=day),
            place="Nhà văn hóa",
            minutes="Biên bản.",
        )
    client.force_login(head_m)

    # Session, user, the count, the page, parties and mediators present.
    with django_assert_num_queries(6):
        response = client.get(f"{API}/sessions/?ordering=-held_on")

    rows = response.json()["results"]
    assert len(rows) == count
    assert rows[-1]["held_on"] == SESSION.isoformat()
    assert len(rows[-1]["parties_present"]) == 3


# Outcomes in figures ---------------------------------------------------------------


def test_the_police_count_every_case_of_their_ward_and_read_none(client, dispute, police_a):
    client.force_login(police_a)

    body = client.get(f"{API}/statistics/?year={dispute.received_on.year}").json()

    assert body["total"]["received"] == 1
    assert body["per"] == "group"
    assert [row["figures"]["received"] for row in body["rows"]] == [1]
    assert "Hoàng Văn Ất" not in str(body)
    assert ids(client.get(f"{API}/cases/")) == []


def test_statistics_are_for_those_who_may_count(client, dispute, leader_x, police_b):
    client.force_login(leader_x)
    assert client.get(f"{API}/statistics/").status_code == 403

    client.force_login(police_b)
    body = client.get(f"{API}/statistics/?year={dispute.received_on.year}").json()
    assert body["total"]["received"] == 0


@pytest.mark.parametrize("query", ["year=1999", "year=²", "quarter=5"])
def test_a_bad_period_is_a_400(client, police_a, query):
    client.force_login(police_a)

    response = client.get(f"{API}/statistics/?year=2025&{query}")

    assert response.status_code == 400
    assert error_fields(response) == [query.split("=")[0]]


def test_the_ward_police_cannot_widen_their_statistics(client, police_a, province):
    client.force_login(police_a)

    response = client.get(f"{API}/statistics/?year=2025&area={province.pk}")

    assert response.status_code == 400
    assert "area" in error_fields(response)
