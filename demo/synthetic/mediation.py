"""Synthetic mediation cases for benchmarks: years of grassroots mediation in the province.

Runs after demo/synthetic/groups.py and demo/synthetic/reports.py (see ``manage.py
generate_data``) with their interface: ``generate(*, options, world, log)`` and
``wipe(*, log)``. Cases belong to the generated mediation groups, which is how
``--wipe`` finds them again. What the rows look like, and why:

- **How many**: one case for every twenty reports, so 50,000 with the default
  million reports, spread over ``--years`` years; a case goes to a mediation group
  in proportion to its unit's share of the province's people. A little more around
  Tết, when family and land disputes come up.
- **What about**: neighbours 30 %, marriage and family 20 %, land and property 20 %,
  civil contracts and debts 15 %, minor conflicts 10 %, other 5 %; two sides of one
  or two people from the unit.
- **How it came in**: mostly a party's request; one in ten referred by the police,
  and half of those (and of other bodies' referrals) linked to a fight report of
  the same commune/ward, which the case then follows by a few days.
- **Mediators**: two of the group's mediators (sometimes one or three); 3 % of cases
  see one step aside for a conflict of interest, replaced by another.
- **Outcome**: after a session or three over about two weeks, 78 % successful
  (the province's figure is 70-85 %), 14 % unsuccessful with guidance, 4 %
  withdrawn, 2 % suspended, 2 % outside the scope and referred within days (a
  third of those to the ward police). Recent cases are still being mediated.
- **Follow-up**: most agreements older than a month were followed up a month or
  three later; nine in ten were kept.
- **History**: the entries mediation/lifecycle.py would have written.

Everything is written with COPY in one pass per table, ids reserved up front.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from django.utils.translation import gettext as _

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
from mediation.models import (
    Authority,
    CaseEvent,
    CaseMediator,
    CaseParty,
    DisputeKind,
    MediationCase,
    MediationSession,
    Origin,
    Status,
)
from reports.models import Report

REPORTS_PER_CASE = 20
FIGHT_CATEGORY = "Đánh nhau, gây rối trật tự công cộng"

KIND_WEIGHTS = {
    DisputeKind.NEIGHBOURS: 30,
    DisputeKind.MARRIAGE_FAMILY: 20,
    DisputeKind.LAND_PROPERTY: 20,
    DisputeKind.CIVIL_DEBT: 15,
    DisputeKind.MINOR_CONFLICT: 10,
    DisputeKind.OTHER: 5,
}
ORIGIN_WEIGHTS = {
    Origin.PARTY_REQUEST: 60,
    Origin.MEDIATOR_INITIATIVE: 15,
    Origin.PEOPLES_COMMITTEE: 10,
    Origin.POLICE: 10,
    Origin.OTHER_BODY: 5,
}
ENDINGS = {
    Status.SUCCESSFUL: 78,
    Status.UNSUCCESSFUL: 14,
    Status.WITHDRAWN: 4,
    Status.SUSPENDED: 2,
    Status.REFERRED: 2,
}
# Tết falls in late January or February; disputes come up around it.
MONTH_WEIGHT = {1: 1.3, 2: 1.3, 12: 1.1}
MEAN_DAYS_TO_OUTCOME = 14
REPORT_LINK_SHARE = 0.5
RECUSAL_SHARE = 0.03
FOLLOW_UP_SHARE = 0.85
KEPT_SHARE = 0.9

SUMMARIES = {
    DisputeKind.NEIGHBOURS: [
        "Tranh chấp lối đi chung giữa hai hộ liền kề.",
        "Nước thải từ nhà bên cạnh chảy sang sân, hai gia đình lời qua tiếng lại.",
        "Cây xanh của hộ bên cạnh đổ lá, che nắng; hai bên mâu thuẫn kéo dài.",
        "Tiếng ồn hát karaoke vào buổi tối gây bức xúc cho hàng xóm.",
    ],
    DisputeKind.MARRIAGE_FAMILY: [
        "Mâu thuẫn vợ chồng về kinh tế gia đình, có nguy cơ ly hôn.",
        "Anh em trong gia đình bất đồng về việc chăm sóc cha mẹ già.",
        "Mâu thuẫn mẹ chồng nàng dâu về việc nuôi dạy con nhỏ.",
    ],
    DisputeKind.LAND_PROPERTY: [
        "Tranh chấp ranh giới đất giữa hai hộ, tường rào xây lấn.",
        "Anh em tranh chấp quyền sử dụng đất do cha mẹ để lại, chưa có di chúc.",
        "Bất đồng về việc sử dụng giếng nước chung.",
    ],
    DisputeKind.CIVIL_DEBT: [
        "Vay tiền không trả đúng hẹn, hai bên to tiếng.",
        "Tranh chấp tiền công xây nhà giữa chủ nhà và thợ.",
        "Mua bán xe máy cũ, bên mua chưa trả đủ tiền.",
    ],
    DisputeKind.MINOR_CONFLICT: [
        "Xô xát nhỏ giữa hai thanh niên sau khi uống rượu.",
        "Va chạm giao thông nhẹ, hai bên cãi nhau về bồi thường.",
        "Trẻ con đánh nhau, phụ huynh hai bên mâu thuẫn.",
    ],
    DisputeKind.OTHER: [
        "Mâu thuẫn về việc chăn thả gia súc làm hỏng hoa màu.",
        "Bất đồng về việc đóng góp xây dựng đường ngõ xóm.",
    ],
}
AGREEMENTS = [
    "Hai bên thống nhất giữ nguyên hiện trạng và cùng sử dụng chung.",
    "Bên thứ hai bồi thường cho bên thứ nhất và xin lỗi; hai bên cam kết không tái diễn.",
    "Bên vay trả nợ thành ba đợt, mỗi đợt một tháng.",
    "Hai bên cùng tháo dỡ phần xây lấn trong vòng 30 ngày.",
    "Hai bên đồng ý đoàn tụ, cùng chăm lo kinh tế gia đình.",
]
GUIDANCE = [
    "Hướng dẫn các bên gửi đơn đến Ủy ban nhân dân xã, phường để giải quyết theo thẩm quyền.",
    "Hướng dẫn các bên khởi kiện tại Tòa án nhân dân có thẩm quyền.",
    "Hướng dẫn các bên liên hệ Công an xã, phường.",
]
SCOPE_NOTES = [
    "Có dấu hiệu tội phạm: cố ý gây thương tích.",
    "Hành vi vi phạm hành chính về trật tự công cộng, thuộc thẩm quyền xử phạt.",
]
RECUSALS = ["Có quan hệ họ hàng với một bên.", "Có quyền lợi liên quan đến vụ việc."]
PLACES = ["Nhà văn hóa {unit}", "Nhà tổ trưởng {unit}", "Hội trường {unit}"]
MINUTES = [
    "Các bên trình bày ý kiến; hòa giải viên phân tích quy định pháp luật và phong tục.",
    "Các bên đã bình tĩnh hơn, đồng ý xem xét phương án do hòa giải viên đề xuất.",
    "Hòa giải viên gặp riêng từng bên để tìm hiểu nguyện vọng.",
]
STEP_ASIDE = [Status.SUSPENDED, Status.WITHDRAWN]


def _cumulative(weights: dict) -> tuple[list, list[float]]:
    keys, running, total = list(weights), [], 0.0
    for key in keys:
        total += weights[key]
        running.append(total)
    return keys, running


def _at(day: date, hour: int = 2) -> datetime:
    # 02:00 UTC is 09:00 in Vietnam, office hours.
    return datetime.combine(day, time(hour), tzinfo=UTC)


class _Ids:
    """Consecutive ids handed out from a reserved block."""

    def __init__(self, first: int):
        self.next = first

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _mediation_groups(world: World) -> tuple[list, dict[int, list[int]], dict[int, str]]:
    """Active generated mediation groups, their mediators, and their units' names."""
    kinds = set(ModelType.objects.filter(is_mediation=True).values_list("pk", flat=True))
    groups = [g for g in world.groups if g.active and g.kind_ids & kinds and g.unit_id]
    mediators: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.current(on=date.max)
        .filter(group_id__in=[g.id for g in groups], member__is_mediator=True)
        .order_by("group_id", "member_id")
        .values_list("group_id", "member_id")
    )
    for group_id, member_id in rows:
        mediators[group_id].append(member_id)
    unit_names = {unit.id: unit.name for unit in world.units}
    return [g for g in groups if mediators[g.id]], mediators, unit_names


