"""The dashboard page: who may open it, what it includes, the province comparison of
communes/wards, and query counts that do not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard.comparison import ward_comparison
from dashboard.views import dashboard_filter
from groups.models import Area, AreaKind
from reports.models import Status
from tests.dashboard.now_fixtures import HOUR, escalate, make_report, patrol

PAGE_URL = reverse("dashboard:page")
NOW_URL = reverse("dashboard:now")
COMPARISON_URL = reverse("dashboard:comparison")
HTMX = {"HTTP_HX_REQUEST": "true"}


# Access


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(PAGE_URL)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={PAGE_URL}"


def test_a_panel_polling_after_the_session_expired_sends_the_page_to_sign_in(client, db):
    response = client.get(
        "/dashboard/now/",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/dashboard/?ward=7",
        },
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=/dashboard/%3Fward%3D7"


@pytest.mark.parametrize("who", ["leader_x", "member_x"])
def test_group_leaders_and_members_get_403(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(PAGE_URL).status_code == 403
    assert client.get(COMPARISON_URL).status_code == 403


@pytest.mark.parametrize("who", ["police_a", "province_admin"])
def test_police_and_admins_see_the_page_with_the_now_panel(client, who, request, seeded):
    client.force_login(request.getfixturevalue(who))
    response = client.get(PAGE_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<section id="now"' in html
    assert f'hx-get="{NOW_URL}"' in html
    assert f'<a href="{PAGE_URL}">Dashboard</a>' in html
    assert "no-store" in response["Cache-Control"]


def test_the_nav_has_no_dashboard_link_for_group_people(client, leader_x):
    client.force_login(leader_x)
    html = client.get(reverse("reports:inbox")).content.decode()
    assert f'href="{PAGE_URL}"' not in html


def test_the_page_keeps_the_query_in_the_polling_url(client, police_a, theft):
    client.force_login(police_a)
    html = client.get(PAGE_URL, {"category": theft.pk, "start": "2026-01-01"}).content.decode()
    assert f'hx-get="{NOW_URL}?category={theft.pk}&amp;start=2026-01-01"' in html


@pytest.mark.parametrize("who", ["police_a", "province_admin"])
def test_bad_filters_show_errors_and_the_page_still_works(client, who, request, ward_b, seeded):
    user = request.getfixturevalue(who)
    client.force_login(user)
    ward = ward_b.pk if who == "police_a" else 999999
    response = client.get(PAGE_URL, {"start": "yesterday", "ward": ward})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="field-error"') == 2
    assert '<section id="now"' in html


# The comparison of communes/wards


@pytest.fixture
def ward_c(province):
    return Area.objects.add_child(
        province, {"name": "Phường Cẩm Phả", "kind": AreaKind.WARD, "code": "06970"}
    )


@pytest.fixture
def compared(ward_a, ward_b, ward_c, theft, police_a):
    """Ward A: six reports in the period (one more from long ago), ward B: two,
    ward C: none."""

    def report(ward, status=Status.NEW, *, acknowledged=None, closed=None, **fields):
        created = fields["created_at"] = fields.get("created_at") or _ten_hours_ago()
        return make_report(
            category=theft,
            ward=ward,
            status=status,
            acknowledged_at=created + acknowledged * HOUR if acknowledged else None,
            closed_at=created + closed * HOUR if closed else None,
            **fields,
        )

    report(ward_a)
    report(ward_a, Status.ACKNOWLEDGED, acknowledged=1, due_in_hours=-2)
    escalate(report(ward_a, Status.IN_PROGRESS, acknowledged=3, due_in_hours=-1))
    report(ward_a, Status.RESOLVED, acknowledged=5, closed=6)
    report(ward_a, Status.RESOLVED, acknowledged=1, closed=2)
    report(ward_a, Status.REJECTED, closed=1)
    long_ago = _ten_hours_ago() - datetime.timedelta(days=800)
    escalate(report(ward_a, due_in_hours=-5, created_at=long_ago))
    escalate(report(ward_b, due_in_hours=-1))
    report(ward_b, Status.ACKNOWLEDGED, acknowledged=4)


def _ten_hours_ago():
    return timezone.now() - 10 * HOUR


def _table(user, **params):
    request = RequestFactory().get(PAGE_URL, params)
    request.user = user
    return ward_comparison(dashboard_filter(request), sort=params.get("sort"))


def _names(table):
    return [row[0].name for row in table.rows]


def test_the_comparison_figures(compared, province_admin):
    table = _table(province_admin)

    assert [[str(row[0]), *row[1:]] for row in table.rows] == [
        ["Phường Cẩm Phả", 0, 0, 0, 0, None, None],
        ["Phường Hạ Long", 6, 3, 2, 1, 2.0, 4.0],
        ["Xã Quảng Tân", 2, 2, 1, 1, 4.0, None],
    ]
    assert table.as_json()["rows"][1] == ["Phường Hạ Long", 6, 3, 2, 1, 2.0, 4.0]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("ward", ["Phường Cẩm Phả", "Phường Hạ Long", "Xã Quảng Tân"]),
        ("-ward", ["Xã Quảng Tân", "Phường Hạ Long", "Phường Cẩm Phả"]),
        ("-reports", ["Phường Hạ Long", "Xã Quảng Tân", "Phường Cẩm Phả"]),
        ("overdue", ["Phường Cẩm Phả", "Xã Quảng Tân", "Phường Hạ Long"]),
        # Ties stay in name order.
        ("-escalated", ["Phường Hạ Long", "Xã Quảng Tân", "Phường Cẩm Phả"]),
        # Wards without a median go last, whichever the direction.
        ("acknowledge_hours", ["Phường Hạ Long", "Xã Quảng Tân", "Phường Cẩm Phả"]),
        ("-acknowledge_hours", ["Xã Quảng Tân", "Phường Hạ Long", "Phường Cẩm Phả"]),
        ("-resolve_hours", ["Phường Hạ Long", "Phường Cẩm Phả", "Xã Quảng Tân"]),
        ("nonsense", ["Phường Cẩm Phả", "Phường Hạ Long", "Xã Quảng Tân"]),
    ],
)
def test_the_comparison_sorts_by_any_column(compared, province_admin, sort, order):
    assert _names(_table(province_admin, sort=sort)) == order


def test_the_comparison_follows_the_period(compared, province_admin):
    table = _table(province_admin, start="2020-01-01", end="2020-12-31")
    assert [row[1] for row in table.rows] == [0, 0, 0]


def test_the_comparison_is_three_queries(compared, province_admin, django_assert_num_queries):
    request = RequestFactory().get(PAGE_URL)
    request.user = province_admin
    filterset = dashboard_filter(request)
    with django_assert_num_queries(3):
        ward_comparison(filterset)


def test_the_page_loads_the_comparison_after_itself(client, compared, province_admin, theft):
    client.force_login(province_admin)
    html = client.get(PAGE_URL, {"category": theft.pk, "sort": "-reports"}).content.decode()

    assert (
        f'<section id="comparison" class="dashboard-comparison" '
        f'hx-get="{COMPARISON_URL}?category={theft.pk}&amp;sort=-reports" hx-trigger="load"'
    ) in html
    # Without JavaScript, a link to the comparison on a page of its own.
    assert f'<a href="{COMPARISON_URL}?category={theft.pk}&amp;sort=-reports">' in html


def test_the_comparison_has_sort_links(client, compared, province_admin, theft):
    client.force_login(province_admin)
    html = client.get(
        COMPARISON_URL, {"category": theft.pk, "sort": "-reports"}, **HTMX
    ).content.decode()

    # The sorted column says so and flips; the others sort largest first.
    assert (
        f'<th scope="col" aria-sort="descending">\n              '
        f'<a href="{COMPARISON_URL}?category={theft.pk}&amp;sort=reports"'
    ) in html
    assert f'hx-push-url="{PAGE_URL}?category={theft.pk}&amp;sort=reports"' in html
    assert f'<a href="{COMPARISON_URL}?category={theft.pk}&amp;sort=-overdue"' in html
    assert html.count("aria-sort=") == 1
    # A ward's name goes down to that ward, keeping the other filters.
    ward_b = Area.objects.get(name="Xã Quảng Tân")
    assert f'<a href="{PAGE_URL}?category={theft.pk}&amp;ward={ward_b.pk}">Xã Quảng Tân</a>' in html
    assert html.index("Phường Hạ Long</a>") < html.index("Xã Quảng Tân</a>")


def test_without_javascript_the_comparison_is_a_page_of_its_own(client, compared, province_admin):
    client.force_login(province_admin)
    html = client.get(COMPARISON_URL, {"sort": "-reports"}).content.decode()

    assert "<html" in html
    assert '<section id="comparison"' in html
    assert f'<a href="{PAGE_URL}?sort=-reports">' in html  # back to the dashboard


def test_the_comparison_partial_sorts_in_place(client, compared, province_admin):
    client.force_login(province_admin)
    html = client.get(COMPARISON_URL, {"sort": "-reports"}, **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="comparison"')
    assert "<html" not in html
    assert html.index("Phường Hạ Long</a>") < html.index("Xã Quảng Tân</a>")
    assert html.index("Xã Quảng Tân</a>") < html.index("Phường Cẩm Phả</a>")


def test_the_comparison_is_not_shown_once_a_ward_is_chosen(
    client, compared, province_admin, ward_b
):
    client.force_login(province_admin)
    html = client.get(PAGE_URL, {"ward": ward_b.pk}).content.decode()
    assert '<section id="now"' in html
    assert 'id="comparison"' not in html
    assert client.get(COMPARISON_URL, {"ward": ward_b.pk}).status_code == 403


def test_police_never_see_the_comparison(client, compared, police_a):
    client.force_login(police_a)
    html = client.get(PAGE_URL).content.decode()
    assert 'id="comparison"' not in html
    assert "Xã Quảng Tân" not in html
    assert client.get(COMPARISON_URL).status_code == 403


# Query counts


def _grow(*, ward_a, ward_b, theft, group_x, group_y, reports, escalations, patrols):
    for index in range(reports):
        ward = ward_a if index % 2 == 0 else ward_b
        report = make_report(
            category=theft, ward=ward, due_in_hours=(index % 7) - 3, status=Status.NEW
        )
        if index < escalations:
            escalate(report)
    for index in range(patrols):
        patrol(group_x if index % 2 == 0 else group_y)


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def grow(ward_a, ward_b, theft, group_x, group_y):
    def grow(**sizes):
        _grow(ward_a=ward_a, ward_b=ward_b, theft=theft, group_x=group_x, group_y=group_y, **sizes)

    return grow


@pytest.mark.parametrize(
    ("who", "queries"),
    # The session, the user, the second factor the session passed (django-otp checks
    # it still exists), then one each: counts, awaiting, due soon, overdue, patrols;
    # for the police also their ward, which the filter reads for its unit choices.
    [("police_a", 9), ("province_admin", 8)],
)
def test_the_now_partial_takes_a_fixed_number_of_queries(
    client, grow, who, queries, request, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(who))
    grow(reports=1, escalations=1, patrols=1)
    with django_assert_num_queries(queries):
        client.get(NOW_URL)
    grow(reports=30, escalations=10, patrols=5)
    with django_assert_num_queries(queries):
        html = client.get(NOW_URL).content.decode()
    assert html.count('id="acknowledge-') >= 5
    assert html.count('id="urgent-report-') + html.count('id="overdue-report-') >= 10
    assert html.count('id="patrol-') >= 3


@pytest.mark.parametrize("who", ["police_a", "province_admin"])
def test_the_page_takes_as_many_queries_on_small_and_larger_data(
    client, grow, who, request, ward_c, theft
):
    client.force_login(request.getfixturevalue(who))
    grow(reports=1, escalations=1, patrols=1)
    small = _queries(client, PAGE_URL)
    small_filtered = _queries(client, PAGE_URL, ward=ward_c.pk, category=theft.pk)
    grow(reports=30, escalations=10, patrols=5)
    assert _queries(client, PAGE_URL) == small
    assert _queries(client, PAGE_URL, ward=ward_c.pk, category=theft.pk) == small_filtered


def test_an_administrator_chooses_a_ward_before_its_units(
    client, province_admin, ward_a, unit_a1, unit_b1
):
    client.force_login(province_admin)

    province = client.get(PAGE_URL).context["filter"].form.fields["unit"].queryset
    ward = client.get(PAGE_URL, {"ward": ward_a.pk}).context["filter"].form.fields["unit"].queryset

    assert list(province) == []
    assert list(ward) == [unit_a1]
