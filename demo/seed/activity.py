"""Two years of believable activity for the demo of demo/seed/groups.py.

Reports, patrols and mediation cases in the seven demo communes/wards, made by the
province-scale generators of each app (``demo/seed/reports.py``, ``demo/seed/patrols.py``,
``demo/seed/mediation.py`` call their ``synthetic`` modules) on a ``World`` that
describes the demo's units and groups instead of generated ones. So the demo
shows the same mix of categories, channels, statuses, handling times, patrol
rhythms and mediation outcomes as the benchmarks, at a few hundred rows.

Each app adds its history only while the demo wards hold none of it, so running
``seed_demo`` again adds nothing; what must be true *now* (a few overdue reports
in the police login's ward, a patrol of the leader's group under way) is
checked and restored on every run. ``manage.py seed_demo`` calls
``seed_demo_activity`` after ``seed_demo`` and then runs the escalation sweep.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from demo.seed.groups import DEMO_WARDS, LEADER_GROUP, POLICE_WARD, WARD_CENTRES, group_specs
from demo.seed.mediation import seed_demo_mediation
from demo.seed.patrols import seed_demo_patrols
from demo.seed.reports import seed_demo_reports
from demo.synthetic.groups import GroupInfo, Options, Unit, World
from groups.models import Area, AreaKind, Membership, PoliceContact, SelfManagementGroup, User

SEED = 2025  # the same demo every time, up to the day it is made
YEARS = 2
# The police login's ward is the busy city centre: its units draw more reports, so
# its own dashboard's figures are not a handful.
BUSY_WARD_WEIGHT, URBAN_WEIGHT, RURAL_WEIGHT = 6.0, 2.0, 1.0
# Units lie around their ward's centre, a few hundred metres apart.
UNIT_SPREAD = 0.006  # degrees


@dataclass
class ActivitySummary:
    reports: int = 0
    patrol_logs: int = 0
    mediation_cases: int = 0


def demo_world() -> World:
    """The demo's wards, units, groups and ward police as the synthetic generators see them."""
    wards = {area.code: area for area in Area.objects.filter(depth=2, code__in=DEMO_WARDS)}
    world = World(wards={ward.pk: ward for ward in wards.values()})
    raw = []
    for code, units in DEMO_WARDS.items():
        ward = wards[code]
        names = [name for _kind, name in units]
        found = {
            unit.name: unit
            for unit in Area.objects.within(ward).filter(depth=3, name__in=names).order_by("path")
        }
        latitude, longitude = WARD_CENTRES[code]
        if code == POLICE_WARD:
            weight = BUSY_WARD_WEIGHT
        elif ward.kind == AreaKind.WARD:
            weight = URBAN_WEIGHT
        else:
            weight = RURAL_WEIGHT
        for number, name in enumerate(names):
            # Spread the units on a small ring around the centre, the same every run.
            offset = UNIT_SPREAD * (number - (len(names) - 1) / 2)
            raw.append((found[name], ward, weight, latitude + offset / 2, longitude + offset))
    total = sum(weight for _unit, _ward, weight, _lat, _lon in raw)
    world.units = [
        Unit(
            id=unit.pk,
            ward_id=ward.pk,
            name=unit.name,
            weight=weight / total,
            latitude=lat,
            longitude=lon,
        )
        for unit, ward, weight, lat, lon in raw
    ]
    names = {spec.name for spec in group_specs()}
    groups = (
        SelfManagementGroup.objects.filter(ward__in=world.wards.values(), name__in=names)
        .prefetch_related("model_types")
        .order_by("pk")
    )
    leader_users = dict(
        Membership.objects.current()
        .filter(group__in=groups, is_leader=True, member__user__isnull=False)
        .values_list("group_id", "member__user_id")
    )
    world.groups = [
        GroupInfo(
            id=group.pk,
            ward_id=group.ward_id,
            unit_id=group.unit_id,
            kind_ids=frozenset(kind.pk for kind in group.model_types.all()),
            active=group.status == SelfManagementGroup.Status.ACTIVE,
            leader_user_id=leader_users.get(group.pk),
        )
        for group in groups
    ]
    world.police_user_ids = dict(
        PoliceContact.objects.filter(area__in=world.wards.values(), user__isnull=False)
        .order_by("-order")
        .values_list("area_id", "user_id")
    )
    return world


@transaction.atomic
def seed_demo_activity() -> ActivitySummary:
    """Add the demo's history where it has none, and what must be going on now.

    Run after ``demo.seed.groups.seed_demo``; the caller runs the escalation sweep once
    this has committed, so that the overdue reports are escalated at once.
    """
    now = timezone.now()
    world = demo_world()
    options = Options(groups=0, reports=0, years=YEARS, seed=SEED, now=now)
    police_ward = Area.objects.get(depth=2, code=POLICE_WARD)
    leader_group = SelfManagementGroup.objects.get(ward=police_ward, name=LEADER_GROUP)
    leader = User.objects.get(username="leader")
    reports = seed_demo_reports(world=world, options=options, police_ward=police_ward)
    cases = seed_demo_mediation(world=world, options=options)
    logs = seed_demo_patrols(world=world, options=options, leader_group=leader_group, leader=leader)
    return ActivitySummary(reports=reports, patrol_logs=logs, mediation_cases=cases)
