"""An escalation acknowledgement lands in the audit trail, once."""

import datetime

import pytest

from groups.models import AuditEntry
from reports.escalation.chain import sweep
from reports.models import Escalation

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(chain, file_report, theft, ward_a, unit_a1, group_x):
    report = file_report(category=theft, ward=ward_a, unit=unit_a1).report
    assert sweep(now=report.due_at + datetime.timedelta(seconds=1)).escalated == 1
    return Escalation.objects.get(report=report, level=1)


def test_an_acknowledgement_is_recorded_once(client, police_a, escalated):
    client.force_login(police_a)

    first = client.post(f"/api/escalations/{escalated.pk}/acknowledge/")
    again = client.post(f"/api/escalations/{escalated.pk}/acknowledge/")

    assert first.status_code == 200
    assert again.status_code in (200, 409)
    [entry] = AuditEntry.objects.filter(action=AuditEntry.Action.ESCALATION_ACK)
    assert (entry.actor_username, entry.object_type, entry.object_id, entry.ward_id) == (
        "police_a",
        "reports.escalation",
        str(escalated.pk),
        escalated.report.ward_id,
    )
    assert entry.detail == {"report": escalated.report_id, "level": 1}
    assert entry.session
