"""Searching reports in the inbox and on the dashboard, as each role, through HTTP."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.text_search import MATCHES_COUNTED, MAX_QUERY_LENGTH, fold
from reports.models import Report
from tests.search.conftest import file


def _inbox(client, user, query, **extra):
    client.force_login(user)
    response = client.get("/reports/", {"q": query, **extra})
    assert response.status_code == 200
    return {report.pk for report in response.context["page"].object_list}


@pytest.mark.parametrize(
    "query",
    ["bach dang", "Bạch Đằng", "BẠCH ĐẰNG", "bạch dang", "duong bach dang", "binh gas"],
)
def test_words_are_found_with_or_without_diacritics(client, province_admin, all_reports, query):
    assert _inbox(client, province_admin, query) == {all_reports["named_x"].pk}


def test_xe_may_finds_xe_may_and_d_finds_the_letter_dd(client, province_admin, all_reports):
    assert _inbox(client, province_admin, "xe may") == {all_reports["tip_x"].pk}
    assert _inbox(client, province_admin, "ben do dong mo") == {all_reports["report_y"].pk}


def test_the_place_name_finds_the_reports_of_that_place(client, province_admin, all_reports):
    in_ward_a = {all_reports[name].pk for name in ("named_x", "tip_x", "police_only_tip")}

    assert _inbox(client, province_admin, "phuong ha long") == in_ward_a
    assert _inbox(client, province_admin, "Thôn Đồng Mỏ") == {all_reports["report_y"].pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [("bach dnag", "named_x"), ("danh nhua", "report_y"), ("nguoi la hay dat xe", "tip_x")],
)
def test_a_small_typo_is_forgiven(client, province_admin, all_reports, trigrams, query, expected):
    assert _inbox(client, province_admin, query) == {all_reports[expected].pk}


def test_unrelated_words_find_nothing(client, province_admin, all_reports):
    assert _inbox(client, province_admin, "cháy rừng") == set()


# Every role searches for each report's own words; it finds exactly the reports
# whose page would show it those words (tests/search/conftest.py).
WORDS = {
    "named_x": "binh gas",
    "tip_x": "khong bien so",
    "police_only_tip": "tien bao ke",
    "report_y": "thanh nien danh nhau",
}


@pytest.mark.parametrize(
    ("role", "readable"),
    [
        ("province_admin", {"named_x", "tip_x", "police_only_tip", "report_y"}),
        ("police_a", {"named_x", "tip_x", "police_only_tip"}),
        ("police_b", {"report_y"}),
        ("leader_x", {"named_x", "tip_x"}),
        ("member_x", set()),
        ("leader_y", {"report_y"}),
    ],
)
def test_a_search_finds_only_the_text_the_user_may_read(
    request, client, all_reports, role, readable
):
    user = request.getfixturevalue(role)
    for name, words in WORDS.items():
        found = _inbox(client, user, words)
        assert found == ({all_reports[name].pk} if name in readable else set()), (role, name)
        if name in readable:
            page = client.get(f"/reports/{all_reports[name].pk}/")
            assert page.status_code == 200  # the same people read the text on its page


def test_a_tip_for_the_police_only_is_not_found_by_its_words_in_the_groups_inbox(
    client, leader_x, police_a, police_only_tip
):
    # The tip is about group X: its leader neither lists it nor finds it by its words,
    # its place or a typo of its words.
    for query in ("bao ke", "tien bao ke", "phuong ha long", "thu tien bao ek"):
        assert police_only_tip.pk not in _inbox(client, leader_x, query)
    assert _inbox(client, police_a, "bao ke") == {police_only_tip.pk}


def test_the_search_combines_with_the_other_filters(client, province_admin, all_reports):
    named = all_reports["named_x"]
    assert _inbox(client, province_admin, "phuong ha long", category=named.category_id) == {
        all_reports["named_x"].pk,
        all_reports["tip_x"].pk,
    }


def test_the_inbox_costs_the_same_queries_with_a_search_however_many_match(
    client, police_a, theft, ward_a, unit_a1, group_x, django_assert_num_queries
):
    file(category=theft, ward=ward_a, unit=unit_a1, description="Mất xe máy ở chợ.")
    client.force_login(police_a)
    client.get("/reports/", {"q": "xe may"})
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/", {"q": "xe may"})
    for number in range(6):
        file(category=theft, ward=ward_a, unit=unit_a1, description=f"Mất xe máy lần {number}.")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get("/reports/", {"q": "xe may"})
    assert len(response.context["page"].object_list) == 7


@pytest.mark.parametrize(
    "query",
    [
        "x" * (MAX_QUERY_LENGTH + 1),
        "a",
        "%",
        "  ",
        "\x00bach",
        "bach\x07dang",
        "'; DROP TABLE reports_report; --",
        "%_\\",
        "\U0001f600\U0001f600",
        "ﬁ ² Ⅻ",
    ],
)
def test_odd_input_is_a_field_error_or_a_plain_search_never_a_500(
    client, province_admin, all_reports, query
):
    client.force_login(province_admin)
    for url in ("/reports/", "/dashboard/", "/reports/export.csv"):
        response = client.get(url, {"q": query})
        assert response.status_code in (200, 400), (url, query, response.status_code)


def test_a_too_long_search_says_so_in_the_form(client, province_admin, all_reports):
    client.force_login(province_admin)
    response = client.get(
        "/reports/", {"q": "x" * (MAX_QUERY_LENGTH + 1)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "q" in response.context["filter"].form.errors


def test_the_api_answers_a_bad_search_with_400_json(client, province_admin, all_reports):
    client.force_login(province_admin)
    response = client.get("/api/reports/", {"q": "x" * (MAX_QUERY_LENGTH + 1)})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["q"]


def test_the_api_searches_within_the_users_scope(client, leader_x, all_reports):
    client.force_login(leader_x)

    def found(query):
        response = client.get("/api/reports/", {"q": query})
        assert response.status_code == 200
        body = response.json()
        return [row["id"] for row in (body["results"] if isinstance(body, dict) else body)]

    assert found("khong bien so") == [all_reports["tip_x"].pk]
    assert found("tien bao ke") == []  # the tip about group X is for the police only


def test_the_dashboard_narrows_to_what_the_search_finds(client, police_a, all_reports):
    client.force_login(police_a)
    response = client.get("/dashboard/", {"q": "khong bien so"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="search"' in html
    filterset = response.context["filter"]
    assert set(filterset.qs.values_list("pk", flat=True)) == {all_reports["tip_x"].pk}


def test_the_dashboard_search_stays_in_the_police_officers_ward(client, police_b, all_reports):
    client.force_login(police_b)
    response = client.get("/dashboard/", {"q": "khong bien so"})
    assert set(response.context["filter"].qs.values_list("pk", flat=True)) == set()


def test_the_dashboard_export_follows_the_search(client, police_a, all_reports):
    client.force_login(police_a)
    response = client.get("/dashboard/export/reports.csv", {"q": "bach dang"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 2  # the heading and the one report on Bạch Đằng
    assert str(all_reports["named_x"].pk) in lines[1]


def test_folding_in_python_matches_folding_in_the_database(db):
    text = "Đường Bạch Đằng, XE MÁY, Ngõ Ưu Ái, Hồ Gươm, Thuỷ/Thủy"
    with connection.cursor() as cursor:
        cursor.execute("SELECT tuquan_fold(%s)", [text])
        assert cursor.fetchone()[0] == fold(text)


def test_the_stored_search_text_follows_the_report_through_every_write(
    theft, ward_a, unit_a1, group_x
):
    report = file(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        description="Mất XE MÁY ở chợ Bạch Đằng.",
        address="Ngõ 3",
    )
    report.refresh_from_db()
    assert report.search_text == "mat xe may o cho bach dang. ngo 3"

    report.description = "Đánh nhau ở bến đò."
    report.save()
    report.refresh_from_db()
    assert report.search_text == "danh nhau o ben do. ngo 3"

    Report.objects.filter(pk=report.pk).update(address="Đồng Mỏ")
    report.refresh_from_db()
    assert report.search_text == fold("Đánh nhau ở bến đò. Đồng Mỏ")


def test_the_trigram_index_is_on_the_stored_text(trigrams):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'reports_report' "
            "AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "CREATE INDEX report_search_text_trgm_idx ON public.reports_report "
            "USING gin (search_text gin_trgm_ops)"
        ]


def _many_thefts(count, *, category, ward, unit):
    now = timezone.now()
    Report.objects.bulk_create(
        Report(
            category=category,
            ward=ward,
            unit=unit,
            description=f"Mất xe máy lần {number}.",
            occurred_at=now,
            due_at=now + timedelta(days=1),
            receipt_digest=f"test-{number}",
        )
        for number in range(count)
    )


def test_a_search_counts_a_thousand_matches_and_says_there_are_more(
    client, province_admin, theft, ward_a, unit_a1
):
    _many_thefts(MATCHES_COUNTED + 1, category=theft, ward=ward_a, unit=unit_a1)
    client.force_login(province_admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/reports/", {"q": "xe may", "page": "41"}, HTTP_ACCEPT_LANGUAGE="vi")

    page = response.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, page.number) == (1000, 40, 40)
    assert len(page.object_list) == 25
    assert not page.has_next()
    text = response.content.decode()
    assert "Hơn 1000 tin báo" in text
    assert "Chỉ liệt kê 1000 kết quả đầu tiên" in text
    # The count reads no further than one match past the limit.
    (count,) = [query["sql"] for query in queries.captured_queries if "COUNT(*)" in query["sql"]]
    assert "LIMIT 1001" in count
    # The first page, full, is counted the same way.
    first = client.get("/reports/", {"q": "xe may"}).context["page"]
    assert (first.paginator.count, first.paginator.more, first.has_next()) == (1000, True, True)


def test_a_thousand_matches_are_counted_exactly(client, province_admin, theft, ward_a, unit_a1):
    _many_thefts(MATCHES_COUNTED, category=theft, ward=ward_a, unit=unit_a1)
    client.force_login(province_admin)
    response = client.get("/reports/", {"q": "xe may"}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.context["page"].paginator.count == 1000
    text = response.content.decode()
    assert "1000 tin báo" in text
    assert "Hơn" not in text


def test_without_a_search_the_inbox_counts_every_report(
    client, province_admin, theft, ward_a, unit_a1
):
    _many_thefts(MATCHES_COUNTED + 1, category=theft, ward=ward_a, unit=unit_a1)
    client.force_login(province_admin)
    response = client.get("/reports/", {"category": theft.pk}, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.context["page"].paginator.count == 1001
    assert "1001 tin báo" in response.content.decode()


def test_a_search_that_fills_less_than_a_page_is_counted_by_its_page(
    client, province_admin, all_reports
):
    client.force_login(province_admin)
    for query, found in (("binh gas", 1), ("bach dnag", 1), ("chay rung", 0)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/reports/", {"q": query})
        assert response.context["page"].paginator.count == found
        assert not [sql for sql in queries.captured_queries if "COUNT(*)" in sql["sql"]]
