"""A believable Quang Ninh for development and demonstrations.

``seed_demo`` builds residential units under seven real communes/wards, about fifty
self-management and mediation groups with their people, trainings, emergency
contacts, police contact lists and the four demo logins. Every row has a stable
natural key, so running it again creates nothing new: it restores the demo data
and resets the demo passwords. ``manage.py seed_demo`` calls it; ``make run``
prints the logins it returns.

The people and phone numbers are invented.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.names import (
    APARTMENTS,
    BORDER_AND_SEA,
    BRIGHT_CLEAN,
    CRIME_FREE,
    CULTURAL_FAMILY,
    DRUG_FREE,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    FIVE_FAMILIES,
    INDUSTRIAL_PARK,
    MALE_GIVEN,
    MALE_MIDDLE,
    MARKET,
    MEDIATION,
    SAFE_CLUSTER,
    SURNAMES,
    TIP_BOX,
    YOUTH_CLUB,
)
from groups.areas import load_official_areas
from groups.models import (
    Area,
    AreaKind,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    ModelType,
    PoliceContact,
    SelfManagementGroup,
    Training,
    User,
)

PROVINCE_CODE = "22"  # Quảng Ninh
DEMO_AUTHENTICATOR = "demo authenticator"

# A neighbourhood group carries two of these, varying from unit to unit.
NEIGHBOURHOOD_KINDS = [
    FIVE_FAMILIES,
    DRUG_FREE,
    CRIME_FREE,
    TIP_BOX,
    BRIGHT_CLEAN,
    SAFE_CLUSTER,
    CULTURAL_FAMILY,
]

# Official code of each demo commune/ward → its residential units (kind, name).
DEMO_WARDS = {
    "06688": [  # Phường Hạ Long
        (AreaKind.NEIGHBOURHOOD, "Khu phố Bạch Đằng 1"),
        (AreaKind.RESIDENTIAL_GROUP, "Tổ dân phố 5 Hồng Hải"),
        (AreaKind.NEIGHBOURHOOD, "Khu phố Trần Hưng Đạo"),
    ],
    "06673": [  # Phường Bãi Cháy
        (AreaKind.RESIDENTIAL_GROUP, "Tổ dân phố 3 Cái Dăm"),
        (AreaKind.NEIGHBOURHOOD, "Khu phố Hùng Thắng"),
        (AreaKind.QUARTER, "Khu 4 Giếng Đáy"),
    ],
    "06793": [  # Phường Cẩm Phả
        (AreaKind.RESIDENTIAL_GROUP, "Tổ dân phố 7 Cẩm Trung"),
        (AreaKind.QUARTER, "Khu Diêm Thủy"),
        (AreaKind.NEIGHBOURHOOD, "Khu phố Cẩm Thành 2"),
    ],
    "06712": [  # Phường Móng Cái 1
        (AreaKind.QUARTER, "Khu 5 Ka Long"),
        (AreaKind.NEIGHBOURHOOD, "Khu phố Hòa Lạc"),
        (AreaKind.VILLAGE, "Thôn Xuân Ninh"),
    ],
    "06811": [  # Phường Uông Bí
        (AreaKind.QUARTER, "Khu 5A Quang Trung"),
        (AreaKind.RESIDENTIAL_GROUP, "Tổ dân phố 2 Yên Thanh"),
    ],
    "06946": [  # Xã Đường Hoa
        (AreaKind.VILLAGE, "Thôn Tài Chi"),
        (AreaKind.HAMLET, "Bản Lý Quáng"),
        (AreaKind.VILLAGE, "Thôn Tân Mới"),
    ],
    "06994": [  # Đặc khu Vân Đồn
        (AreaKind.QUARTER, "Khu 3 Cái Rồng"),
        (AreaKind.VILLAGE, "Thôn Đông Hải"),
        (AreaKind.VILLAGE, "Thôn Bình Minh"),
    ],
}
# Rough centre (latitude, longitude) of each demo commune/ward: the demo's residential
# units, and so its reports and hotspots on the map, lie around it.
WARD_CENTRES = {
    "06688": (20.9530, 107.0800),
    "06673": (20.9560, 107.0450),
    "06793": (21.0120, 107.2870),
    "06712": (21.5290, 107.9650),
    "06811": (21.0350, 106.7750),
    "06946": (21.4950, 107.6450),
    "06994": (21.0600, 107.4250),
}
# The police login serves the ward of the leader's group: both see that group.
POLICE_WARD = "06688"
LEADER_GROUP = "Tổ tự quản ANTT Khu phố Bạch Đằng 1"


class Seat(NamedTuple):
    role: str
    leader: bool = False
    deputy: bool = False
    mediator: bool = False


R = Membership.Role
# Who a group of each sort is made of, leader first.
ROSTERS = {
    "neighbourhood": [
        Seat(R.VILLAGE_HEAD, leader=True),
        Seat(R.PARTY_SECRETARY, deputy=True),
        Seat(R.CADRE),
        Seat(R.CADRE),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
    ],
    "mediation": [
        Seat(R.MEDIATION_HEAD, leader=True, mediator=True),
        Seat(R.VOLUNTEER, deputy=True, mediator=True),
        Seat(R.VOLUNTEER, mediator=True),
        Seat(R.VOLUNTEER, mediator=True),
    ],
    "market": [
        Seat(R.CADRE, leader=True),
        Seat(R.SECURITY_GUARD, deputy=True),
        Seat(R.SECURITY_GUARD),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
    ],
    "industrial": [
        Seat(R.SECURITY_GUARD, leader=True),
        Seat(R.POLICE_OFFICER, deputy=True),
        Seat(R.SECURITY_GUARD),
        Seat(R.SECURITY_GUARD),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
    ],
    "youth": [
        Seat(R.CADRE, leader=True),
        Seat(R.VOLUNTEER, deputy=True),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
    ],
    "border": [
        Seat(R.VILLAGE_HEAD, leader=True),
        Seat(R.CADRE, deputy=True),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
        Seat(R.VOLUNTEER),
    ],
}
# The party-cell secretary of a unit also sits in its mediation group, as is common.
SECRETARY_AS_MEDIATOR = Seat(R.PARTY_SECRETARY, mediator=True)

CONVENTIONS = {
    "neighbourhood": (
        "1. Tuần tra tối thứ Sáu và thứ Bảy hằng tuần, phối hợp với Công an {ward}.\n"
        "2. Tiếp nhận tin báo qua điện thoại, Zalo và hòm thư tố giác; báo ngay cho "
        "Công an {ward} khi có vụ việc về an ninh, trật tự.\n"
        "3. Theo dõi các điểm có nguy cơ về tệ nạn xã hội; không tự ý bắt giữ, khám xét.\n"
        "4. Giữ bí mật danh tính người báo tin."
    ),
    "mediation": (
        "1. Hòa giải theo Luật Hòa giải ở cơ sở năm 2013, trên cơ sở tự nguyện của các bên.\n"
        "2. Giữ bí mật thông tin về vụ việc và đời tư của các bên.\n"
        "3. Vụ việc không hòa giải được thì hướng dẫn các bên đến cơ quan có thẩm quyền."
    ),
    "market": (
        "1. Cùng Ban quản lý chợ kiểm tra an toàn thực phẩm và trật tự kinh doanh.\n"
        "2. Kiểm tra phòng cháy, chữa cháy các dãy ki-ốt trước giờ đóng chợ.\n"
        "3. Báo Công an {ward} khi phát hiện trộm cắp, cờ bạc, hàng cấm."
    ),
    "industrial": (
        "1. Công nhân và bảo vệ nhà máy tuần tra chung theo ca.\n"
        "2. Phát hiện, báo ngay các vụ xâm phạm tài sản cho Công an {ward}."
    ),
    "youth": (
        "1. Sinh hoạt hằng tháng, tìm hiểu và tuyên truyền pháp luật.\n"
        "2. Tham gia tuần tra cùng các tổ tự quản vào dịp lễ, Tết."
    ),
    "border": (
        "1. Tuần tra đường biên, cột mốc, bến bãi theo lịch, phối hợp với Đồn Biên phòng.\n"
        "2. Báo ngay cho Công an {ward} các hoạt động xuất nhập cảnh, buôn lậu trái phép."
    ),
}


@dataclass(frozen=True)
class GroupSpec:
    ward: str
    unit: str | None
    name: str
    kinds: tuple[str, ...]
    roster: str


# Groups that serve a whole commune/ward or a market, park, wharf or building in it.
SPECIAL_GROUPS = [
    GroupSpec("06688", None, "Tổ tự quản chợ Hạ Long 1", (MARKET,), "market"),
    GroupSpec(
        "06688", "Tổ dân phố 5 Hồng Hải", "Tổ tự quản chung cư Hồng Hải", (APARTMENTS,), "market"
    ),
    GroupSpec("06688", None, "CLB Thanh niên với pháp luật phường Hạ Long", (YOUTH_CLUB,), "youth"),
    GroupSpec("06673", None, "Tổ tuần tra liên kết KCN Cái Lân", (INDUSTRIAL_PARK,), "industrial"),
    GroupSpec("06673", None, "Tổ tự quản chợ Bãi Cháy", (MARKET,), "market"),
    GroupSpec("06793", None, "Tổ tự quản chợ Cẩm Đông", (MARKET,), "market"),
    GroupSpec("06793", None, "CLB Thanh niên với pháp luật phường Cẩm Phả", (YOUTH_CLUB,), "youth"),
    GroupSpec("06712", None, "Tổ tự quản chợ Trung tâm Móng Cái", (MARKET,), "market"),
    GroupSpec(
        "06712", "Khu 5 Ka Long", "Tổ tự quản đường biên sông Ka Long", (BORDER_AND_SEA,), "border"
    ),
    GroupSpec("06811", None, "CLB Thanh niên với pháp luật phường Uông Bí", (YOUTH_CLUB,), "youth"),
    GroupSpec(
        "06946",
        "Thôn Tài Chi",
        "Tổ tự quản đường biên, mốc giới Tài Chi",
        (BORDER_AND_SEA,),
        "border",
    ),
    GroupSpec(
        "06994", "Khu 3 Cái Rồng", "Tổ tự quản bến cảng Cái Rồng", (BORDER_AND_SEA,), "border"
    ),
    GroupSpec(
        "06994", "Thôn Đông Hải", "Tổ tự quản ngư trường Đông Hải", (BORDER_AND_SEA,), "border"
    ),
]


def group_specs() -> list[GroupSpec]:
    """A neighbourhood group and a mediation group in every unit, then the special ones."""
    specs = []
    for number, (ward, unit) in enumerate(
        (ward, unit) for ward, units in DEMO_WARDS.items() for _kind, unit in units
    ):
        kinds = (
            NEIGHBOURHOOD_KINDS[number % len(NEIGHBOURHOOD_KINDS)],
            NEIGHBOURHOOD_KINDS[(number + 3) % len(NEIGHBOURHOOD_KINDS)],
        )
        specs.append(GroupSpec(ward, unit, f"Tổ tự quản ANTT {unit}", kinds, "neighbourhood"))
        specs.append(GroupSpec(ward, unit, f"Tổ hòa giải {unit}", (MEDIATION,), "mediation"))
    return specs + SPECIAL_GROUPS


def _name(n: int) -> str:
    female = n % 5 in (1, 4)
    middle, given = (FEMALE_MIDDLE, FEMALE_GIVEN) if female else (MALE_MIDDLE, MALE_GIVEN)
    return (
        f"{SURNAMES[n % len(SURNAMES)]} {middle[n // 3 % len(middle)]} {given[n * 7 % len(given)]}"
    )


def _phone(n: int) -> str:
    # 7919 is prime and so coprime with 10**8: distinct people get distinct numbers.
    return f"09{(24681357 + 7919 * n) % 10**8:08d}"


# Police officers are numbered apart from group members so that their phones differ,
# and so are the groups' public duty phones.
POLICE_NUMBERS = 5000
PUBLIC_CONTACT_NUMBERS = 8000
POLICE_RANKS = [
    ("Đại úy", "Cảnh sát khu vực"),
    ("Thượng úy", "Cảnh sát khu vực"),
    ("Thiếu tá", "Phó Trưởng Công an {ward}"),
    ("Trung tá", "Trưởng Công an {ward}"),
]


@dataclass
class DemoLogin:
    username: str
    can: str


@dataclass
class DemoSummary:
    groups: int = 0
    members: int = 0
    wards: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


@transaction.atomic
def seed_demo(*, password: str) -> DemoSummary:
    """Create or restore the demo data; idempotent; sets every demo login's password."""
    province, wards = _official_areas()
    kinds = _model_kinds()
    units = {
        (code, name): _residential_unit(wards[code], kind, name)
        for code, unit_list in DEMO_WARDS.items()
        for kind, name in unit_list
    }
    officers = _police_contacts(province, wards)
    specs = group_specs()
    groups = _groups(specs, wards=wards, units=units, kinds=kinds)
    _public_directory(wards, groups)
    rosters = _people(specs, groups=groups, wards=wards)
    _emergency_contacts(groups, wards=wards, officers=officers)
    _trainings(groups, wards=wards)
    _documents(groups[LEADER_GROUP])
    leader_group = groups[LEADER_GROUP]
    logins = _demo_users(
        password=password,
        police_contact=officers[POLICE_WARD][0],
        leader=rosters[LEADER_GROUP][0],
        member=rosters[LEADER_GROUP][-1],
        group=leader_group,
    )
    return DemoSummary(
        groups=len(groups),
        members=len({m.pk for roster in rosters.values() for m in roster}),
        wards=len(wards),
        logins=logins,
    )


