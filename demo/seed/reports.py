"""The demo's reports: two years of them, and a few overdue ones for the escalation sweep.

The history comes from demo/synthetic/reports.py on the demo's ``World`` (see
demo/seed/activity.py), so it has the benchmarks' mix of categories, channels,
anonymous tips, routing, handling times and timeline, incidents falling a fifth a
year where a group works, and three in ten placed on the map. It is added only while
no report lies in a demo unit, so a second ``seed_demo`` adds none.

The overdue reports are what the police login should find on its dashboard:
reports of its ward, new, past their deadline and due for escalation. They are
made as the intake makes them (deadline, escalation schedule, routing, timeline),
only earlier; the sweep that ``seed_demo`` runs, or beat, escalates them.
Whenever the ward has no open report left that is escalated or due for escalation
(the officer acknowledged and closed them), the next ``seed_demo`` adds them again.
"""

import dataclasses
import datetime

from django.db.models import Q

from demo.synthetic import reports as synthetic
from demo.synthetic.groups import Options, StepLog, World
from groups.models import Area
from reports import receipts, routing
from reports.escalation import chain as escalation
from reports.escalation.deadlines import deadline_for
from reports.models import Category, Channel, Report, ReportAssignment, ReportEvent

HISTORY_REPORTS = 1200
# Category, description, channel, hours ago: what came in during the last day and
# was left without anyone acknowledging it.
OVERDUE = [
    ("Đánh nhau, gây rối trật tự công cộng", 0, Channel.PHONE, 3),
    ("Ma túy", 1, Channel.WEB, 6),
    ("Trộm cắp tài sản", 2, Channel.ZALO, 9),
    ("Nguy cơ cháy, nổ", 0, Channel.WEB, 20),
]


def seed_demo_reports(*, world: World, options: Options, police_ward: Area) -> int:
    """Add the history if the demo units have no report yet; make sure some reports of
    ``police_ward`` are overdue and due for escalation. Returns the reports added."""
    added = 0
    unit_ids = [unit.id for unit in world.units]
    if not Report.objects.filter(unit__in=unit_ids).exists():
        history = dataclasses.replace(options, reports=HISTORY_REPORTS)
        synthetic.generate(options=history, world=world, log=StepLog(lambda line: None))
        added += HISTORY_REPORTS
    return added + _overdue_reports(world=world, ward=police_ward, now=options.now)


def _overdue_reports(*, world: World, ward: Area, now: datetime.datetime) -> int:
    awaiting_police = Q(escalation_level__gt=0) | Q(escalate_at__isnull=False)
    if Report.objects.open().filter(awaiting_police, ward=ward).exists():
        return 0
    units = [unit for unit in world.units if unit.ward_id == ward.pk]
    categories = Category.objects.in_bulk([name for name, *_rest in OVERDUE], field_name="name")
    made = 0
    for number, (name, text, channel, hours) in enumerate(OVERDUE):
        category = categories[name]
        unit = units[number % len(units)]
        created = now - datetime.timedelta(hours=hours, minutes=7 * number)
        template = synthetic.DESCRIPTIONS[name][text]
        spot = synthetic.SPOTS[number].format(unit=unit.name, n=10 + number)
        report = Report(
            category=category,
            description=template.format(spot=spot),
            occurred_at=created - datetime.timedelta(minutes=20),
            ward=ward,
            unit_id=unit.id,
            address=spot[:1].upper() + spot[1:],
            latitude=round(unit.latitude + 0.001 * number, 6),
            longitude=round(unit.longitude - 0.001 * number, 6),
            channel=channel,
            police_only=False,
            due_at=deadline_for(category=category, start=created),
            created_at=created,
            receipt_digest=receipts.receipt_digests(receipts.new_receipt_code())[0],
        )
        escalation.schedule(report=report)
        report.save(force_insert=True)
        ReportAssignment.objects.bulk_create(
            ReportAssignment(report=report, group=group)
            for group in routing.groups_for(category=category, ward=ward, unit=report.unit)
        )
        ReportEvent.objects.create(
            report=report, kind=ReportEvent.Kind.CREATED, public=True, created_at=created
        )
        made += 1
    return made
