"""Province-scale synthetic data for benchmarks: residential units, groups, people, police.

``manage.py generate_data`` runs the generator modules it lists, in order. Each one
exposes ``generate(*, options, world, log)``, which adds its rows and records in the
shared ``World`` what later generators need, and ``wipe(*, log)``, which removes its
rows again (wiping runs in reverse order). This module is the first of them and also
holds the pieces every generator uses: ``Options``, ``World``, ``StepLog``,
``copy_rows`` (PostgreSQL COPY), ``bulk_load`` (constraints lifted for the load
and checked again after it), ``reserve_ids``, ``delete_rows``, ``cumulative``
and ``person_name``.

Generated rows carry a mark, so ``--wipe`` finds them and nothing else:

- residential units: ``code`` starts with ``SYN-`` (official codes are digits);
- groups: ``notes`` is ``MARK``; their memberships go with them, and so do the
  members who belong to no other group;
- logins: ``username`` starts with ``syn-``, with an unusable password;
- police contacts: an e-mail address at ``synthetic.example``;
- every other generated row (reports, …) hangs off a generated unit or group.

The people, phone numbers and places are invented; the communes and wards are
Quảng Ninh's official ones (``load_official_areas``), or with ``Options.provinces``
set to None (``generate_data --national``) those of all 34 provinces.
"""

import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import CASCADE, NOT_PROVIDED, SET_NULL, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

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
    Member,
    Membership,
    ModelType,
    PoliceContact,
    SelfManagementGroup,
    User,
)

PROVINCE_CODE = "22"  # Quảng Ninh
# Where the units of a province are placed on the map when the whole country is
# generated: anywhere in Vietnam's bounding box (the map only needs points).
NATIONAL_LATITUDES, NATIONAL_LONGITUDES = (8.6, 23.3), (102.2, 109.4)
QUANG_NINH_LATITUDES, QUANG_NINH_LONGITUDES = (20.9, 21.55), (106.5, 107.95)
MARK = "synthetic data (manage.py generate_data)"
UNIT_CODE_PREFIX = "SYN-"
USERNAME_PREFIX = "syn-"
EMAIL_DOMAIN = "synthetic.example"
# Starts with "!", so Django treats it as an unusable password: nobody signs in as
# a generated user; benchmarks use force_login or call the domain functions.
UNUSABLE_PASSWORD = "!synthetic"  # noqa: S105 - no password opens it


# What every generator shares -------------------------------------------------


@dataclass(frozen=True)
class Options:
    groups: int
    reports: int
    years: int
    seed: int
    now: datetime
    # Official codes of the provinces to fill; None for every province (the national preset).
    provinces: tuple[str, ...] | None = (PROVINCE_CODE,)

    def rng(self, name: str) -> random.Random:
        """A generator of its own per module, so adding one never changes another's rows."""
        # Synthetic data must be reproducible from --seed; nothing here is a secret.
        return random.Random(f"{self.seed}:{name}")  # noqa: S311


@dataclass(frozen=True)
class Unit:
    id: int
    ward_id: int
    name: str
    weight: float  # share of the province's people, and so of its incidents
    latitude: float
    longitude: float


@dataclass(frozen=True)
class GroupInfo:
    id: int
    ward_id: int
    unit_id: int | None
    kind_ids: frozenset[int]
    active: bool
    leader_user_id: int | None


@dataclass
class World:
    """What the generators made so far, for the ones after them."""

    province: Area | None = None  # the first of ``provinces``
    provinces: list[Area] = field(default_factory=list)
    wards: dict[int, Area] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    groups: list[GroupInfo] = field(default_factory=list)
    police_user_ids: dict[int, int] = field(default_factory=dict)  # ward id → user id
    kinds: dict[str, ModelType] = field(default_factory=dict)


class StepLog:
    """Times each step and prints what it made."""

    def __init__(self, write: Callable[[str], None]):
        self.write = write
        self.steps: list[tuple[str, float, dict[str, int]]] = []

    @contextmanager
    def step(self, name: str) -> Iterator[dict[str, int]]:
        counts: dict[str, int] = {}
        started = time.perf_counter()
        yield counts
        elapsed = time.perf_counter() - started
        self.steps.append((name, elapsed, counts))
        made = ", ".join(f"{count:,} {label}" for label, count in counts.items())
        self.write(f"{name:<26} {elapsed:7.1f} s  {made}")