def _sync(scope: QuerySet, rows: list[dict], *, key: tuple[str, ...]) -> list[Model]:
    """Create or update ``rows`` matched on their natural ``key`` within ``scope``.

    Returns the objects in the order of ``rows``. A few queries in all however many
    rows there are; rows that already match are not written, so a second run of the
    demo writes (almost) nothing.
    """
    existing = {tuple(getattr(obj, name) for name in key): obj for obj in scope}
    fields = sorted({name for row in rows for name in row} - set(key))
    to_create, to_update, objects = [], [], []
    for row in rows:
        obj = existing.get(tuple(row[name] for name in key))
        if obj is None:
            obj = scope.model(**row)
            to_create.append(obj)
        elif any(getattr(obj, name) != row[name] for name in fields):
            for name in fields:
                setattr(obj, name, row[name])
            to_update.append(obj)
        objects.append(obj)
    scope.model.objects.bulk_create(to_create)
    if to_update:
        scope.model.objects.bulk_update(to_update, fields)
    return objects


def _official_areas() -> tuple[Area, dict[str, Area]]:
    """The province and the demo communes/wards, loading the province's official list if needed."""
    codes = list(DEMO_WARDS)
    if Area.objects.filter(code__in=codes, depth=2).count() < len(codes):
        load_official_areas(province_codes=[PROVINCE_CODE])
    province = Area.objects.get(code=PROVINCE_CODE, depth=1)
    by_code = {area.code: area for area in Area.objects.filter(code__in=codes, depth=2)}
    return province, {code: by_code[code] for code in codes}


