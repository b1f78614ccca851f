"""reports/routing.py: the intake's one routing query gives the groups of `groups_for`
and, for each, the leaders of `groups.leaders.leader_addresses_by_group`."""

import datetime

import pytest
from django.utils import timezone

from groups.leaders import leader_addresses_by_group
from groups.models import Membership, ModelType, SelfManagementGroup
from reports.models import Category
from reports.routing import groups_for, routes_for
from tests.conftest import add_leader

pytestmark = pytest.mark.django_db


@pytest.fixture
def place_with_groups(ward_a, unit_a1, group_x, five_families):
    """group_x in unit_a1; a whole-ward group; a dissolved one; one of a kind few
    categories name; each with leaders of every sort."""
    market = ModelType.objects.get(name="Tổ tự quản khu chợ")
    whole_ward = SelfManagementGroup.objects.create(name="Tổ toàn phường", ward=ward_a)
    whole_ward.model_types.add(five_families, market)
    dissolved = SelfManagementGroup.objects.create(
        name="Tổ đã giải thể",
        ward=ward_a,
        unit=unit_a1,
        status=SelfManagementGroup.Status.DISSOLVED,
    )
    dissolved.model_types.add(five_families)
    market_group = SelfManagementGroup.objects.create(name="Tổ chợ", ward=ward_a, unit=unit_a1)
    market_group.model_types.add(market)

    add_leader(group_x, "leader", email="leader@example.test")
    add_leader(group_x, "deputy", email="deputy@example.test", deputy=True)
    add_leader(group_x, "no_address")
    add_leader(group_x, "gone", email="gone@example.test", active=False)
    add_leader(group_x, "stepped_down", email="old@example.test", ended=datetime.date(2022, 1, 1))
    add_leader(whole_ward, "ward_leader", email="ward@example.test")
    # One person leads two groups.
    both = add_leader(market_group, "both", email="both@example.test")
    Membership.objects.create(member=both.member, group=whole_ward, is_deputy=True)
    add_leader(dissolved, "dissolved_leader", email="dissolved@example.test")


def _expected(*, category, ward, unit):
    groups = list(groups_for(category=category, ward=ward, unit=unit).order_by("pk"))
    addresses = leader_addresses_by_group(groups)
    return [(group.pk, sorted(addresses.get(group.pk, []))) for group in groups]


def _routed(*, category, ward, unit):
    routes = routes_for(category=category, ward=ward, unit=unit, on=timezone.localdate())
    return sorted((route.group_id, sorted(route.leaders)) for route in routes)


@pytest.mark.parametrize("with_unit", [True, False], ids=["in a unit", "ward only"])
@pytest.mark.parametrize(
    "category_name",
    [
        "Trộm cắp tài sản",  # names many kinds
        "An toàn thực phẩm, trật tự kinh doanh",  # names one
    ],
)
def test_routes_are_the_groups_for_the_place_with_their_leaders(
    place_with_groups, ward_a, unit_a1, category_name, with_unit
):
    category = Category.objects.get(name=category_name)
    unit = unit_a1 if with_unit else None

    routed = _routed(category=category, ward=ward_a, unit=unit)

    assert routed == _expected(category=category, ward=ward_a, unit=unit)
    assert routed  # every case routes somewhere: the comparison is not of two empty lists


def test_a_category_that_names_no_kinds_suits_every_group(place_with_groups, ward_a, unit_a1):
    category = Category.objects.get(name="Trộm cắp tài sản")
    category.model_types.clear()

    routed = _routed(category=category, ward=ward_a, unit=unit_a1)

    assert routed == _expected(category=category, ward=ward_a, unit=unit_a1)
    assert len(routed) == 3  # group_x, the whole ward's and the market's: not the dissolved one


def test_leaders_are_those_of_the_day_asked_for(group_x, ward_a, unit_a1, theft):
    add_leader(group_x, "new_leader", email="new@example.test")  # since 2021

    (before,) = routes_for(
        category=theft, ward=ward_a, unit=unit_a1, on=datetime.date(2020, 12, 31)
    )
    (after,) = routes_for(category=theft, ward=ward_a, unit=unit_a1, on=datetime.date(2021, 1, 1))

    assert before.leaders == ()
    assert [address for _, address in after.leaders] == ["new@example.test"]
