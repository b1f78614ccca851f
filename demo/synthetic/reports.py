"""Synthetic reports for benchmarks: years of incidents across the generated province.

Runs after demo/synthetic/groups.py (see ``manage.py generate_data``) and places every
report in one of the residential units it generated, which is also how ``--wipe``
finds the reports again. What the rows look like, and why:

- **Place**: a unit, chosen in proportion to its share of the province's people,
  and its commune/ward.
- **Time**: spread over the last ``--years`` years. Where the unit has an active
  group, incidents fall 20 % a year (the province measures 15-25 % where models
  work); elsewhere they stay flat. On top of that a mild seasonal swing (more
  around Tết and in the summer tourist season) and a daily rhythm (quiet at night,
  busiest in the evening), in Vietnamese local time.
- **Category**: theft, traffic and fights are common, border-marker violations
  rare and only outside urban wards; admin-added categories get a small share.
- **Channel**: web form, phone, Zalo, patrol, tip box, walk-in and camera; about
  a fifth are anonymous tips (mostly web and tip box), which carry one fixed
  Argon2id passphrase hash (hashing per row would take hours) and never a
  ``ReporterContact``. Most named reports from people have a contact, sealed
  once from a small pool for the same reason.
- **Routing**: the rule of reports/routing.py (active groups of the ward covering
  the unit, or the whole ward, whose kinds suit the category; none for
  police-only reports), worked out once per unit and category instead of per row.
- **Handling**: each report lives through acknowledgement and closing with delays
  drawn per severity, so its status follows from its age: old reports are closed
  (resolved, referred to and resolved by the police, rejected, or duplicate),
  recent ones new or in hand. ``due_at`` follows the category's deadline, in
  working hours where the category says so, as reports/escalation/deadlines.py counts them.
- **Timeline**: a "created" event per report and one per status change, the
  group's leader (or the ward police) as the actor.
- **Escalation**: the escalation columns keep their defaults (level 0, nothing
  scheduled): the generated history holds no pending escalation or reminder, and
  the escalation benchmark schedules the ones it measures.

Reports, assignments, contacts and events are written with COPY in created_at
order, so ids rise with time as they do in production. With the default
parameters that is about 1,000,000 reports, 2.4 million assignments, 500,000
contacts and 3 million timeline events.
"""

import bisect
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from demo.synthetic.groups import (
    UNIT_CODE_PREFIX,
    Options,
    StepLog,
    World,
    bulk_load,
    copy_rows,
    cumulative,
    delete_rows,
    person_name,
    reserve_ids,
)
from groups.models import AreaKind
from reports.escalation.deadlines import OFFICE_TIME_ZONE, WORKING_HOURS, WORKING_WEEKDAYS
from reports.models import (
    Category,
    Channel,
    Holiday,
    Report,
    ReportAssignment,
    ReporterContact,
    ReportEvent,
    Severity,
    Status,
)
from reports.vault import seal

# A fixed Argon2id hash of a random passphrase nobody kept: synthetic tips cannot be opened.
ANONYMOUS_PASSPHRASE_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$Q4ggRO0bfC7FK9cPVfFgCw"  # noqa: S105 - of nothing known
    "$ZonJSIAimQ8QkQoZz8KL5//VTYORRrYclTyDIAzx8xU"
)

# Relative frequency of the seeded categories (by their seeded name).
CATEGORY_WEIGHTS = {
    "Ma túy": 7,
    "Trộm cắp tài sản": 20,
    "Đánh nhau, gây rối trật tự công cộng": 15,
    "Cờ bạc và tệ nạn xã hội khác": 7,
    "Bạo lực gia đình": 5,
    "Nguy cơ cháy, nổ": 4,
    "Giao thông và trật tự công cộng": 17,
    "Vệ sinh, môi trường": 10,
    "An toàn thực phẩm, trật tự kinh doanh": 4,
    "Vi phạm mốc giới, ngư trường, bến bãi": 1.5,
    "Phản ánh về tổ tự quản hoặc thành viên của tổ": 1,
    "Khác": 6,
}
OTHER_CATEGORY_WEIGHT = 1
BORDER_CATEGORY = "Vi phạm mốc giới, ngư trường, bến bãi"
# People drop tips about these in the tip box far more often.
TIP_PRONE = {"Ma túy", "Cờ bạc và tệ nạn xã hội khác"}

