"""Bad input to the dashboard and the escalations API: a clear 4xx (or the default
figures where a filter is optional), never a server error."""

import pytest

pytestmark = pytest.mark.django_db

BAD_QUERIES = [
    "start=notadate",
    "end=2026-02-30",
    "ward=abc",
    "ward=999999",
    "unit=999999",
    "unit=abc",
    "category=x",
    "model_kind=-1",
    "channel=carrier-pigeon",
    "start=0001-01-01&end=9999-12-31",
    "end=9999-12-31",
    "start=0001-01-01",
    "start=1900-01-01&end=2100-12-31",
]
# The longest period the filter takes: a century of months, and still an answer.
LONGEST_PERIOD = "start=2000-01-01&end=2099-12-31"


@pytest.mark.parametrize("query", [*BAD_QUERIES, LONGEST_PERIOD])
def test_the_page_and_its_panels_answer_bad_filters_without_an_error(
    client, province_admin, ward_a, query
):
    client.force_login(province_admin)
    for path in ("/dashboard/", "/dashboard/now/", "/dashboard/headlines/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)


@pytest.mark.parametrize(
    ("query", "status"), [*((query, 400) for query in BAD_QUERIES), (LONGEST_PERIOD, 200)]
)
def test_the_json_and_downloads_refuse_bad_filters_with_a_400(
    client, province_admin, ward_a, query, status
):
    client.force_login(province_admin)
    for path in (
        "/dashboard/trends/incidents_by_month.json",
        "/dashboard/trends/handling_times.json",
        "/dashboard/trends/year_on_year.json",
        "/dashboard/map/points.json",
        "/dashboard/export/reports.csv",
        "/dashboard/export/tables/handling_times.xlsx",
    ):
        response = client.get(f"{path}?{query}")
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == status, (path, query)


@pytest.mark.parametrize("sort", ["bogus", "-", "--ward", "-bogus", ""])
def test_the_comparison_sorts_by_ward_for_an_unknown_sort(client, province_admin, ward_a, sort):
    client.force_login(province_admin)
    response = client.get(f"/dashboard/comparison/?sort={sort}")
    assert response.status_code == 200
    sorted_by = [header.aria_sort for header in response.context["comparison_headers"]]
    assert sorted_by[0] == "ascending"
    assert not any(sorted_by[1:])


def test_the_police_cannot_open_the_comparison(client, police_a):
    client.force_login(police_a)
    assert client.get("/dashboard/comparison/?sort=bogus").status_code == 403


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/dashboard/summary/2026-13.xlsx", 404),
        ("/dashboard/summary/2026-00.pdf", 404),
        ("/dashboard/summary/0000-01.xlsx", 404),
        ("/dashboard/summary/9999-12.xlsx", 404),
        ("/dashboard/summary/1999-12.pdf", 404),
        ("/dashboard/summary/2026-03.xlsx?ward=abc", 404),
        ("/dashboard/summary/2026-03.xlsx?ward=999999", 404),
        ("/dashboard/summary/2026-03.doc", 404),
        ("/dashboard/summary/?month=2026-13&format=xlsx", 400),
        ("/dashboard/summary/?month=9999-12&format=xlsx", 400),
        ("/dashboard/summary/?month=x&format=pdf", 400),
        ("/dashboard/summary/?month=2026-03&format=doc", 400),
        ("/dashboard/summary/?month=2026-03&format=xlsx&ward=abc", 400),
        ("/dashboard/trends/nosuchfigure.json", 404),
        ("/dashboard/export/tables/nosuchtable.csv", 404),
        ("/dashboard/escalations/999999/acknowledge/", 405),
    ],
)
def test_bad_addresses_are_a_4xx(client, province_admin, ward_a, path, status):
    client.force_login(province_admin)
    assert client.get(path).status_code == status


def test_acknowledging_an_unknown_escalation_is_a_404(client, police_a):
    client.force_login(police_a)
    assert client.post("/dashboard/escalations/999999/acknowledge/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "awaiting=maybe",
        "report=abc",
        "report=1e400",
        "report=99999999999999999999",
        "level=x",
        "level=-1",
        "level=99999999999",
    ],
)
def test_the_escalations_api_answers_bad_filters_with_400_json(client, police_a, query):
    client.force_login(police_a)
    response = client.get(f"/api/escalations/?{query}")
    assert response.status_code in (200, 400), (query, response.status_code)
    if response.status_code == 400:
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_acknowledging_an_unknown_escalation_by_api_is_a_404(client, police_a, pk):
    client.force_login(police_a)
    assert client.post(f"/api/escalations/{pk}/acknowledge/").status_code == 404


def test_a_date_out_of_range_is_named_on_the_page(client, police_a):
    client.force_login(police_a)
    response = client.get("/dashboard/?start=0001-01-01")
    assert response.status_code == 200
    assert response.context["filter"].form.errors["start"]
    # The figures fall back to the default period rather than to year 1.
    assert response.context["start"].year >= 2000


def test_a_summary_month_out_of_range_is_a_field_error(client, province_admin):
    client.force_login(province_admin)
    response = client.get("/dashboard/summary/?month=9999-12&format=pdf")
    assert response.status_code == 400
    assert response.context["form"].errors["month"]


@pytest.mark.parametrize(
    "path", ["/dashboard/map/points.json", "/dashboard/trends/incidents_by_month.json"]
)
def test_the_json_of_reports_is_never_stored_by_a_cache_and_only_read(client, police_a, path):
    client.force_login(police_a)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert client.post(path).status_code == 405


# "²".isdigit() is True and int("²") raises; "٣" is a decimal digit outside ASCII.
NOT_ASCII_WARDS = ["%C2%B2", "%D9%A3", "1%C2%B2", "99999999999999999999999"]


@pytest.mark.parametrize("ward", NOT_ASCII_WARDS)
def test_a_ward_that_is_no_ascii_number_is_refused_and_breaks_nothing(
    client, province_admin, ward_a, ward, seeded
):
    client.force_login(province_admin)
    for path in ("/dashboard/", "/dashboard/now/", "/dashboard/headlines/"):
        assert client.get(f"{path}?ward={ward}").status_code == 200, path
    assert client.get(f"/dashboard/map/points.json?ward={ward}").status_code == 400
    assert client.get(f"/dashboard/summary/2026-01.xlsx?ward={ward}").status_code == 404
    assert (
        client.get(f"/dashboard/summary/?month=2026-01&format=xlsx&ward={ward}").status_code == 400
    )