def copy_rows(
    *, model: type[Model], fields: list[str], rows: Iterable[tuple], microseconds: bool = False
) -> int:
    """Write ``rows`` (values in the order of ``fields``) to ``model``'s table with COPY.

    The column list is explicit. A column left out gets the database's default or
    NULL, except a NOT NULL one without a database default: that gets the field's
    Python default (Django's empty string for text), evaluated once for all rows, so
    that a field another app adds later does not break the generators; one with no
    default at all raises ValueError. Returns the rows written.

    With ``microseconds``, every date-time value is given as an integer count of
    microseconds since 2000-01-01 UTC. Binary COPY sends a timestamptz as exactly
    that 64-bit integer, so the rows can carry plain integers: making a datetime
    for each of a few million values costs more than the rest of the row.
    """
    quote = connection.ops.quote_name
    defaulted, defaults = _defaults(model, fields)
    columns = [
        model_field.column
        for model_field in [*(model._meta.get_field(name) for name in fields), *defaulted]
    ]
    table = model._meta.db_table
    written = 0
    with connection.cursor() as cursor:
        # Binary COPY: cheaper to write here and to read on the server than text.
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass",
            [table],
        )
        types = dict(cursor.fetchall())
        if microseconds:
            cursor.execute("SELECT 'timestamptz'::regtype::oid, 'int8'::regtype::oid")
            timestamptz, int8 = cursor.fetchone()
            types = {column: int8 if oid == timestamptz else oid for column, oid in types.items()}
        column_list = ", ".join(quote(column) for column in columns)
        with cursor.copy(f"COPY {quote(table)} ({column_list}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([types[column] for column in columns])
            for row in rows:
                copy.write_row(row + defaults if defaults else row)
                written += 1
    return written


# Below this many rows, lifting and restoring constraints costs more than it saves.
BULK_ROWS = 20_000


def _defaults(model: type[Model], fields: list[str]) -> tuple[list, tuple]:
    """The NOT NULL fields missing from ``fields`` that the database cannot fill, with
    the values Django would give them."""
    missing = [
        model_field
        for model_field in model._meta.concrete_fields
        if model_field.name not in fields
        and not model_field.null
        and not model_field.primary_key
        and not model_field.generated
        and model_field.db_default is NOT_PROVIDED
    ]
    values = []
    for model_field in missing:
        value = model_field.get_default()
        if value is None:
            raise ValueError(f"{model.__name__}.{model_field.name} has no default: give it")
        values.append(model_field.get_db_prep_save(value, connection))
    return missing, tuple(values)


@contextmanager
def bulk_load(
    *models: type[Model], log: StepLog, indexes: bool = True, rows: int | None = None
) -> Iterator[None]:
    """Lift the foreign keys on and to ``models``' tables (and, with ``indexes``, their
    secondary indexes and unique constraints) for a bulk write, then put them back.

    PostgreSQL's advice for populating a database: a foreign key is checked row by
    row (a million reports made tens of millions of checks, queued until commit),
    while adding it back checks every row in one join; an index built once is far
    cheaper than one kept up to date row by row. Everything happens in the caller's
    transaction, so if anything fails the rollback brings the constraints back as
    they were, and once it succeeds every row has been checked.

    ``rows``, if given, is about how many rows the block writes or deletes; below
    BULK_ROWS the constraints simply stay.
    """
    if rows is not None and rows < BULK_ROWS:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("bulk_load must run inside a transaction")
    tables = [model._meta.db_table for model in models]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A table with checks still queued for commit cannot be altered: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])) "
            "ORDER BY 1, 2",
            [tables, tables],
        )
        foreign_keys = cursor.fetchall()
        uniques, index_definitions = [], []
        if indexes:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'u' AND conrelid = ANY(%s::regclass[]) "
                "ORDER BY 1, 2",
                [tables],
            )
            uniques = cursor.fetchall()
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) "
                "FROM pg_index AS i WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid) "
                "ORDER BY 1",
                [tables],
            )
            index_definitions = cursor.fetchall()
        for table, name, _definition in [*foreign_keys, *uniques]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in index_definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with log.step(_("indexes and foreign keys")) as made, connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in index_definitions:
            cursor.execute(definition)
        for table, name, definition in [*uniques, *foreign_keys]:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        made[_("indexes")] = len(index_definitions) + len(uniques)
        made[_("foreign keys")] = len(foreign_keys)