CHANNEL_WEIGHTS = {
    Channel.WEB: 30,
    Channel.PHONE: 20,
    Channel.ZALO: 18,
    Channel.PATROL: 12,
    Channel.TIP_BOX: 8,
    Channel.WALK_IN: 6,
    Channel.CAMERA: 6,
}
ANONYMOUS_SHARE = {
    Channel.WEB: 0.35,
    Channel.TIP_BOX: 0.9,
    Channel.PHONE: 0.08,
    Channel.ZALO: 0.06,
    Channel.WALK_IN: 0.02,
}
# A member of the group logs what came in by these; the public form logs itself.
LOGGED_BY_MEMBER = {
    Channel.PHONE,
    Channel.ZALO,
    Channel.PATROL,
    Channel.TIP_BOX,
    Channel.WALK_IN,
    Channel.CAMERA,
}
CONTACT_CHANNELS = {Channel.WEB, Channel.PHONE, Channel.ZALO, Channel.WALK_IN}
CONTACT_SHARE = 0.85
CONCERNS_MEMBER_SHARE = 0.01  # "this is about a group member": police only

DECLINE_PER_YEAR = 0.8  # where a group works: incidents fall 20 % a year
# Local hour of day → relative frequency.
HOUR_WEIGHTS = [
    2, 1.5, 1, 0.8, 0.8, 1, 2, 3, 4, 4.5, 4.5, 4,  # midnight to noon
    3.5, 3.5, 4, 4.5, 5, 5.5, 6.5, 7, 7, 6.5, 5, 3.5,  # noon to midnight
]  # fmt: skip

# Handling: acknowledgement takes on average this share of the deadline; closing
# takes this many hours on average after that.
ACK_SHARE = 0.35
HANDLING_HOURS = {Severity.URGENT: 6, Severity.HIGH: 24, Severity.NORMAL: 72, Severity.LOW: 120}
POLICE_HANDLING_HOURS = 120
STALE_SHARE = 0.003  # reports that somebody forgot: still in hand however old
# How an acknowledged report ends (shares).
ENDINGS = [("resolved", 0.78), ("referred", 0.12), ("rejected", 0.06), ("duplicate", 0.04)]

