"""Removing a party recorded by mistake leaves an entry in the audit trail, without
the person's name."""

from groups.models import AuditEntry


def test_a_party_removal_is_recorded_without_the_name(client, head_m, dispute, ward_a):
    party = dispute.parties.get(full_name="Hoàng Thị Gấm")
    client.force_login(head_m)

    response = client.post(f"/mediation/{dispute.pk}/parties/{party.pk}/remove/")

    assert response.status_code == 302
    [entry] = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE)
    assert (entry.object_type, entry.object_id, entry.ward_id) == (
        "mediation.caseparty",
        str(party.pk),
        ward_a.pk,
    )
    assert "Gấm" not in repr(AuditEntry.objects.values().get(pk=entry.pk))