def _model_kinds() -> dict[str, ModelType]:
    """The kinds migration 0002 created (re-created if an administrator removed one)."""
    names = [*NEIGHBOURHOOD_KINDS, BORDER_AND_SEA, APARTMENTS, MARKET, INDUSTRIAL_PARK, YOUTH_CLUB]
    kinds = {name: ModelType.objects.get_or_create(name=name)[0] for name in names}
    kinds[MEDIATION] = ModelType.objects.get_or_create(
        name=MEDIATION, defaults={"is_mediation": True}
    )[0]
    return kinds


def _residential_unit(ward: Area, kind: str, name: str) -> Area:
    unit = Area.objects.within(ward).filter(depth=3, name=name).first()
    if unit is None:
        return Area.objects.add_child(ward, create_kwargs={"name": name, "kind": kind})
    if unit.kind != kind:
        unit.kind = kind
        unit.save(update_fields=["kind"])
    return unit


def _in_sentence(name: str) -> str:
    """ "Phường Hạ Long" → "phường Hạ Long", as it reads inside a sentence."""
    return name[:1].lower() + name[1:]


def _police_contacts(province: Area, wards: dict[str, Area]) -> dict[str, list[PoliceContact]]:
    """Three or four officers per demo ward, area officers first (they get escalations first),
    and the province duty desk, the last stop of every escalation."""
    rows, owners = [], []
    for number, (code, ward) in enumerate(wards.items()):
        for order, (rank, role) in enumerate(POLICE_RANKS[: 4 if number % 2 == 0 else 3], 1):
            person = POLICE_NUMBERS + number * 10 + order
            rows.append(
                {
                    "area_id": ward.pk,
                    "name": _name(person),
                    "rank_or_role": f"{rank}, {role.format(ward=_in_sentence(ward.name))}",
                    "phone": _phone(person),
                    "email": f"ca{ward.code}.{order}@example.com",
                    "order": order,
                    "active": True,
                }
            )
            owners.append(code)
    rows.append(
        {
            "area_id": province.pk,
            "name": f"Trực ban Công an tỉnh {province.name}",
            "rank_or_role": "Trực ban 24/7",
            "phone": _phone(POLICE_NUMBERS - 1),
            "email": f"trucban.ca{province.code}@example.com",
            "order": 1,
            "active": True,
        }
    )
    scope = PoliceContact.objects.filter(area__in=[province, *wards.values()])
    contacts = _sync(scope, rows, key=("area_id", "name"))
    by_ward: dict[str, list[PoliceContact]] = {}
    # The province duty contact comes last and has no ward: zip leaves it out.
    for code, contact in zip(owners, contacts, strict=False):
        by_ward.setdefault(code, []).append(contact)
    return by_ward