def reserve_ids(model: type[Model], count: int) -> int:
    """The first of ``count`` consecutive primary keys that no other insert will take.

    Rows written with COPY carry these ids, so rows pointing to them can be
    written in the same pass. The table stays locked against other writers until
    the transaction ends, so nobody draws from the sequence in between.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN EXCLUSIVE MODE")
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def delete_rows(queryset: QuerySet) -> int:
    """Delete ``queryset`` in SQL, after the rows that cascade from it; returns the rows deleted.

    ``QuerySet.delete()`` loads every object into memory first, which for a
    million reports takes minutes and gigabytes. This follows the same
    ``on_delete`` rules (CASCADE deletes, SET_NULL clears; PROTECT is left to the
    database's foreign keys, checked at commit) with one statement per table, so
    tables that later apps add are covered without changes here.
    """
    model = queryset.model
    ids = queryset.order_by().values("pk")
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        if relation.related_model is model:
            continue  # rows of the same table go in the one statement below
        if relation.related_model._meta.db_table not in _tables():
            continue  # an app whose migrations have not run yet holds no rows
        related = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        if relation.on_delete is CASCADE:
            delete_rows(related)
        elif relation.on_delete is SET_NULL:
            related.update(**{relation.field.name: None})
    sql, params = ids.query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608  # nosec B608  # quoted model identifiers; values are parameters
            f"WHERE {quote(model._meta.pk.column)} IN ({sql})",
            params,
        )
        return cursor.rowcount


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


# Areas -------------------------------------------------------------------------

# Residential units per commune/ward, and their names by the commune's kind.
UNITS_PER_WARD = (20, 60)
VILLAGE_NAMES = [
    "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Tân Tiến", "Đồng Tâm",
    "Hòa Bình", "Thống Nhất", "Quyết Thắng", "Đoàn Kết", "Bình Minh", "Đông Hải", "Tây Hải",
    "Cái Bầu", "Đồng Mỏ", "Khe Tù", "Nà Pá", "Phai Làu", "Pắc Hoóc", "Đồng Giữa", "Xóm Mới",
    "Hải Sơn", "Làng Cổ", "Cẩm Hải", "Vạn Ninh", "Minh Châu", "Quan Lạn", "Ngọc Vừng",
    "Bãi Dài", "Đài Mỏ", "Tiên Phong", "Phong Cốc", "Yên Hưng", "Liên Hòa", "Hà An", "Cống Mương",
    "Tân Mới", "Bình Hải", "Vĩnh Thực", "Hải Tiến", "Quảng Đức", "Pò Hèn", "Bắc Sơn", "Nam Sơn",
]  # fmt: skip
HAMLET_NAMES = ["Khe Lạc", "Nà Sa", "Lý Quáng", "Khe Vằn", "Nà Làng", "Pạc Sủi", "Tài Chi"]


def _unit_names(rng: random.Random, ward: Area, count: int) -> list[tuple[str, str]]:
    """(kind, name) of ``count`` distinct residential units, as the commune's kind has them."""
    if ward.kind == AreaKind.WARD:
        style = rng.choice(
            [
                (AreaKind.RESIDENTIAL_GROUP, "Tổ dân phố {n}"),
                (AreaKind.NEIGHBOURHOOD, "Khu phố {n}"),
                (AreaKind.QUARTER, "Khu {n}"),
            ]
        )
        return [(style[0], style[1].format(n=n)) for n in range(1, count + 1)]
    villages = rng.sample(VILLAGE_NAMES, min(count, len(VILLAGE_NAMES)))
    names = []
    for n in range(count):
        if n < len(villages):
            if ward.kind == AreaKind.COMMUNE and rng.random() < 0.12:
                names.append((AreaKind.HAMLET, f"Bản {rng.choice(HAMLET_NAMES)} {n + 1}"))
            else:
                names.append((AreaKind.VILLAGE, f"Thôn {villages[n]}"))
        else:
            names.append((AreaKind.QUARTER, f"Khu {n + 1}"))
    return names


def _database_order(names: list[str]) -> list[str]:
    # treebeard compares sibling names in the database, so its collation decides the order.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM unnest(%s::varchar[]) AS t(name) ORDER BY name", [names])
        return [name for (name,) in cursor.fetchall()]


def _areas(rng: random.Random, options: Options, world: World) -> int:
    """The provinces' official communes/wards (Quảng Ninh's unless told otherwise), and
    generated residential units under each."""
    codes = list(options.provinces) if options.provinces is not None else None
    load_official_areas(province_codes=codes)
    provinces = Area.objects.filter(depth=1).order_by("path")
    if codes is not None:
        provinces = provinces.filter(code__in=codes)
    world.provinces = list(provinces)
    world.province = world.provinces[0]
    wards = [ward for province in world.provinces for ward in Area.objects.get_children(province)]
    world.wards = {ward.pk: ward for ward in wards}
    if codes is None:
        latitudes, longitudes = NATIONAL_LATITUDES, NATIONAL_LONGITUDES
    else:
        latitudes, longitudes = QUANG_NINH_LATITUDES, QUANG_NINH_LONGITUDES
    new_units, placed = [], []
    serial = 0
    for ward in wards:
        existing = set(Area.objects.get_children(ward).values_list("name", flat=True))
        wanted = [
            (kind, name)
            for kind, name in _unit_names(rng, ward, rng.randint(*UNITS_PER_WARD))
            if name not in existing
        ]
        kind_of = {name: kind for kind, name in wanted}
        # New units go after the ward's existing ones, in name order among themselves:
        # the tree stays sound and treebeard's sorted inserts keep working.
        last = Area.objects.get_children(ward).last()
        step = last._get_lastpos_in_path() if last else 0
        centre = (rng.uniform(*latitudes), rng.uniform(*longitudes))
        for name in _database_order(list(kind_of)):
            step += 1
            serial += 1
            new_units.append(
                Area(
                    path=Area._get_path(ward.path, ward.depth + 1, step),
                    depth=ward.depth + 1,
                    numchild=0,
                    name=name,
                    kind=kind_of[name],
                    code=f"{UNIT_CODE_PREFIX}{serial:06d}",
                )
            )
            # Urban wards are denser than villages; a lognormal spread gives a few busy units.
            density = 2.0 if ward.kind == AreaKind.WARD else 1.0
            placed.append((ward, density * rng.lognormvariate(0, 0.6), centre))
        ward.numchild += len(kind_of)
    Area.objects.bulk_create(new_units, batch_size=2000)
    Area.objects.bulk_update(wards, ["numchild"])
    total = sum(weight for _ward, weight, _centre in placed)
    world.units = [
        Unit(
            id=area.pk,
            ward_id=ward.pk,
            name=area.name,
            weight=weight / total,
            latitude=centre[0] + rng.gauss(0, 0.02),
            longitude=centre[1] + rng.gauss(0, 0.02),
        )
        for area, (ward, weight, centre) in zip(new_units, placed, strict=True)
    ]
    return len(new_units)


def _in_sentence(name: str) -> str:
    return name[:1].lower() + name[1:]


def _short(ward: Area) -> str:
    """ "Phường Hạ Long" → "Hạ Long"."""
    for prefix in ("Phường ", "Xã ", "Đặc khu "):
        if ward.name.startswith(prefix):
            return ward.name.removeprefix(prefix)
    return ward.name


# People ------------------------------------------------------------------------


def person_name(rng: random.Random) -> str:
    if rng.random() < 0.4:
        middle, given = FEMALE_MIDDLE, FEMALE_GIVEN
    else:
        middle, given = MALE_MIDDLE, MALE_GIVEN
    return f"{rng.choice(SURNAMES)} {rng.choice(middle)} {rng.choice(given)}"


def _phone(n: int) -> str:
    # 08… numbers (the demo uses 09…); 7919 is coprime with 10**8, so each n differs.
    return f"08{(13572468 + 7919 * n) % 10**8:08d}"


def _police(rng: random.Random, world: World) -> tuple[int, int]:
    """Three officers per commune/ward, the first with a login, and the province duty desk."""
    users = [
        User(
            username=f"{USERNAME_PREFIX}police-{ward.code}",
            password=UNUSABLE_PASSWORD,
            role=User.Role.WARD_POLICE,
            police_ward=ward,
        )
        for ward in world.wards.values()
    ]
    User.objects.bulk_create(users)
    world.police_user_ids = {user.police_ward_id: user.pk for user in users}
    ranks = [
        ("Đại úy", "Cảnh sát khu vực"),
        ("Thượng úy", "Cảnh sát khu vực"),
        ("Thiếu tá", "Phó Trưởng Công an {ward}"),
    ]
    contacts = []
    for n, ward in enumerate(world.wards.values()):
        for order, (rank, role) in enumerate(ranks, start=1):
            contacts.append(
                PoliceContact(
                    area=ward,
                    name=person_name(rng),
                    rank_or_role=f"{rank}, {role.format(ward=_in_sentence(ward.name))}",
                    phone=_phone(900_000 + n * 10 + order),
                    email=f"ca{ward.code}.{order}@{EMAIL_DOMAIN}",
                    order=order,
                    user_id=world.police_user_ids[ward.pk] if order == 1 else None,
                )
            )
    for n, province in enumerate(world.provinces):
        for order, name in enumerate(
            [f"Trực ban Công an tỉnh {province.name}", "Phòng Tham mưu Công an tỉnh"], start=1
        ):
            contacts.append(
                PoliceContact(
                    area=province,
                    name=name,
                    rank_or_role="Trực ban 24/7",
                    phone=_phone(999_000 + n * 10 + order),
                    email=f"trucban{order}.ca{province.code}@{EMAIL_DOMAIN}",
                    order=order,
                )
            )
    PoliceContact.objects.bulk_create(contacts)
    return len(users), len(contacts)


# Groups ------------------------------------------------------------------------

# A neighbourhood group carries two kinds, drawn with these weights.
NEIGHBOURHOOD_KINDS = {
    FIVE_FAMILIES: 25,
    DRUG_FREE: 18,
    CRIME_FREE: 15,
    BRIGHT_CLEAN: 12,
    TIP_BOX: 10,
    SAFE_CLUSTER: 10,
    CULTURAL_FAMILY: 10,
}
NEIGHBOURHOOD_NAMES = {
    FIVE_FAMILIES: "Tổ liên gia tự quản {unit}",
    DRUG_FREE: "Tổ tự quản phòng, chống ma túy {unit}",
    CRIME_FREE: "Tổ tự quản ANTT {unit}",
    BRIGHT_CLEAN: "Tổ tự quản khu dân cư sáng, sạch, an toàn {unit}",
    TIP_BOX: "Tổ tự quản ANTT {unit}",
    SAFE_CLUSTER: "Cụm an toàn ANTT {unit}",
    CULTURAL_FAMILY: "Tổ an toàn {unit}",
}


@dataclass(frozen=True)
class Sort:
    """A sort of group: its share of all groups, where it stands, what it is called."""

    weight: float
    kinds: tuple[str, ...]  # empty: two neighbourhood kinds
    names: tuple[str, ...]
    leader: str
    others: dict[str, float]  # roles of the other members, with weights
    # A ward-wide group receives every suitable report of its commune/ward, so there
    # are few of them: a central market, an industrial park.
    ward_wide: bool = False
    commune_kinds: tuple[str, ...] = (AreaKind.WARD, AreaKind.COMMUNE, AreaKind.SPECIAL_ZONE)


R = Membership.Role
NEIGHBOURHOOD_ROLES = {R.CADRE: 3, R.PARTY_SECRETARY: 1, R.VOLUNTEER: 6}
MARKET_ROLES = {R.SECURITY_GUARD: 4, R.VOLUNTEER: 5, R.CADRE: 1}
INDUSTRIAL_ROLES = {R.SECURITY_GUARD: 6, R.POLICE_OFFICER: 1, R.VOLUNTEER: 3}
SORTS = {
    "neighbourhood": Sort(0.60, (), (), R.VILLAGE_HEAD, NEIGHBOURHOOD_ROLES),
    "mediation": Sort(
        0.18,
        (MEDIATION,),
        ("Tổ hòa giải {unit}",),
        R.MEDIATION_HEAD,
        {R.VOLUNTEER: 6, R.CADRE: 2, R.PARTY_SECRETARY: 1},
    ),
    "youth": Sort(
        0.04,
        (YOUTH_CLUB,),
        ("CLB Thanh niên với pháp luật {unit}",),
        R.CADRE,
        {R.VOLUNTEER: 1},
    ),
    "market": Sort(0.03, (MARKET,), ("Tổ tự quản chợ {unit}",), R.CADRE, MARKET_ROLES),
    "central market": Sort(
        0.006,
        (MARKET,),
        ("Tổ tự quản chợ trung tâm {short}",),
        R.CADRE,
        MARKET_ROLES,
        ward_wide=True,
    ),
    "apartment": Sort(
        0.04,
        (APARTMENTS,),
        ("Tổ tự quản chung cư {unit}",),
        R.CADRE,
        {R.VOLUNTEER: 7, R.SECURITY_GUARD: 3},
        commune_kinds=(AreaKind.WARD,),
    ),
    "industrial": Sort(
        0.004,
        (INDUSTRIAL_PARK,),
        ("Tổ tuần tra liên kết KCN {short}",),
        R.SECURITY_GUARD,
        INDUSTRIAL_ROLES,
        ward_wide=True,
        commune_kinds=(AreaKind.WARD, AreaKind.COMMUNE),
    ),
    "factory": Sort(
        0.025,
        (INDUSTRIAL_PARK,),
        ("Tổ tuần tra liên kết nhà máy {unit}",),
        R.SECURITY_GUARD,
        INDUSTRIAL_ROLES,
    ),
    "border": Sort(
        0.07,
        (BORDER_AND_SEA,),
        (
            "Tổ tự quản đường biên, mốc giới {unit}",
            "Tổ tự quản ngư trường {unit}",
            "Tổ tự quản bến bãi {unit}",
        ),
        R.VILLAGE_HEAD,
        {R.VOLUNTEER: 6, R.CADRE: 2},
        commune_kinds=(AreaKind.COMMUNE, AreaKind.SPECIAL_ZONE),
    ),
}
MEMBERS_PER_GROUP = (8, 15)
DISSOLVED_SHARE = 0.03
LEFT_SHARE = 0.06  # members whose membership has ended


def _model_kinds() -> dict[str, ModelType]:
    """The kinds migration 0002 seeds (re-created if an administrator removed one)."""
    names = {*NEIGHBOURHOOD_KINDS, *(kind for sort in SORTS.values() for kind in sort.kinds)}
    kinds = {}
    for name in sorted(names):
        kinds[name] = ModelType.objects.get_or_create(
            name=name, defaults={"is_mediation": name == MEDIATION}
        )[0]
    return kinds


@dataclass
class _Planned:
    sort: str
    ward: Area
    unit: Unit | None
    kinds: tuple[str, ...]
    name: str


def _plan_groups(rng: random.Random, world: World, count: int) -> list[_Planned]:
    """Spread ``count`` groups over the province.

    Nearly every residential unit has a group and few have more than three: a
    unit is drawn by its share of the people, and kept with a chance that falls
    with the groups it has already (1, 1/4, 1/9, …), so busier units get a
    second or third group before any unit gets a tenth.
    """
    # Where each sort may stand, with cumulative weights for rng.choices.
    places: dict[str, tuple[list, list[float]]] = {}
    for sort_name, sort in SORTS.items():
        if sort.ward_wide:
            wards = [w for w in world.wards.values() if w.kind in sort.commune_kinds]
            share = Counter()
            for unit in world.units:
                share[unit.ward_id] += unit.weight
            places[sort_name] = (wards, cumulative([share[w.pk] for w in wards]))
        else:
            units = [u for u in world.units if world.wards[u.ward_id].kind in sort.commune_kinds]
            places[sort_name] = (units, cumulative([u.weight for u in units]))
    sort_names = list(SORTS)
    sort_weights = cumulative([SORTS[name].weight for name in sort_names])
    used_names: Counter[tuple[int, str]] = Counter()
    groups_in: Counter[int] = Counter()
    planned = []
    for _n in range(count):
        sort_name = rng.choices(sort_names, cum_weights=sort_weights)[0]
        sort = SORTS[sort_name]
        candidates, weights = places[sort_name]
        while True:
            place = rng.choices(candidates, cum_weights=weights)[0]
            if sort.ward_wide or rng.random() * (1 + groups_in[place.id]) ** 2 < 1:
                break
        groups_in[place.id] += 1
        unit = None if sort.ward_wide else place
        ward = place if sort.ward_wide else world.wards[place.ward_id]
        if sort.kinds:
            kinds = sort.kinds
            template = rng.choice(sort.names)
        else:
            first, second = _two_kinds(rng)
            kinds = (first, second)
            template = NEIGHBOURHOOD_NAMES[first]
        name = template.format(unit=unit.name if unit else "", short=_short(ward))
        used_names[(ward.pk, name)] += 1
        if (serial := used_names[(ward.pk, name)]) > 1:
            name = f"{name} số {serial}"  # names are unique within a commune/ward
        planned.append(_Planned(sort_name, ward, unit, kinds, name))
    return planned


def cumulative(weights: list[float]) -> list[float]:
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _two_kinds(rng: random.Random) -> tuple[str, str]:
    names, weights = list(NEIGHBOURHOOD_KINDS), list(NEIGHBOURHOOD_KINDS.values())
    first = rng.choices(names, weights)[0]
    while (second := rng.choices(names, weights)[0]) == first:
        pass
    return first, second


def _random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _groups(
    rng: random.Random, options: Options, world: World
) -> tuple[list[SelfManagementGroup], list[_Planned]]:
    kinds = world.kinds = _model_kinds()
    today = options.now.date()
    planned = _plan_groups(rng, world, options.groups)
    groups = []
    for plan in planned:
        founded = _random_date(rng, date(2010, 1, 1), today - timedelta(days=365))
        dissolved = rng.random() < DISSOLVED_SHARE
        groups.append(
            SelfManagementGroup(
                name=plan.name,
                ward=plan.ward,
                unit_id=plan.unit.id if plan.unit else None,
                founded=founded,
                status=(
                    SelfManagementGroup.Status.DISSOLVED
                    if dissolved
                    else SelfManagementGroup.Status.ACTIVE
                ),
                dissolved_on=(
                    _random_date(rng, founded + timedelta(days=365), today - timedelta(days=30))
                    if dissolved
                    else None
                ),
                notes=MARK,
            )
        )
    SelfManagementGroup.objects.bulk_create(groups, batch_size=2000)
    Through = SelfManagementGroup.model_types.through
    Through.objects.bulk_create(
        [
            Through(selfmanagementgroup_id=group.pk, modeltype_id=kinds[name].pk)
            for group, plan in zip(groups, planned, strict=True)
            for name in plan.kinds
        ],
        batch_size=5000,
    )
    return groups, planned


def _world_groups(
    world: World, groups: list[SelfManagementGroup], planned: list[_Planned], leaders: dict
) -> list[GroupInfo]:
    return [
        GroupInfo(
            id=group.pk,
            ward_id=group.ward_id,
            unit_id=group.unit_id,
            kind_ids=frozenset(world.kinds[name].pk for name in plan.kinds),
            active=group.status == SelfManagementGroup.Status.ACTIVE,
            leader_user_id=leaders.get(group.pk),
        )
        for group, plan in zip(groups, planned, strict=True)
    ]


def _people(
    rng: random.Random,
    *,
    options: Options,
    groups: list[SelfManagementGroup],
    planned: list[_Planned],
) -> tuple[dict[int, int], dict[str, int]]:
    """Members and memberships with COPY; a login for each active group's leader.

    Returns the leader's user id by group id, and the rows written.
    """
    today = options.now.date()
    members, memberships = [], []  # rows for COPY, ids filled in below
    leader_of: dict[int, int] = {}  # group id → index of its leader in ``members``
    for group, plan in zip(groups, planned, strict=True):
        sort = SORTS[plan.sort]
        size = rng.randint(*MEMBERS_PER_GROUP)
        roles, weights = list(sort.others), list(sort.others.values())
        place = f"{plan.unit.name}, {plan.ward.name}" if plan.unit else plan.ward.name
        for seat in range(size):
            person = len(members)
            members.append((person_name(rng), _phone(person), place, plan.sort == "mediation"))
            leader, deputy = seat == 0, seat == 1 and size >= 10
            started = _random_date(rng, group.founded, today - timedelta(days=30))
            ended = None
            if not (leader or deputy) and rng.random() < LEFT_SHARE:
                ended = _random_date(rng, started, today - timedelta(days=1))
            if leader:
                leader_of[group.pk] = person
            role = sort.leader if leader else rng.choices(roles, weights)[0]
            memberships.append((person, group.pk, role, leader, deputy, started, ended))

    active = {g.pk for g in groups if g.status == SelfManagementGroup.Status.ACTIVE}
    users = [
        User(
            username=f"{USERNAME_PREFIX}leader-{n:05d}",
            password=UNUSABLE_PASSWORD,
            role=User.Role.COMMUNITY,
            phone=members[leader_of[group_id]][1],
        )
        for n, group_id in enumerate(sorted(active), start=1)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    user_of_person = {
        leader_of[group_id]: user.pk for group_id, user in zip(sorted(active), users, strict=True)
    }

    first_member = reserve_ids(Member, len(members))
    made = {_("leader logins"): len(users)}
    made[_("members")] = copy_rows(
        model=Member,
        fields=["id", "full_name", "phone", "address", "is_mediator", "user"],
        rows=((first_member + n, *row, user_of_person.get(n)) for n, row in enumerate(members)),
    )
    made[_("memberships")] = copy_rows(
        model=Membership,
        fields=["member", "group", "role", "is_leader", "is_deputy", "started", "ended"],
        rows=((first_member + person, *rest) for person, *rest in memberships),
    )
    return {group_id: user_of_person[leader_of[group_id]] for group_id in active}, made


# The generator's interface --------------------------------------------------------


def generated_rows_exist() -> bool:
    return (
        Area.objects.filter(code__startswith=UNIT_CODE_PREFIX).exists()
        or SelfManagementGroup.objects.filter(notes=MARK).exists()
    )


def generate(*, options: Options, world: World, log: StepLog) -> None:
    rng = options.rng("groups")
    with log.step(_("areas")) as made:
        made[_("residential units")] = _areas(rng, options, world)
    with log.step(_("police")) as made:
        made[_("ward police logins")], made[_("police contacts")] = _police(rng, world)
    with log.step(_("groups")) as made:
        groups, planned = _groups(rng, options, world)
        made[_("groups")] = len(groups)
    members = options.groups * sum(MEMBERS_PER_GROUP) // 2
    with bulk_load(Member, Membership, log=log, rows=members), log.step(_("members")) as made:
        leaders, counts = _people(rng, options=options, groups=groups, planned=planned)
        made.update(counts)
    world.groups = _world_groups(world, groups, planned, leaders)


def wipe(*, log: StepLog) -> None:
    with log.step(_("wipe groups and areas")) as gone:
        groups = SelfManagementGroup.objects.filter(notes=MARK)
        people = Member.objects.filter(memberships__group__in=groups).exclude(
            memberships__group__in=SelfManagementGroup.objects.exclude(notes=MARK)
        )
        users = User.objects.filter(username__startswith=USERNAME_PREFIX)
        # Members first: once the groups are gone, nothing tells whose they were.
        member_ids = list(people.values_list("pk", flat=True))
        gone[_("members")] = delete_rows(
            Member.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [member_ids]))
        )
        gone[_("groups")] = delete_rows(groups)
        gone[_("police contacts")] = delete_rows(
            PoliceContact.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        )
        gone[_("logins")] = delete_rows(users)
        units = Area.objects.filter(depth=3, code__startswith=UNIT_CODE_PREFIX)
        wards = list(Area.objects.filter(depth=2, pk__in=_parents(units)))
        gone[_("residential units")] = delete_rows(units)
        for ward in wards:
            ward.numchild = Area.objects.get_children(ward).count()
        Area.objects.bulk_update(wards, ["numchild"])


def _parents(units: QuerySet) -> list[int]:
    paths = {path[: -Area.steplen] for path in units.values_list("path", flat=True)}
    return list(Area.objects.filter(path__in=paths).values_list("pk", flat=True))