def _fight_reports(world: World) -> dict[int, list[tuple[int, date]]]:
    """Fight reports by commune/ward: the ones a handler may turn into a case."""
    by_ward: dict[int, list[tuple[int, date]]] = defaultdict(list)
    rows = Report.objects.filter(
        category__name=FIGHT_CATEGORY, ward_id__in=list(world.wards)
    ).values_list("pk", "ward_id", "created_at")
    for pk, ward_id, created_at in rows.iterator(chunk_size=10_000):
        by_ward[ward_id].append((pk, created_at.date()))
    return by_ward


def generate(*, options: Options, world: World, log: StepLog) -> None:
    rng = options.rng("mediation")
    count = options.reports // REPORTS_PER_CASE
    groups, mediators_of, unit_names = _mediation_groups(world)
    if not count or not groups:
        return
    today = options.now.date()
    first_day = today - timedelta(days=365 * options.years)
    span = (today - first_day).days
    unit_weight = {unit.id: unit.weight for unit in world.units}
    group_cumulative = []
    total = 0.0
    for group in groups:
        total += unit_weight.get(group.unit_id, 0.0001)
        group_cumulative.append(total)
    kinds, kind_cumulative = _cumulative(KIND_WEIGHTS)
    origins, origin_cumulative = _cumulative(ORIGIN_WEIGHTS)
    endings, ending_cumulative = _cumulative(ENDINGS)
    with log.step(_("fight reports to link")) as made:
        reports_by_ward = _fight_reports(world)
        made[_("reports")] = sum(len(found) for found in reports_by_ward.values())
    for found in reports_by_ward.values():
        rng.shuffle(found)

    case_ids = _Ids(reserve_ids(MediationCase, count))
    # At most: two people a side, three mediators and a replacement, three sessions.
    party_ids = _Ids(reserve_ids(CaseParty, 4 * count))
    mediator_ids = _Ids(reserve_ids(CaseMediator, 4 * count))
    session_ids = _Ids(reserve_ids(MediationSession, 3 * count))
    rows = defaultdict(list)

    def received_day() -> date:
        while True:
            day = first_day + timedelta(days=rng.randrange(span + 1))
            if rng.random() * 1.3 < MONTH_WEIGHT.get(day.month, 1.0):
                return day

    for _n in range(count):
        case_id = case_ids.take()
        group = rng.choices(groups, cum_weights=group_cumulative)[0]
        unit = unit_names.get(group.unit_id, "")
        kind = rng.choices(kinds, cum_weights=kind_cumulative)[0]
        origin = rng.choices(origins, cum_weights=origin_cumulative)[0]
        received = received_day()
        report_id = None
        if origin in (Origin.POLICE, Origin.OTHER_BODY) and rng.random() < REPORT_LINK_SHARE:
            found = reports_by_ward.get(group.ward_id)
            if found:
                report_id, reported = found.pop()
                received = min(reported + timedelta(days=rng.randint(0, 3)), today)
        ending = rng.choices(endings, cum_weights=ending_cumulative)[0]
        if ending == Status.REFERRED:
            outcome = received + timedelta(days=rng.randint(0, 3))
        else:
            outcome = received + timedelta(days=1 + int(rng.expovariate(1 / MEAN_DAYS_TO_OUTCOME)))
        status = ending
        if outcome > today:
            status = Status.RECEIVED if (today - received).days < 3 else Status.IN_MEDIATION
            outcome = None
        early_withdrawal = status == Status.WITHDRAWN and rng.random() < 0.5

        # The parties: two sides of one or two people of the unit.
        parties = []
        for side in (1, 2):
            for _person in range(1 if rng.random() < 0.7 else 2):
                party_id = party_ids.take()
                parties.append(party_id)
                rows["parties"].append(
                    (
                        party_id,
                        case_id,
                        side,
                        person_name(rng),
                        rng.randint(1950, 2004) if rng.random() < 0.6 else None,
                        f"Số {rng.randint(1, 150)}, {unit}",
                        f"09{rng.randrange(10**8):08d}" if rng.random() < 0.7 else "",
                    )
                )

        # The mediators, and perhaps one who steps aside.
        pool = mediators_of[group.id]
        seats = min(len(pool), 1 if rng.random() < 0.15 else 3 if rng.random() < 0.1 else 2)
        chosen = rng.sample(pool, seats)
        active = []
        for member_id in list(chosen):
            seat_id = mediator_ids.take()
            spare = [m for m in pool if m not in chosen]
            if spare and status != Status.REFERRED and rng.random() < RECUSAL_SHARE:
                replacement = rng.choice(spare)
                chosen.append(replacement)
                new_id = mediator_ids.take()
                recused_on = received + timedelta(days=rng.randint(0, 2))
                recused_on = min(recused_on, outcome or today)
                rows["mediators"].append(
                    (seat_id, case_id, member_id, received, recused_on, rng.choice(RECUSALS), None)
                )
                rows["mediators"].append((new_id, case_id, replacement, recused_on, None, "", None))
                rows["replacements"].append((seat_id, new_id))
                active.append(new_id)
                rows["events"].append(
                    (
                        case_id,
                        CaseEvent.Kind.MEDIATOR_RECUSED,
                        group.leader_user_id,
                        "",
                        "",
                        "",
                        _at(recused_on),
                    )
                )
            else:
                rows["mediators"].append((seat_id, case_id, member_id, received, None, "", None))
                active.append(seat_id)

        # The history and the sessions.
        events = rows["events"]
        events.append(
            (case_id, CaseEvent.Kind.CREATED, group.leader_user_id, "", "", "", _at(received, 1))
        )
        mediated = status not in (Status.RECEIVED, Status.REFERRED) and not early_withdrawal
        last = outcome or today
        if mediated:
            started = received + timedelta(days=min(1, (last - received).days))
            events.append(
                (
                    case_id,
                    CaseEvent.Kind.STATUS,
                    group.leader_user_id,
                    Status.RECEIVED,
                    Status.IN_MEDIATION,
                    "",
                    _at(started),
                )
            )
            days = sorted(
                started + timedelta(days=rng.randint(0, max(0, (last - started).days)))
                for _session in range(rng.randint(1, 3))
            )
            place = rng.choice(PLACES).format(unit=unit)
            for held_on in days:
                session_id = session_ids.take()
                rows["sessions"].append(
                    (
                        session_id,
                        case_id,
                        held_on,
                        place,
                        "",
                        rng.choice(MINUTES),
                        "",
                        group.leader_user_id,
                    )
                )
                for party_id in parties:
                    if rng.random() < 0.9:
                        rows["present_parties"].append((session_id, party_id))
                for seat_id in active:
                    rows["present_mediators"].append((session_id, seat_id))
                events.append(
                    (
                        case_id,
                        CaseEvent.Kind.SESSION,
                        group.leader_user_id,
                        "",
                        "",
                        place,
                        _at(held_on, 3),
                    )
                )

        agreement = guidance = scope_note = outcome_note = authority = ""
        followed_up = kept = None
        if status == Status.SUCCESSFUL:
            agreement = rng.choice(AGREEMENTS)
            if (today - outcome).days > 30 and rng.random() < FOLLOW_UP_SHARE:
                followed_up = min(outcome + timedelta(days=rng.randint(30, 90)), today)
                kept = rng.random() < KEPT_SHARE
        elif status == Status.UNSUCCESSFUL:
            guidance = rng.choice(GUIDANCE)
            authority = rng.choice(
                [Authority.PEOPLES_COMMITTEE, Authority.COURT, Authority.WARD_POLICE]
            )
        elif status == Status.REFERRED:
            scope_note = rng.choice(SCOPE_NOTES)
            authority = (
                Authority.WARD_POLICE if rng.random() < 0.35 else Authority.PEOPLES_COMMITTEE
            )
        elif status in STEP_ASIDE:
            outcome_note = "Các bên đề nghị dừng hòa giải."
        if outcome is not None:
            before = Status.IN_MEDIATION if mediated else Status.RECEIVED
            events.append(
                (
                    case_id,
                    CaseEvent.Kind.STATUS,
                    group.leader_user_id,
                    before,
                    status,
                    "",
                    _at(outcome, 8),
                )
            )
        if followed_up is not None:
            events.append(
                (
                    case_id,
                    CaseEvent.Kind.FOLLOW_UP,
                    group.leader_user_id,
                    "",
                    "",
                    "",
                    _at(followed_up),
                )
            )

        rows["cases"].append(
            (
                case_id,
                group.id,
                kind,
                rng.choice(SUMMARIES[kind]),
                origin,
                "",
                received,
                report_id,
                status != Status.REFERRED,
                scope_note,
                status,
                outcome,
                agreement,
                authority,
                "",
                guidance,
                outcome_note,
                followed_up,
                kept,
                "",
                group.leader_user_id,
                _at(received, 1),
                _at(outcome or received, 8),
            )
        )

    _write(rows, log=log)