def _groups(
    specs: list[GroupSpec],
    *,
    wards: dict[str, Area],
    units: dict[tuple[str, str], Area],
    kinds: dict[str, ModelType],
) -> dict[str, SelfManagementGroup]:
    rows = []
    for number, spec in enumerate(specs):
        ward = wards[spec.ward]
        unit = units.get((spec.ward, spec.unit))
        rows.append(
            {
                "ward_id": ward.pk,
                "name": spec.name,
                "unit_id": unit.pk if unit else None,
                "founded": datetime.date(
                    2012 + number * 5 % 12, 1 + number * 7 % 12, 1 + number * 11 % 28
                ),
                "status": SelfManagementGroup.Status.ACTIVE,
                "dissolved_on": None,
                "conventions": CONVENTIONS[spec.roster].format(ward=_in_sentence(ward.name)),
            }
        )
    scope = SelfManagementGroup.objects.filter(ward__in=wards.values())
    groups = _sync(scope, rows, key=("ward_id", "name"))
    for spec, group in zip(specs, groups, strict=True):
        group.model_types.set([kinds[name] for name in spec.kinds])
    return {group.name: group for group in groups}


def _public_directory(wards: dict[str, Area], groups: dict[str, SelfManagementGroup]) -> None:
    """What residents see without a login: each demo ward's police duty number, and a
    contact for the neighbourhood groups that publish one (every other one; the rest
    show none, as a group that keeps its people private would)."""
    changed = []
    for number, ward in enumerate(wards.values()):
        phone = f"0203 3600 {101 + number}"  # invented landlines with Quang Ninh's 0203
        if ward.police_phone != phone:
            ward.police_phone = phone
            changed.append(ward)
    Area.objects.bulk_update(changed, ["police_phone"])
    changed = []
    for number, group in enumerate(groups.values()):
        contact = ""
        if number % 2 == 0 and group.name.startswith("Tổ tự quản"):
            contact = f"Điện thoại trực của tổ: {_phone(PUBLIC_CONTACT_NUMBERS + number)}"
        if group.public_contact != contact:
            group.public_contact = contact
            changed.append(group)
    SelfManagementGroup.objects.bulk_update(changed, ["public_contact"])


