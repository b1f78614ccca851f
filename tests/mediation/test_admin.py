"""The Django admin for mediation, held to the same confidentiality as the portal."""

import pytest

from mediation.models import MediationCase
from tests.mediation.cases import SUMMARY, succeed

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGES = [
    "mediationcase",
    "caseparty",
    "casemediator",
    "mediationsession",
    "caseevent",
]


@pytest.mark.parametrize("model", PAGES)
def test_a_province_admin_lists_every_mediation_model(
    client, dispute, head_m, province_admin, model
):
    succeed(dispute, by=head_m)
    client.force_login(province_admin)
    response = client.get(f"/admin/mediation/{model}/", **EN)
    assert response.status_code == 200
    assert "0 of 0" not in response.content.decode()


def test_a_province_admin_changes_a_case_and_its_parties(client, dispute, province_admin):
    client.force_login(province_admin)
    page = client.get(f"/admin/mediation/mediationcase/{dispute.pk}/change/", **EN)
    assert page.status_code == 200
    assert SUMMARY in page.content.decode()
    assert "Hoàng Văn Ất" in page.content.decode()


def test_the_admin_refuses_an_outcome_that_breaks_the_cases_rules(client, dispute, province_admin):
    client.force_login(province_admin)
    form = (
        client.get(f"/admin/mediation/mediationcase/{dispute.pk}/change/", **EN)
        .context["adminform"]
        .form
    )
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "group": dispute.group_id,
        "summary": SUMMARY,
        "outcome_on": "2025-03-12",  # an outcome date on a case still received
        "received_on": "2025-03-03",
    }
    for prefix in ("parties", "mediators", "sessions", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(f"/admin/mediation/mediationcase/{dispute.pk}/change/", data, **EN)
    assert response.status_code == 200  # the form again, with the error
    assert "A decided case has the date of its outcome; a pending one has none." in (
        response.content.decode()
    )
    assert MediationCase.objects.get(pk=dispute.pk).outcome_on is None


def test_staff_who_are_not_administrators_see_no_case(client, dispute, head_m):
    head_m.is_staff = True
    head_m.save(update_fields=["is_staff"])
    client.force_login(head_m)
    response = client.get("/admin/mediation/mediationcase/")
    assert response.status_code == 403
