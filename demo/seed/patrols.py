"""The demo's patrols: the last months of the neighbourhood, market and park groups,
and a patrol of the leader's group under way.

The history comes from demo/synthetic/patrols.py on the demo's ``World`` (see
demo/seed/activity.py): the hotspots of each demo commune/ward, with positions
around its units, and weekly schedules for the patrolling groups, with their shifts
up to eight weeks ahead and the logs, attendance and hotspot check-ins of the past
ones (some cancelled or missed). It is added only while the demo groups have no
shift yet.

The patrol under way is started, with the leader's attendance and a hotspot
check-in, through patrols/logbook.py as the leader's phone would; a later
``seed_demo`` starts another only once that one is finished (beat closes a
forgotten one automatically).
"""

import dataclasses
import datetime
import uuid

from django.db.models import Q

from demo.synthetic import patrols as synthetic
from demo.synthetic.groups import MARK, Options, StepLog, World
from groups.models import Membership, SelfManagementGroup, User
from patrols import logbook, shifts
from patrols.models import Hotspot, PatrolLog, PatrolShift

# Months of patrols, and the groups that patrol: the leader's and every fourth other
# neighbourhood, market, park or border group.
MONTHS = 6
EVERY_OTHER = 4
UNDER_WAY_STARTED = datetime.timedelta(minutes=40)
UNDER_WAY_LENGTH = datetime.timedelta(hours=2)


def seed_demo_patrols(
    *, world: World, options: Options, leader_group: SelfManagementGroup, leader: User
) -> int:
    """Add the patrol history if the demo groups have none, and a patrol under way.
    Returns the patrol logs added."""
    group_ids = [group.id for group in world.groups]
    added = 0
    if not PatrolShift.objects.filter(group__in=group_ids).exists():
        added = _history(world=world, options=options, leader_group=leader_group)
    return added + _under_way(group=leader_group, leader=leader, now=options.now)


def _history(*, world: World, options: Options, leader_group: SelfManagementGroup) -> int:
    patrolling = [
        group
        for number, group in enumerate(world.groups)
        if group.id == leader_group.pk or number % EVERY_OTHER == 0
    ]
    # The generator takes groups until their schedules give the logs it wants:
    # asking for far more than these few groups can give makes every one of them patrol.
    history = dataclasses.replace(
        options, years=MONTHS / 12, reports=10**6 * synthetic.REPORTS_PER_LOG
    )
    newest = Hotspot.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = PatrolLog.objects.count()
    synthetic.generate(
        options=history,
        world=dataclasses.replace(world, groups=patrolling),
        log=StepLog(lambda line: None),
    )
    # The generator marks its hotspots for its --wipe; the demo's are ordinary ones.
    Hotspot.objects.filter(pk__gt=newest, notes=MARK).update(notes="")
    return PatrolLog.objects.count() - before


def _under_way(*, group: SelfManagementGroup, leader: User, now: datetime.datetime) -> int:
    """Start a patrol of ``group`` led by ``leader`` if none of its patrols is under way."""
    if PatrolLog.objects.in_progress().filter(shift__group=group).exists():
        return 0
    starts = now - UNDER_WAY_STARTED
    shift = PatrolShift.objects.create(
        group=group,
        starts_at=starts,
        ends_at=starts + UNDER_WAY_LENGTH,
        area=group.unit,
        route="Nhà văn hóa, chợ, bờ kè, cổng trường",
        meeting_point="Nhà văn hóa",
        people_needed=3,
        note="Tuần tra tăng cường",
    )
    crew = [
        membership.member
        for membership in Membership.objects.current()
        .filter(group=group)
        .select_related("member")
        .order_by("-is_leader", "member_id")[:3]
    ]
    shifts.set_assignments(shift=shift, members=crew, by=leader)
    started = logbook.start_log(shift=shift, by=leader, key=uuid.uuid4(), at=starts).log
    hotspot = (
        Hotspot.objects.visible_to(leader)
        .filter(Q(unit=group.unit) | Q(unit__isnull=True), ward=group.ward)
        .order_by("pk")
        .first()
    )
    if hotspot is not None:
        logbook.check_in(
            log=started,
            hotspot=hotspot,
            by=leader,
            key=uuid.uuid4(),
            at=starts + datetime.timedelta(minutes=15),
            latitude=hotspot.latitude,
            longitude=hotspot.longitude,
            note="Không có gì bất thường",
        )
    return 1