def _people(
    specs: list[GroupSpec], *, groups: dict[str, SelfManagementGroup], wards: dict[str, Area]
) -> dict[str, list[Member]]:
    """Every group's people, leader first; returns each group's roster by group name."""
    people: list[dict] = []
    seats: list[tuple[int, str, Seat]] = []  # (person, group name, seat)
    secretaries: dict[str, int] = {}
    for spec in specs:
        for seat in ROSTERS[spec.roster]:
            person = len(people)
            people.append(
                {
                    "phone": _phone(person),
                    "full_name": _name(person),
                    "address": f"{spec.unit or wards[spec.ward].name}, Quảng Ninh",
                    "is_mediator": seat.mediator,
                }
            )
            seats.append((person, spec.name, seat))
            if seat.role == R.PARTY_SECRETARY:
                secretaries[spec.unit] = person
        if spec.roster == "mediation":
            secretary = secretaries[spec.unit]
            people[secretary]["is_mediator"] = True
            seats.append((secretary, spec.name, SECRETARY_AS_MEDIATOR))

    members = _sync(
        Member.objects.filter(phone__in=[p["phone"] for p in people]), people, key=("phone",)
    )
    _sync(
        Membership.objects.filter(group__in=groups.values(), ended__isnull=True),
        [
            {
                "member_id": members[person].pk,
                "group_id": groups[name].pk,
                "role": seat.role,
                "is_leader": seat.leader,
                "is_deputy": seat.deputy,
                "started": groups[name].founded,
            }
            for person, name, seat in seats
        ],
        key=("member_id", "group_id"),
    )
    rosters: dict[str, list[Member]] = {}
    for person, name, _seat in seats:
        rosters.setdefault(name, []).append(members[person])
    return rosters