SPOTS = [
    "nhà văn hóa {unit}", "chợ {unit}", "cổng trường tiểu học", "bến xe khách", "ngõ {n}",
    "quán karaoke đầu ngõ {n}", "bãi đất trống cuối {unit}", "bờ kè", "ngã ba {unit}",
    "sân bóng {unit}", "quán internet gần chợ", "cầu {unit}", "khu trọ công nhân", "bến cá",
    "số {n} đường chính {unit}", "cửa hàng tạp hóa số {n}", "trạm y tế", "khu tập thể {unit}",
]  # fmt: skip
DESCRIPTIONS = {
    "Ma túy": [
        "Nghi có người sử dụng ma túy tại {spot}.",
        "Đối tượng lạ tụ tập ở {spot} vào ban đêm, nghi mua bán ma túy.",
        "Phát hiện bơm kim tiêm vứt ở {spot}.",
    ],
    "Trộm cắp tài sản": [
        "Mất trộm xe máy trước {spot}.",
        "Kẻ gian cạy cửa lấy tài sản tại {spot}.",
        "Bị giật điện thoại ở {spot}.",
        "Mất trộm gà, vịt của hộ dân gần {spot}.",
    ],
    "Đánh nhau, gây rối trật tự công cộng": [
        "Nhóm thanh niên xô xát, đánh nhau tại {spot}.",
        "Người say rượu gây rối ở {spot}.",
        "Hát karaoke quá giờ, cãi nhau với hàng xóm ở {spot}.",
    ],
    "Cờ bạc và tệ nạn xã hội khác": [
        "Tụ tập đánh bạc tại {spot}.",
        "Nghi có ổ cá độ bóng đá ở {spot}.",
    ],
    "Bạo lực gia đình": ["Nghe tiếng cãi vã, đánh đập trong một gia đình gần {spot}."],
    "Nguy cơ cháy, nổ": [
        "Dây điện chập chờn, có mùi khét tại {spot}.",
        "Tích trữ xăng dầu trong nhà gần {spot}.",
    ],
    "Giao thông và trật tự công cộng": [
        "Xe tải đỗ chắn lối đi tại {spot}.",
        "Lấn chiếm vỉa hè bán hàng ở {spot}.",
        "Thanh niên đua xe, lạng lách gần {spot}.",
    ],
    "Vệ sinh, môi trường": [
        "Đổ rác thải không đúng nơi quy định ở {spot}.",
        "Nước thải chảy tràn ra đường tại {spot}.",
    ],
    "An toàn thực phẩm, trật tự kinh doanh": [
        "Bán thực phẩm không rõ nguồn gốc tại {spot}.",
        "Cân điêu, ép giá khách ở {spot}.",
    ],
    BORDER_CATEGORY: [
        "Thuyền lạ khai thác trong ngư trường gần {spot}.",
        "Cột mốc bị xê dịch gần {spot}.",
    ],
    "Phản ánh về tổ tự quản hoặc thành viên của tổ": [
        "Thành viên tổ tự quản có thái độ không đúng mực khi tiếp nhận tin báo ở {spot}."
    ],
}
GENERIC_DESCRIPTIONS = ["Phản ánh tình hình an ninh, trật tự tại {spot}."]
OUTCOMES = [
    "Tổ đã xác minh, nhắc nhở các bên; sự việc đã được giải quyết.",
    "Đã phối hợp với Công an xã, phường xử lý.",
    "Đã hòa giải thành, hai bên cam kết không tái phạm.",
    "Đã vận động người dân khắc phục.",
]
POLICE_OUTCOME = "Công an đã tiếp nhận, xác minh và xử lý theo quy định."
REJECTION = "Không đủ thông tin để xác minh."

# A receipt digest is 64 hex digits. Generated ones are unique and spread like real
# ones (reports/receipts.py: a keyed hash) for far less work: their first 16 digits
# are the report id times an odd number modulo 2**64, a bijection, so no two reports
# share them; the other 48 come from a small pool of random ones.
_DIGEST_MASK = 2**64 - 1
_DIGEST_MULTIPLIER = 0x9E3779B97F4A7C15  # odd: 2**64 divided by the golden ratio

# Times are whole microseconds since PostgreSQL's epoch: that integer is what binary
# COPY sends for a timestamptz, so no datetime is made per value (see copy_rows).
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_US = 1_000_000  # a second; whole microseconds keep the deadlines exact
_HOUR = 3600 * _US
_DAY = 24 * _HOUR
_YEAR = int(365.2425 * _DAY)
# Local time is UTC plus this: Asia/Ho_Chi_Minh keeps one offset all year, which
# reports/escalation/deadlines.py relies on too.
_LOCAL_OFFSET = datetime(2000, 1, 1, tzinfo=OFFICE_TIME_ZONE).utcoffset() // timedelta(
    microseconds=1
)


