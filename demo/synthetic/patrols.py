"""Synthetic patrols for benchmarks: years of scheduled patrols, their logs and check-ins.

Runs after demo/synthetic/groups.py and demo/synthetic/reports.py (see ``manage.py
generate_data``) with their interface: ``generate(*, options, world, log)`` and
``wipe(*, log)``. Patrol rows belong to generated groups, hotspots carry the
groups' ``MARK`` in their notes: that is how ``--wipe`` finds them again. What the
rows look like, and why:

- **How many**: one patrol log for every ten reports, so 100,000 logs with the
  default million reports, spread over ``--years`` years.
- **Who patrols**: active generated groups other than mediation groups, in a
  random order, until their schedules give enough logs. A group starts patrolling
  on a day within the first years and keeps one schedule: one or two evenings a
  week (Friday and Saturday most often), two or three hours from 19:00 to 22:00,
  two to four people out of a team of three to six members who take turns.
- **Hotspots**: two to eight per commune/ward, most of them in one of its
  residential units; a schedule takes up to three of those its group watches.
- **Shifts**: every occurrence from the group's first day until eight weeks from
  now (as patrols/schedule.py materialises them). Of the past ones, 4 % were
  cancelled, 10 % missed (and the leaders told the next morning), the rest done.
  Market and industrial-park groups patrol jointly with security guards or the
  market board half the time, others with the ward police one time in ten.
- **Logs**: started within minutes of the planned start and finished around the
  planned end; 1.5 % were closed automatically, one in ten entered afterwards.
  Each crew member came with probability 0.85; each hotspot on the route was
  checked with probability 0.8, a third of the check-ins with a position.

Everything is written with COPY in one pass per table, ids reserved up front.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from demo.names import INDUSTRIAL_PARK, MARKET
from demo.synthetic.groups import (
    MARK,
    Options,
    StepLog,
    World,
    bulk_load,
    copy_rows,
    delete_rows,
    person_name,
    reserve_ids,
)
from groups.models import Membership, ModelType
from patrols.models import (
    Hotspot,
    HotspotCheckIn,
    HotspotKind,
    LogStatus,
    PartnerKind,
    PatrolAttendance,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
    RiskLevel,
    ShiftAssignment,
    ShiftPartner,
    ShiftStatus,
)
from patrols.recurrence import weekly_rule
from patrols.schedule import WINDOW, rotation

REPORTS_PER_LOG = 10
DONE, CANCELLED = 0.86, 0.04  # of past shifts; the rest were missed
AUTO_CLOSED, AFTERWARDS = 0.015, 0.10
PRESENT, CHECKED, WITH_POSITION = 0.85, 0.8, 1 / 3
HOTSPOTS_PER_WARD = (2, 8)
# Weekday sets (Monday = 0) and their weights.
WEEKDAYS = {(4, 5): 30, (5,): 20, (4,): 12, (5, 6): 10, (2,): 8, (6,): 8, (1, 4): 6, (3,): 6}
START_HOURS = {19: 2, 20: 4, 21: 5, 22: 2}
DAY_NAMES = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
JOINT = {"market": (0.5, PartnerKind.MARKET_BOARD), "industrial": (0.5, PartnerKind.SECURITY)}
HOTSPOT_KINDS = {
    HotspotKind.DRUGS: 30,
    HotspotKind.GAMBLING: 25,
    HotspotKind.FIGHTS: 20,
    HotspotKind.PROSTITUTION: 8,
    HotspotKind.OTHER: 17,
}
HOTSPOT_PLACES = {
    HotspotKind.DRUGS: ["Bãi đất trống cuối {unit}", "Gầm cầu {unit}", "Nhà hoang ngõ {n}"],
    HotspotKind.GAMBLING: [
        "Quán nước đầu ngõ {n}",
        "Lán trông xe chợ {unit}",
        "Sân sau nhà văn hóa",
    ],
    HotspotKind.FIGHTS: ["Quán karaoke ngõ {n}", "Quán nhậu bờ kè", "Cổng chợ {unit}"],
    HotspotKind.PROSTITUTION: ["Nhà nghỉ ven đường số {n}", "Quán cà phê đèn mờ ngõ {n}"],
    HotspotKind.OTHER: ["Quán internet gần trường", "Bến xe khách", "Khu trọ công nhân {unit}"],
}
OBSERVATIONS = [
    "Khu vực yên tĩnh, không có gì bất thường.",
    "Nhắc nhở một nhóm thanh niên tụ tập khuya ở đầu ngõ.",
    "Đèn đường ngõ {n} bị hỏng, đã báo tổ trưởng.",
    "Kiểm tra các quán karaoke, đóng cửa đúng giờ.",
    "Nhắc người dân khóa cửa, dắt xe vào nhà.",
    "Có người lạ hỏi đường, đã hướng dẫn.",
]
CHECKIN_NOTES = ["", "", "", "Không có người", "Cửa đóng", "Có vài người tụ tập, đã nhắc nhở"]


@dataclass
class _Plan:
    group_id: int
    ward_id: int
    unit_id: int | None
    leader_user: int | None
    team: list[int]
    leader_member: int | None
    weekdays: tuple[int, ...]
    start: time
    hours: int
    needed: int
    first_day: date
    hotspots: list[int]
    joint: tuple[float, str]


def _choice(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


def _hotspots(rng: random.Random, world: World, now: datetime) -> tuple[list[tuple], dict]:
    """Rows for COPY, and the hotspots by ward (id, unit id)."""
    units_of = defaultdict(list)
    for unit in world.units:
        units_of[unit.ward_id].append(unit)
    first = reserve_ids(Hotspot, HOTSPOTS_PER_WARD[1] * len(world.wards))
    rows, by_ward = [], defaultdict(list)
    for ward_id in sorted(world.wards):
        for _n in range(rng.randint(*HOTSPOTS_PER_WARD)):
            unit = (
                rng.choice(units_of[ward_id]) if units_of[ward_id] and rng.random() < 0.75 else None
            )
            kind = _choice(rng, HOTSPOT_KINDS)
            name = (
                rng.choice(HOTSPOT_PLACES[kind])
                .format(unit=unit.name if unit else "", n=rng.randint(1, 40))
                .strip()
            )
            position = (
                (
                    _degrees(unit.latitude + rng.gauss(0, 0.003)),
                    _degrees(unit.longitude + rng.gauss(0, 0.003)),
                )
                if unit
                else (None, None)
            )
            pk = first + len(rows)
            rows.append(
                (
                    pk,
                    ward_id,
                    unit.id if unit else None,
                    name,
                    kind,
                    _choice(rng, {RiskLevel.LOW: 3, RiskLevel.MEDIUM: 5, RiskLevel.HIGH: 2}),
                    "",
                    *position,
                    MARK,
                    True,
                    now,
                    now,
                )
            )
            by_ward[ward_id].append((pk, unit.id if unit else None))
    return rows, by_ward


def _plans(rng: random.Random, options: Options, world: World, hotspots_by_ward) -> list[_Plan]:
    """Which groups patrol, from when, and how; enough for the wanted number of logs."""
    wanted = options.reports // REPORTS_PER_LOG
    today = options.now.date()
    first_day = today - timedelta(days=365 * options.years)
    mediation = set(ModelType.objects.filter(is_mediation=True).values_list("pk", flat=True))
    market = {world.kinds[MARKET].pk} if MARKET in world.kinds else set()
    industrial = {world.kinds[INDUSTRIAL_PARK].pk} if INDUSTRIAL_PARK in world.kinds else set()
    candidates = [g for g in world.groups if g.active and not g.kind_ids & mediation]
    rng.shuffle(candidates)
    people = defaultdict(list)
    for group_id, member_id, is_leader in (
        Membership.objects.current(on=today)
        .filter(group_id__in=[g.id for g in candidates])
        .order_by("group_id", "-is_leader", "member_id")
        .values_list("group_id", "member_id", "is_leader")
    ):
        people[group_id].append((member_id, is_leader))
    plans, expected = [], 0.0
    for group in candidates:
        if expected >= wanted:
            break
        members = people[group.id]
        if len(members) < 2:
            continue
        team = [
            member for member, _leader in rng.sample(members, min(len(members), rng.randint(3, 6)))
        ]
        leader = next((member for member, is_leader in members if is_leader), None)
        if leader is not None and leader not in team:
            team[0] = leader
        watched = [
            pk
            for pk, unit_id in hotspots_by_ward[group.ward_id]
            if group.unit_id is None or unit_id in (None, group.unit_id)
        ]
        weekdays = _choice(rng, WEEKDAYS)
        start_day = first_day + timedelta(
            days=rng.randint(0, max(0, (today - first_day).days * 2 // 3))
        )
        joint = (0.1, PartnerKind.POLICE)
        if group.kind_ids & market:
            joint = JOINT["market"]
        elif group.kind_ids & industrial:
            joint = JOINT["industrial"]
        plans.append(
            _Plan(
                group_id=group.id,
                ward_id=group.ward_id,
                unit_id=group.unit_id,
                leader_user=group.leader_user_id,
                team=sorted(team),
                leader_member=leader,
                weekdays=weekdays,
                start=time(_choice(rng, START_HOURS)),
                hours=rng.choice((2, 2, 3)),
                needed=rng.randint(2, 4),
                first_day=start_day,
                hotspots=rng.sample(watched, min(3, len(watched))),
                joint=joint,
            )
        )
        expected += DONE * len(weekdays) * (today - start_day).days / 7
    return plans


class _Ids:
    def __init__(self, model, count: int):
        self.next = reserve_ids(model, count) if count else 0

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _rows(rng: random.Random, options: Options, world: World, plans: list[_Plan]) -> dict:
    now = options.now
    horizon = (now + WINDOW).date()
    occurrences = []
    for plan in plans:
        day = plan.first_day
        dates = []
        while day <= horizon:
            if day.weekday() in plan.weekdays:
                dates.append(day)
            day += timedelta(days=1)
        occurrences.append(dates)
    total = sum(len(dates) for dates in occurrences)
    shift_ids, log_ids = _Ids(PatrolShift, total), _Ids(PatrolLog, total)
    partner_ids = _Ids(ShiftPartner, total)
    schedule_ids = _Ids(PatrolSchedule, len(plans))
    position_of = {unit.id: (unit.latitude, unit.longitude) for unit in world.units}
    rows = defaultdict(list)
    for plan, dates in zip(plans, occurrences, strict=True):
        schedule_id = schedule_ids.take()
        rows["schedules"].append(
            (
                schedule_id,
                plan.group_id,
                "Tuần tra " + ", ".join(DAY_NAMES[day] for day in plan.weekdays),
                weekly_rule(weekdays=plan.weekdays),
                plan.first_day,
                plan.start,
                time((plan.start.hour + plan.hours) % 24),
                "",
                plan.unit_id,
                "Nhà văn hóa",
                plan.needed,
                _local(plan.first_day, time(8)),
                _local(plan.first_day, time(8)),
            )
        )
        rows["team"].extend((schedule_id, member) for member in plan.team)
        rows["schedule_hotspots"].extend((schedule_id, pk) for pk in plan.hotspots)
        for turn, day in enumerate(dates):
            _shift(
                rng,
                rows,
                plan,
                schedule_id,
                turn,
                day,
                now,
                shift_ids,
                log_ids,
                partner_ids,
                position_of,
            )
    return rows


def _shift(
    rng, rows, plan, schedule_id, turn, day, now, shift_ids, log_ids, partner_ids, position_of
):
    start = _local(day, plan.start)
    end = start + timedelta(hours=plan.hours)
    shift_id = shift_ids.take()
    past = end < now
    draw = rng.random()
    cancelled = past and draw < CANCELLED
    done = past and not cancelled and draw < CANCELLED + DONE
    missed = past and not cancelled and not done
    told = _local(day + timedelta(days=1), time(6, 30)) if missed else None
    rows["shifts"].append(
        (
            shift_id,
            plan.group_id,
            schedule_id,
            start,
            start,
            end,
            "",
            plan.unit_id,
            "Nhà văn hóa",
            plan.needed,
            ShiftStatus.CANCELLED if cancelled else ShiftStatus.PLANNED,
            "Thời tiết xấu" if cancelled else "",
            cancelled,
            told,
            start - timedelta(days=56),
            start - timedelta(days=56),
            "",
        )
    )
    crew = rotation(team=plan.team, needed=plan.needed, turn=turn)
    rows["assignments"].extend((shift_id, member) for member in crew)
    partner = None
    if rng.random() < plan.joint[0]:
        partner = partner_ids.take()
        organisation = {
            PartnerKind.POLICE: "Công an xã/phường",
            PartnerKind.SECURITY: "Bảo vệ nhà máy",
            PartnerKind.MARKET_BOARD: "Ban quản lý chợ",
        }[plan.joint[1]]
        rows["partners"].append((partner, shift_id, person_name(rng), organisation, plan.joint[1]))
    if not done:
        return
    log_id = log_ids.take()
    started = start + timedelta(minutes=rng.randint(-10, 20))
    auto_closed = rng.random() < AUTO_CLOSED
    finished = end if auto_closed else end + timedelta(minutes=rng.randint(-20, 30))
    present = [member for member in crew if rng.random() < PRESENT] or crew[:1]
    attendance = [(log_id, member, None, member in present) for member in crew]
    if partner is not None:
        came = rng.random() < 0.9
        attendance.append((log_id, None, partner, came))
        present = [*present, partner] if came else present
    rows["attendance"].extend(attendance)
    leads = plan.leader_member if plan.leader_member in present else present[0]
    rows["logs"].append(
        (
            log_id,
            shift_id,
            leads if leads in crew else None,
            plan.leader_user if leads == plan.leader_member else None,
            LogStatus.AUTO_CLOSED if auto_closed else LogStatus.FINISHED,
            started,
            max(finished, started + timedelta(minutes=30)),
            started + timedelta(hours=6) if auto_closed else None,
            "Theo tuyến đã định",
            rng.choice(OBSERVATIONS).format(n=rng.randint(1, 40)),
            rng.random() < AFTERWARDS,
            len(present),
            started + timedelta(hours=6, minutes=30) if auto_closed else None,
            started,
            finished,
        )
    )
    minutes = max(1, int((finished - started).total_seconds() // 60))
    for hotspot in plan.hotspots:
        if rng.random() >= CHECKED:
            continue
        position = (None, None)
        if plan.unit_id in position_of and rng.random() < WITH_POSITION:
            latitude, longitude = position_of[plan.unit_id]
            position = (
                _degrees(latitude + rng.gauss(0, 0.002)),
                _degrees(longitude + rng.gauss(0, 0.002)),
            )
        rows["checkins"].append(
            (
                log_id,
                hotspot,
                started + timedelta(minutes=rng.randint(0, minutes)),
                rng.choice(CHECKIN_NOTES),
                plan.leader_user,
                *position,
            )
        )


# The generator's interface --------------------------------------------------------


def generate(*, options: Options, world: World, log: StepLog) -> None:
    rng = options.rng("patrols")
    if options.reports // REPORTS_PER_LOG == 0 or not world.groups:
        return
    with bulk_load(
        Hotspot,
        PatrolSchedule,
        PatrolSchedule.team.through,
        PatrolSchedule.hotspots.through,
        PatrolShift,
        ShiftAssignment,
        ShiftPartner,
        PatrolLog,
        PatrolAttendance,
        HotspotCheckIn,
        log=log,
    ):
        with log.step(_("hotspots")) as made:
            hotspot_rows, by_ward = _hotspots(rng, world, options.now)
            made[_("hotspots")] = copy_rows(
                model=Hotspot,
                fields=[
                    "id",
                    "ward",
                    "unit",
                    "name",
                    "kind",
                    "risk",
                    "address",
                    "latitude",
                    "longitude",
                    "notes",
                    "active",
                    "created_at",
                    "updated_at",
                ],
                rows=hotspot_rows,
            )
        with log.step(_("patrol schedules and shifts")) as made:
            plans = _plans(rng, options, world, by_ward)
            rows = _rows(rng, options, world, plans)
            made[_("schedules")] = copy_rows(
                model=PatrolSchedule,
                fields=[
                    "id",
                    "group",
                    "title",
                    "rule",
                    "starts_on",
                    "start_time",
                    "end_time",
                    "route",
                    "area",
                    "meeting_point",
                    "people_needed",
                    "created_at",
                    "updated_at",
                ],
                rows=rows["schedules"],
            )
            copy_rows(
                model=PatrolSchedule.team.through,
                fields=["patrolschedule", "member"],
                rows=rows["team"],
            )
            copy_rows(
                model=PatrolSchedule.hotspots.through,
                fields=["patrolschedule", "hotspot"],
                rows=rows["schedule_hotspots"],
            )
            made[_("shifts")] = copy_rows(
                model=PatrolShift,
                fields=[
                    "id",
                    "group",
                    "schedule",
                    "occurrence",
                    "starts_at",
                    "ends_at",
                    "route",
                    "area",
                    "meeting_point",
                    "people_needed",
                    "status",
                    "cancel_reason",
                    "changed_by_hand",
                    "leader_told_at",
                    "created_at",
                    "updated_at",
                    "note",
                ],
                rows=rows["shifts"],
            )
            made[_("assignments")] = copy_rows(
                model=ShiftAssignment, fields=["shift", "member"], rows=rows["assignments"]
            )
            made[_("partners")] = copy_rows(
                model=ShiftPartner,
                fields=["id", "shift", "name", "organisation", "kind"],
                rows=rows["partners"],
            )
        with log.step(_("patrol logs")) as made:
            made[_("logs")] = copy_rows(
                model=PatrolLog,
                fields=[
                    "id",
                    "shift",
                    "led_by",
                    "started_by",
                    "status",
                    "started_at",
                    "finished_at",
                    "auto_closed_at",
                    "route",
                    "observations",
                    "entered_afterwards",
                    "people_present",
                    "leader_told_at",
                    "created_at",
                    "updated_at",
                ],
                rows=rows["logs"],
            )
            made[_("attendance")] = copy_rows(
                model=PatrolAttendance,
                fields=["log", "member", "partner", "present"],
                rows=rows["attendance"],
            )
            made[_("check-ins")] = copy_rows(
                model=HotspotCheckIn,
                fields=[
                    "log",
                    "hotspot",
                    "checked_at",
                    "note",
                    "checked_by",
                    "latitude",
                    "longitude",
                ],
                rows=rows["checkins"],
            )
    with log.step(_("hotspots last checked")), connection.cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(
            f"UPDATE {quote(Hotspot._meta.db_table)} AS h SET last_checked_at = c.latest "  # noqa: S608  # nosec B608  # quoted model identifiers
            f"FROM (SELECT hotspot_id, max(checked_at) AS latest "
            f"FROM {quote(HotspotCheckIn._meta.db_table)} GROUP BY hotspot_id) AS c "
            "WHERE h.id = c.hotspot_id AND h.notes = %s",
            [MARK],
        )


def wipe(*, log: StepLog) -> None:
    with log.step(_("wipe patrols")) as gone:
        shifts = PatrolShift.objects.filter(group__notes=MARK)
        gone[_("logs")] = delete_rows(PatrolLog.objects.filter(shift__in=shifts))
        gone[_("shifts")] = delete_rows(shifts)
        gone[_("schedules")] = delete_rows(PatrolSchedule.objects.filter(group__notes=MARK))
        gone[_("hotspots")] = delete_rows(Hotspot.objects.filter(notes=MARK))