def _emergency_contacts(
    groups: dict[str, SelfManagementGroup],
    *,
    wards: dict[str, Area],
    officers: dict[str, list[PoliceContact]],
) -> None:
    """The group's own list: its ward's police first, then the national emergency numbers."""
    rows = []
    ward_of = {ward.pk: (code, ward) for code, ward in wards.items()}
    for group in groups.values():
        code, ward = ward_of[group.ward_id]
        duty = officers[code][0]
        entries = [
            (f"Công an {_in_sentence(ward.name)}", duty.rank_or_role, duty.phone),
            ("Cảnh sát 113", "Công an tỉnh Quảng Ninh", "113"),
            ("Cứu nạn, cứu hộ, chữa cháy", "Cảnh sát PCCC và CNCH", "114"),
            ("Cấp cứu 115", "Trung tâm Cấp cứu 115 Quảng Ninh", "115"),
        ]
        rows += [
            {"group_id": group.pk, "name": name, "organisation": org, "phone": phone, "order": n}
            for n, (name, org, phone) in enumerate(entries, start=1)
        ]
    scope = EmergencyContact.objects.filter(group__in=groups.values())
    _sync(scope, rows, key=("group_id", "name"))


TRAINING_TOPICS = [
    (Training.Topic.RECEIVING_REPORTS, "Tiếp nhận và xử lý ban đầu tin báo"),
    (Training.Topic.FIRE, "Kỹ năng phòng cháy, chữa cháy cơ bản"),
    (Training.Topic.INCIDENTS, "Xử lý tình huống về an ninh, trật tự"),
]


