"""Searching the mediation case list: summaries and places, diacritics optional,
only among the cases the user may read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mediation.intake import open_case
from mediation.models import DisputeKind, Origin
from tests.mediation.cases import PARTIES, RECEIVED


@pytest.fixture
def debt_n(group_n, head_n):
    """A case of group N in ward B: group M's people never read it."""
    return open_case(
        group=group_n,
        by=head_n,
        kind=DisputeKind.CIVIL_DEBT,
        summary="Tranh chấp khoản vay mua thuyền đánh cá.",
        origin=Origin.PARTY_REQUEST,
        received_on=RECEIVED,
        parties=PARTIES,
        mediators=[],
    )


def _another_path_dispute(group, head, mediator):
    return open_case(
        group=group,
        by=head,
        kind=DisputeKind.NEIGHBOURS,
        summary="Lối đi chung bị lấn",
        origin=Origin.PARTY_REQUEST,
        received_on=RECEIVED,
        parties=PARTIES,
        mediators=[mediator.member],
    )


def _found(client, user, query):
    client.force_login(user)
    response = client.get("/mediation/", {"q": query})
    assert response.status_code == 200
    return {case.pk for case in response.context["page"].object_list}


@pytest.mark.parametrize("query", ["loi di chung", "Lối đi chung", "LOI DI", "buc tuong"])
def test_the_summary_is_found_with_or_without_diacritics(client, dispute, debt_n, head_m, query):
    assert _found(client, head_m, query) == {dispute.pk}


def test_the_place_finds_the_cases_of_its_groups(client, dispute, debt_n, province_admin):
    assert _found(client, province_admin, "phuong ha long") == {dispute.pk}
    assert _found(client, province_admin, "xa quang tan") == {debt_n.pk}


@pytest.mark.parametrize(
    ("role", "finds_dispute", "finds_debt"),
    [
        ("province_admin", True, True),
        ("head_m", True, False),
        ("mediator_m3", True, False),
        ("plain_m", False, False),
        ("head_n", False, True),
        ("leader_x", False, False),
        ("police_a", False, False),  # not referred to the police: they may not read it
    ],
)
def test_a_search_finds_only_cases_the_user_may_read(
    request, client, dispute, debt_n, role, finds_dispute, finds_debt
):
    user = request.getfixturevalue(role)
    assert _found(client, user, "loi di chung") == ({dispute.pk} if finds_dispute else set())
    assert _found(client, user, "vay mua thuyen") == ({debt_n.pk} if finds_debt else set())


def test_the_case_list_shows_a_search_box_and_refuses_odd_input_politely(client, dispute, head_m):
    client.force_login(head_m)
    assert 'type="search"' in client.get("/mediation/").content.decode()
    for query in ("x" * 101, "\x00", "%_", "a"):
        assert client.get("/mediation/", {"q": query}).status_code == 200


def test_the_case_list_costs_the_same_queries_with_a_search(
    client, dispute, head_m, group_m, mediator_m1, django_assert_num_queries
):
    client.force_login(head_m)
    client.get("/mediation/", {"q": "loi di"})
    with CaptureQueriesContext(connection) as one:
        client.get("/mediation/", {"q": "loi di"})
    for _ in range(4):
        _another_path_dispute(group_m, head_m, mediator_m1)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/mediation/", {"q": "loi di"})
    assert len(response.context["page"].object_list) == 5


def test_a_search_with_more_matches_than_are_counted_says_so(
    client, dispute, head_m, group_m, mediator_m1, monkeypatch
):
    from groups import text_search

    monkeypatch.setattr(text_search, "MATCHES_COUNTED", 2)
    for _ in range(2):
        _another_path_dispute(group_m, head_m, mediator_m1)
    client.force_login(head_m)

    searched = client.get("/mediation/", {"q": "loi di"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert searched.context["page"].paginator.count == 2
    assert "Hơn 2 vụ việc" in searched.content.decode()
    # Without a search the list counts them all.
    listed = client.get("/mediation/", HTTP_ACCEPT_LANGUAGE="vi")
    assert listed.context["page"].paginator.count == 3
    assert "Hơn" not in listed.content.decode()


def test_the_stored_search_text_follows_the_summary(dispute):
    from groups.text_search import fold
    from mediation.models import MediationCase

    MediationCase.objects.filter(pk=dispute.pk).update(summary="Tranh chấp RANH GIỚI đất.")
    dispute.refresh_from_db()
    assert dispute.search_text == fold("Tranh chấp RANH GIỚI đất.")


def test_the_trigram_index_is_on_the_stored_summary(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        if not cursor.fetchone()[0]:
            pytest.skip("pg_trgm is not installed in this PostgreSQL")
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'mediation_mediationcase' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "CREATE INDEX mediationcase_search_text_trgm_idx ON public.mediation_mediationcase "
            "USING gin (search_text gin_trgm_ops)"
        ]
