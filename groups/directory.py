"""The public directory: what a resident may learn without signing in.

Per commune/ward: its active self-management groups (name, the place they
cover, their model kinds, and a contact only where the group made one public),
the ward police's duty number and the emergency numbers. Nothing about members:
the querysets below load only the public columns, so a template cannot show
more by mistake.

This is the one public door to group data; everything behind a login goes
through ``visible_to``.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Collate

from groups.models import PLACE_COLLATION, Area, ModelType, SelfManagementGroup

# Vietnamese alphabetical order: "Đ" after "D", "Hạ Long" before "Hoành Bồ"
# (the collation groups/migrations/0020 creates, ICU's "vi" where the server has ICU).
VIETNAMESE = PLACE_COLLATION

# The national emergency numbers, the same everywhere in Vietnam.
EMERGENCY_NUMBERS = ("113", "114", "115")

_GROUP_COLUMNS = ("name", "ward_id", "unit_id", "unit__name", "unit__path", "public_contact")


def vietnamese_order(field: str = "name"):
    return Collate(field, VIETNAMESE)


@dataclass(frozen=True)
class ProvinceEntry:
    province: Area
    wards: list[Area]  # each with ``group_count``


def directory_index() -> list[ProvinceEntry]:
    """Every commune/ward, by province, each with its number of active groups. Two queries."""
    provinces = list(Area.objects.provinces().order_by(vietnamese_order()))
    wards = (
        Area.objects.communes()
        .annotate(
            group_count=Count("groups", filter=Q(groups__status=SelfManagementGroup.Status.ACTIVE))
        )
        .order_by(vietnamese_order())
    )
    by_province: dict[str, list[Area]] = {}
    for ward in wards:
        by_province.setdefault(ward.path[: Area.steplen], []).append(ward)
    return [
        ProvinceEntry(province, by_province[province.path])
        for province in provinces
        if province.path in by_province
    ]


def public_groups(ward: Area) -> QuerySet[SelfManagementGroup]:
    """The ward's active groups with their public columns and model kinds. Two queries."""
    return (
        SelfManagementGroup.objects.active()
        .filter(ward=ward)
        .select_related("unit")
        .only(*_GROUP_COLUMNS)
        .prefetch_related(
            Prefetch(
                "model_types", queryset=ModelType.objects.only("name").order_by(vietnamese_order())
            )
        )
        .order_by(vietnamese_order())
    )


def public_ward(ward_id: int) -> Area | None:
    return Area.objects.communes().filter(pk=ward_id).first()