def _write(rows: dict[str, list], *, log: StepLog) -> None:
    present_parties = MediationSession.parties_present.through
    present_mediators = MediationSession.mediators_present.through
    replaced = dict(rows["replacements"])
    with (
        bulk_load(
            MediationCase,
            CaseParty,
            CaseMediator,
            MediationSession,
            CaseEvent,
            present_parties,
            present_mediators,
            log=log,
        ),
        log.step(_("mediation cases")) as made,
    ):
        made[_("cases")] = copy_rows(
            model=MediationCase,
            fields=[
                "id",
                "group",
                "kind",
                "summary",
                "origin",
                "origin_detail",
                "received_on",
                "report",
                "in_scope",
                "scope_note",
                "status",
                "outcome_on",
                "agreement_terms",
                "authority",
                "authority_detail",
                "guidance",
                "outcome_note",
                "followed_up_on",
                "agreement_kept",
                "follow_up_note",
                "created_by",
                "created_at",
                "updated_at",
            ],
            rows=rows["cases"],
        )
        made[_("parties")] = copy_rows(
            model=CaseParty,
            fields=["id", "case", "side", "full_name", "birth_year", "address", "phone"],
            rows=rows["parties"],
        )
        made[_("mediators")] = copy_rows(
            model=CaseMediator,
            fields=[
                "id",
                "case",
                "member",
                "assigned_on",
                "recused_on",
                "recusal_reason",
                "replaced_by",
            ],
            rows=(
                (seat_id, *rest, replaced.get(seat_id))
                for seat_id, *rest, _replaced in rows["mediators"]
            ),
        )
        made[_("sessions")] = copy_rows(
            model=MediationSession,
            fields=[
                "id",
                "case",
                "held_on",
                "place",
                "other_attendees",
                "minutes",
                "next_steps",
                "recorded_by",
            ],
            rows=rows["sessions"],
        )
        made[_("attendance")] = copy_rows(
            model=present_parties,
            fields=["mediationsession", "caseparty"],
            rows=rows["present_parties"],
        ) + copy_rows(
            model=present_mediators,
            fields=["mediationsession", "casemediator"],
            rows=rows["present_mediators"],
        )
        made[_("history")] = copy_rows(
            model=CaseEvent,
            fields=["case", "kind", "actor", "from_status", "to_status", "note", "created_at"],
            rows=rows["events"],
        )


def wipe(*, log: StepLog) -> None:
    with log.step(_("wipe mediation cases")) as gone:
        gone[_("cases")] = delete_rows(MediationCase.objects.filter(group__notes=MARK))