def _moment(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


class _WorkingClock:
    """``add_working_time`` of reports/escalation/deadlines.py for a million starts in seconds.

    Counts working microseconds from a first day with the same office hours,
    weekdays and holidays, then finds the earliest moment at which start plus
    the deadline is reached, as ``add_working_time`` does (a deadline that ends
    exactly at a closing time ends then). tests/test_generate_data.py checks the
    two agree on every generated report.
    """

    def __init__(self, *, first: date, last: date, holidays: set[date]):
        self.offset = _LOCAL_OFFSET
        self.first_day = (first - _EPOCH.date()).days
        self.slots = [
            (
                (opens.hour * 60 + opens.minute) * 60 * _US,
                (closes.hour * 60 + closes.minute) * 60 * _US,
            )
            for opens, closes in WORKING_HOURS
        ]
        per_day = sum(closes - opens for opens, closes in self.slots)
        self.working: list[bool] = []
        self.before: list[int] = []  # working time before each day
        total = 0
        for n in range((last - first).days + 1):
            day = first + timedelta(days=n)
            is_working = day.weekday() in WORKING_WEEKDAYS and day not in holidays
            self.working.append(is_working)
            self.before.append(total)
            total += per_day if is_working else 0
        self.before.append(total)

    def due(self, start: int, duration: int) -> int:
        local = start + self.offset
        index = local // _DAY - self.first_day
        if not 0 <= index < len(self.working):
            raise ValueError("outside the working clock's days")
        position = self.before[index]
        if self.working[index]:
            clock = local % _DAY
            position += sum(
                min(max(clock - opens, 0), closes - opens) for opens, closes in self.slots
            )
        target = position + duration
        # The first day by whose end the target is reached.
        day = bisect.bisect_left(self.before, target, lo=index + 1) - 1
        if day >= len(self.working):
            raise ValueError("outside the working clock's days")
        remaining = target - self.before[day]
        for opens, closes in self.slots:
            if remaining <= closes - opens:
                return (self.first_day + day) * _DAY + opens + remaining - self.offset
            remaining -= closes - opens
        raise AssertionError("unreachable: the day's working time covers the target")


@dataclass(frozen=True)
class _Category:
    id: int
    name: str
    severity: str
    deadline: int  # microseconds
    working_hours: bool
    anonymous: bool
    about_the_group: bool
    kind_ids: frozenset[int]
    descriptions: tuple[tuple[str, str], ...]  # text before and after the place


def _categories() -> list[_Category]:
    rows = Category.objects.filter(active=True).prefetch_related("model_types")
    return [
        _Category(
            id=category.pk,
            name=category.name,
            severity=category.severity,
            deadline=category.deadline_minutes * 60 * _US,
            # reports/deadlines.deadline_for: urgent categories count wall-clock time.
            working_hours=category.counts_working_hours and category.severity != Severity.URGENT,
            anonymous=category.allows_anonymous,
            about_the_group=category.about_the_group,
            kind_ids=frozenset(kind.pk for kind in category.model_types.all()),
            descriptions=tuple(
                (before, after)
                for before, _spot, after in (
                    text.partition("{spot}")
                    for text in DESCRIPTIONS.get(category.name, GENERIC_DESCRIPTIONS)
                )
            ),
        )
        for category in rows.order_by("order", "name", "pk")
    ]


class _Routes:
    """reports/routing.groups_for, once per unit and category instead of once per report."""

    def __init__(self, world: World):
        self.by_ward = defaultdict(list)
        for group in sorted(world.groups, key=lambda g: g.id):
            if group.active:
                self.by_ward[group.ward_id].append(group)
        self.cache: dict[tuple[int, int], tuple] = {}

    def groups(self, unit, category: _Category) -> tuple:
        key = (unit.id, category.id)
        if key not in self.cache:
            # A group without a unit covers the whole commune/ward.
            covering = [g for g in self.by_ward[unit.ward_id] if g.unit_id in (unit.id, None)]
            if category.kind_ids:
                covering = [g for g in covering if g.kind_ids & category.kind_ids]
            self.cache[key] = tuple(covering)
        return self.cache[key]


def _sample_times(rng: random.Random, options: Options, world: World) -> list[tuple[int, int]]:
    """(created_at in microseconds, unit index) for every report, in time order."""
    now = _us(options.now)
    start = now - options.years * _YEAR
    # Units where a group works: one of their own, or one covering the whole ward.
    covered_wards = {g.ward_id for g in world.groups if g.active and g.unit_id is None}
    active_units = {g.unit_id for g in world.groups if g.active} | {
        unit.id for unit in world.units if unit.ward_id in covered_wards
    }
    trend_of = [unit.id in active_units for unit in world.units]
    first_day = start // _DAY
    # The seasonal swing, as the chance to keep a moment drawn on each day of the span.
    keep = [
        (
            1
            + 0.12 * math.cos(2 * math.pi * (day % 365.2425 - 35) / 365.25)
            + 0.08 * math.cos(2 * math.pi * (day % 365.2425 - 200) / 365.25)
        )
        / 1.2
        for day in range(first_day, now // _DAY + 1)
    ]
    hours = cumulative(HOUR_WEIGHTS)
    all_hours = hours[-1]
    years, span = options.years, now - start
    decline = 1 - DECLINE_PER_YEAR**years
    scale = 1 / math.log(DECLINE_PER_YEAR) / years
    random_, log, bisect_ = rng.random, math.log, bisect.bisect
    units = rng.choices(
        range(len(world.units)),
        cum_weights=cumulative([unit.weight for unit in world.units]),
        k=options.reports,
    )
    samples = []
    for index in units:
        trend = trend_of[index]
        while True:
            u = random_()
            # Inverse of the cumulative share of incidents up to a point in the span.
            moment = start + int((log(1 - u * decline) * scale if trend else u) * span)
            if random_() > keep[moment // _DAY - first_day]:
                continue
            hour = bisect_(hours, random_() * all_hours)
            local_day = (moment + _LOCAL_OFFSET) // _DAY
            moment = local_day * _DAY - _LOCAL_OFFSET + hour * _HOUR + int(random_() * _HOUR)
            if start <= moment <= now:
                break
        samples.append((moment, index))
    samples.sort()
    return samples


@dataclass
class _Rows:
    assignments: list
    contacts: list
    events: list


# Plain strings: the loop below runs a million times.
NEW, ACKNOWLEDGED, IN_PROGRESS = str(Status.NEW), str(Status.ACKNOWLEDGED), str(Status.IN_PROGRESS)
RESOLVED, REFERRED = str(Status.RESOLVED), str(Status.REFERRED)
REJECTED, DUPLICATE = str(Status.REJECTED), str(Status.DUPLICATE)
CREATED, STATUS = str(ReportEvent.Kind.CREATED), str(ReportEvent.Kind.STATUS)
REPORT_FIELDS = [
    "id",
    "category",
    "description",
    "occurred_at",
    "ward",
    "unit",
    "address",
    "latitude",
    "longitude",
    "channel",
    "is_anonymous",
    "police_only",
    "status",
    "due_at",
    "created_at",
    "acknowledged_at",
    "closed_at",
    "outcome",
    "duplicate_of",
    "logged_by",
    "receipt_digest",
    "passphrase_hash",
]
EVENT_FIELDS = [
    "report",
    "kind",
    "actor",
    "from_status",
    "to_status",
    "note",
    "public",
    "created_at",
]


def _reports(rng: random.Random, options: Options, world: World, *, log: StepLog) -> _Rows:
    """Write the reports with COPY; return the rows that point to them, to write next."""
    categories = _categories()
    if not categories or not world.units or not options.reports:
        return _Rows([], [], [])
    now = _us(options.now)
    first_day = _moment(now - (options.years + 1) * _YEAR).date()
    clock = _WorkingClock(
        first=first_day,
        last=options.now.date() + timedelta(days=400),
        holidays=set(Holiday.objects.filter(date__gte=first_day).values_list("date", flat=True)),
    )
    routes = _Routes(world)
    urban = {ward_id for ward_id, ward in world.wards.items() if ward.kind == AreaKind.WARD}
    weights = [CATEGORY_WEIGHTS.get(c.name, OTHER_CATEGORY_WEIGHT) for c in categories]
    # rng.choices(items, cum_weights=…)[0], without its set-up on every call.
    category_weights = {
        False: cumulative(weights),
        True: cumulative(
            [
                0 if c.name == BORDER_CATEGORY else w
                for c, w in zip(categories, weights, strict=True)
            ]
        ),
    }
    channels = [str(channel) for channel in CHANNEL_WEIGHTS]
    channel_weights = {
        False: cumulative(list(CHANNEL_WEIGHTS.values())),
        True: cumulative(
            [w * (3 if c == Channel.TIP_BOX else 1) for c, w in CHANNEL_WEIGHTS.items()]
        ),
    }
    anonymous_share = {str(channel): share for channel, share in ANONYMOUS_SHARE.items()}
    logged_by_member = {str(channel) for channel in LOGGED_BY_MEMBER}
    contact_channels = {str(channel) for channel in CONTACT_CHANNELS}
    tip_box, on_the_spot = str(Channel.TIP_BOX), {str(Channel.PATROL), str(Channel.CAMERA)}
    handling = {c.id: HANDLING_HOURS.get(c.severity, 72) * _HOUR for c in categories}
    tip_prone = {c.id for c in categories if c.name in TIP_PRONE}
    # Sealing costs a fraction of a millisecond: a small pool, reused.
    contact_pool = [
        (seal(person_name(rng)), seal(f"09{rng.randrange(10**8):08d}")) for _number in range(200)
    ]

    with log.step(_("sampling report times")) as made:
        samples = _sample_times(rng, options, world)
        made[_("reports")] = len(samples)

    rows = _Rows([], [], [])
    originals: dict[tuple[int, int], int] = {}  # the last report that is not a duplicate
    unit_places: dict[int, list] = {}
    digest_tails = [f"{rng.getrandbits(192):048x}" for _tail in range(1024)]
    first_id = reserve_ids(Report, len(samples))
    random_, log_, bisect_ = rng.random, math.log, bisect.bisect
    assignments, contacts, events = rows.assignments, rows.contacts, rows.events
    units, police_users, cache = world.units, world.police_user_ids, routes.cache

    def report_rows():
        for n, (created, unit_index) in enumerate(samples):
            report_id = first_id + n
            unit = units[unit_index]
            ward_id = unit.ward_id
            cumulative_ = category_weights[ward_id in urban]
            category = categories[bisect_(cumulative_, random_() * cumulative_[-1])]
            cumulative_ = channel_weights[category.id in tip_prone]
            channel = channels[bisect_(cumulative_, random_() * cumulative_[-1])]
            anonymous = category.anonymous and random_() < anonymous_share.get(channel, 0)
            police_only = category.about_the_group or random_() < CONCERNS_MEMBER_SHARE
            groups = () if police_only else cache.get((unit.id, category.id))
            if groups is None:
                groups = routes.groups(unit, category)
            police_user = police_users.get(ward_id)
            handler = groups[0].leader_user_id if groups else police_user
            if category.working_hours:
                due = clock.due(created, category.deadline)
            else:
                due = created + category.deadline
            events.append((report_id, CREATED, None, "", "", "", True, created))

            # The report's life: acknowledged after a while (exponential delays, as
            # rng.expovariate draws them), then closed, or not yet. Each status change
            # is a timeline event: actor, from, to, note, shown to the reporter, when.
            status, acknowledged_at, closed_at = NEW, None, None
            outcome, duplicate_of = "", None
            ack = created + int(-log_(1 - random_()) * ACK_SHARE * (due - created))
            if ack <= now:
                acknowledged_at = ack
                close = ack + int(-log_(1 - random_()) * handling[category.id])
                ending = _ending(random_())
                original = originals.get((ward_id, category.id))
                if ending == "rejected" or (ending == "duplicate" and original is None):
                    status, closed_at = REJECTED, acknowledged_at  # decided on first look
                    events.append(
                        (report_id, STATUS, handler, NEW, status, REJECTION, True, closed_at)
                    )
                elif ending == "duplicate":
                    status, closed_at, duplicate_of = DUPLICATE, acknowledged_at, original
                    events.append((report_id, STATUS, handler, NEW, status, "", True, closed_at))
                elif close > now or random_() < STALE_SHARE:
                    status = IN_PROGRESS if random_() < 0.6 else ACKNOWLEDGED
                    events.append(
                        (report_id, STATUS, handler, NEW, status, "", False, acknowledged_at)
                    )
                elif ending == "resolved":
                    status, closed_at = RESOLVED, close
                    outcome = OUTCOMES[int(random_() * len(OUTCOMES))]
                    events.append(
                        (report_id, STATUS, handler, NEW, IN_PROGRESS, "", False, acknowledged_at)
                    )
                    events.append(
                        (report_id, STATUS, handler, IN_PROGRESS, status, "", True, closed_at)
                    )
                else:  # referred to the police, who resolve it in their own time
                    status, referred_at = REFERRED, close
                    events.append(
                        (report_id, STATUS, handler, NEW, ACKNOWLEDGED, "", False, acknowledged_at)
                    )
                    events.append(
                        (report_id, STATUS, handler, ACKNOWLEDGED, status, "", True, referred_at)
                    )
                    police_close = close + int(-log_(1 - random_()) * POLICE_HANDLING_HOURS * _HOUR)
                    if police_close <= now:
                        status, outcome = RESOLVED, POLICE_OUTCOME
                        closed_at = police_close
                        events.append(
                            (report_id, STATUS, police_user, REFERRED, status, "", True, closed_at)
                        )
            if status != DUPLICATE:
                originals[(ward_id, category.id)] = report_id

            if channel == tip_box:
                occurred = created - _DAY - int(random_() * 6 * _DAY)
            elif channel in on_the_spot:
                occurred = created - int(random_() * 30 * 60 * _US)
            else:
                occurred = created - int(-log_(1 - random_()) * 40 * 60 * _US)
            places = unit_places.get(unit_index) or _places(rng, unit, unit_places, unit_index)
            spot, address, latitude, longitude = places[int(random_() * len(places))]
            if random_() < 0.4:
                address = ""
            if random_() < 0.7:
                latitude = longitude = None
            for group in groups:
                assignments.append((report_id, group.id))
            if not anonymous and channel in contact_channels and random_() < CONTACT_SHARE:
                contacts.append((report_id, *contact_pool[int(random_() * len(contact_pool))]))
            before, after = category.descriptions[int(random_() * len(category.descriptions))]
            yield (
                report_id,
                category.id,
                before + spot + after,
                occurred,
                ward_id,
                unit.id,
                address,
                latitude,
                longitude,
                channel,
                anonymous,
                police_only,
                status,
                due,
                created,
                acknowledged_at,
                closed_at,
                outcome,
                duplicate_of,
                handler if groups and channel in logged_by_member else None,
                f"{report_id * _DIGEST_MULTIPLIER & _DIGEST_MASK:016x}{digest_tails[n & 1023]}",
                ANONYMOUS_PASSPHRASE_HASH if anonymous else "",
            )

    with log.step(_("reports")) as made:
        made[_("reports")] = copy_rows(
            model=Report, fields=REPORT_FIELDS, rows=report_rows(), microseconds=True
        )
    return rows


def _places(rng: random.Random, unit, cache: dict, index: int) -> list[tuple]:
    """A unit's landmarks: (spot for the description, address, latitude, longitude).

    Made once per unit: formatting text and decimals for each of a million reports
    would cost more than drawing from a few dozen.
    """
    places = []
    for template in SPOTS:
        for _variant in range(2):
            spot = template.format(unit=unit.name, n=rng.randrange(1, 80))
            places.append(
                (
                    spot,
                    spot[:1].upper() + spot[1:],
                    Decimal(f"{unit.latitude + rng.uniform(-0.005, 0.005):.6f}"),
                    Decimal(f"{unit.longitude + rng.uniform(-0.005, 0.005):.6f}"),
                )
            )
    cache[index] = places
    return places


def _ending(draw: float) -> str:
    for ending, share in ENDINGS:
        if draw < share:
            return ending
        draw -= share
    return ENDINGS[0][0]


# The generator's interface --------------------------------------------------------


def generate(*, options: Options, world: World, log: StepLog) -> None:
    rng = options.rng("reports")
    tables = (Report, ReportAssignment, ReporterContact, ReportEvent)
    with bulk_load(*tables, log=log, rows=options.reports):
        rows = _reports(rng, options, world, log=log)
        with log.step(_("report assignments")) as made:
            made[_("assignments")] = copy_rows(
                model=ReportAssignment, fields=["report", "group"], rows=rows.assignments
            )
        with log.step(_("reporter contacts")) as made:
            made[_("contacts")] = copy_rows(
                model=ReporterContact, fields=["report", "name", "phone"], rows=rows.contacts
            )
        with log.step(_("report timeline")) as made:
            made[_("events")] = copy_rows(
                model=ReportEvent, fields=EVENT_FIELDS, rows=rows.events, microseconds=True
            )


def wipe(*, log: StepLog) -> None:
    generated = Report.objects.filter(unit__code__startswith=UNIT_CODE_PREFIX)
    # Without the foreign keys to reports, deleting a million of them is not a
    # million checks on each referencing table; adding them back checks everything.
    with (
        bulk_load(Report, log=log, indexes=False, rows=generated.count()),
        log.step(_("wipe reports")) as gone,
    ):
        gone[_("reports")] = delete_rows(generated)