def _trainings(groups: dict[str, SelfManagementGroup], *, wards: dict[str, Area]) -> None:
    """The first unit of each ward had its two groups trained; the leader's group, three more."""
    rows = []
    for number, (code, units) in enumerate(DEMO_WARDS.items()):
        unit = units[0][1]
        topic, title = TRAINING_TOPICS[number % len(TRAINING_TOPICS)]
        held_on = datetime.date(2025, 3 + number, 10 + number)
        police = f"Công an {_in_sentence(wards[code].name)}"
        rows.append((groups[f"Tổ tự quản ANTT {unit}"], topic, title, held_on, police))
        rows.append(
            (
                groups[f"Tổ hòa giải {unit}"],
                Training.Topic.MEDIATION,
                "Kỹ năng hòa giải ở cơ sở",
                held_on + datetime.timedelta(days=14),
                "Phòng Tư pháp",
            )
        )
    leader_group = groups[LEADER_GROUP]
    police = f"Công an {_in_sentence(wards[POLICE_WARD].name)}"
    for month, (topic, title) in enumerate(TRAINING_TOPICS, start=9):
        rows.append((leader_group, topic, title, datetime.date(2024, month, 20), police))

    trained = [row[0] for row in rows]
    trainings = _sync(
        Training.objects.filter(group__in=trained),
        [
            {"group_id": g.pk, "topic": topic, "held_on": on, "title": title, "trainer": trainer}
            for g, topic, title, on, trainer in rows
        ],
        key=("group_id", "topic", "held_on"),
    )
    for group, training in zip(trained, trainings, strict=True):
        training.attendees.set(Member.objects.filter(memberships__group=group).distinct())


def _documents(group: SelfManagementGroup) -> None:
    documents = [
        (
            GroupDocument.Kind.HANDBOOK,
            "Sổ tay tổ tự quản về an ninh, trật tự",
            "Nhiệm vụ của tổ viên, cách ghi sổ tuần tra, cách tiếp nhận tin báo và "
            "những việc không được làm (không tự ý bắt giữ, khám xét).",
        ),
        (
            GroupDocument.Kind.SCENARIO,
            "Kịch bản xử lý ban đầu khi xảy ra cháy",
            "1. Hô hoán, gọi 114 và báo Công an phường.\n2. Ngắt điện, dùng bình chữa cháy "
            "tại chỗ.\n3. Đưa người ra khỏi khu vực cháy, giữ lối cho xe chữa cháy.",
        ),
    ]
    _sync(
        GroupDocument.objects.filter(group=group),
        [
            {"group_id": group.pk, "title": title, "kind": kind, "body": body}
            for kind, title, body in documents
        ],
        key=("group_id", "title"),
    )


def _demo_users(
    *,
    password: str,
    police_contact: PoliceContact,
    leader: Member,
    member: Member,
    group: SelfManagementGroup,
) -> list[DemoLogin]:
    ward = police_contact.area
    admin = _user(
        "admin", password, role=User.Role.PROVINCE_ADMIN, is_staff=True, is_superuser=True
    )
    police = _user("police", password, role=User.Role.WARD_POLICE, police_ward=ward)
    for user in (admin, police):
        demo_authenticator(user, password=password)
    leader_user = _user("leader", password, role=User.Role.COMMUNITY)
    member_user = _user("member", password, role=User.Role.COMMUNITY)
    for person, user in ((police_contact, police), (leader, leader_user), (member, member_user)):
        if person.user_id != user.pk:
            person.user = user
            person.save(update_fields=["user"])
    return [
        DemoLogin(admin.username, _("province administrator: everything, and /admin/")),
        DemoLogin(
            police.username,
            _("ward police of %(ward)s: the ward's dashboard, reports, escalations and groups")
            % {"ward": ward.name},
        ),
        DemoLogin(
            leader_user.username,
            _("leader of %(group)s: patrols, reports, mediation, members and trainings")
            % {"group": group.name},
        ),
        DemoLogin(
            member_user.username,
            _("member of %(group)s: sees the group, joins patrols, logs reports")
            % {"group": group.name},
        ),
    ]


def demo_authenticator_key(password: str) -> bytes:
    """The demo's authenticator key, derived from the published demo password: as
    public as the password, and as unfit for production (seed_demo refuses there)."""
    return hashlib.sha256(f"tuquan demo authenticator: {password}".encode()).digest()[:20]


def demo_authenticator(user: User, *, password: str) -> TOTPDevice:
    """The demo police and administrator must pass a second factor as real ones do;
    they get an authenticator whose key seed_demo prints, and
    ``manage.py demo_code`` shows its current code."""
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_AUTHENTICATOR,
        defaults={"key": demo_authenticator_key(password).hex(), "confirmed": True},
    )
    return device


def _user(
    username: str,
    password: str,
    *,
    role: str,
    police_ward: Area | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "role": role,
            "police_ward": police_ward,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "is_active": True,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
