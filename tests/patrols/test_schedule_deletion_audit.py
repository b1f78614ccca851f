"""Deleting a patrol schedule leaves an entry in the audit trail."""

from groups.models import AuditEntry


def test_a_schedule_deletion_is_recorded(client, leader_x, weekend_schedule, ward_a):
    client.force_login(leader_x)

    response = client.post(f"/patrols/schedules/{weekend_schedule.pk}/delete/")

    assert response.status_code == 302
    [entry] = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE)
    assert (entry.actor_username, entry.object_type, entry.object_id, entry.ward_id) == (
        "leader_x",
        "patrols.patrolschedule",
        str(weekend_schedule.pk),
        ward_a.pk,
    )
