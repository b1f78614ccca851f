import pytest

from reports import receipts
from reports.models import Report, ReporterContact, Status


@pytest.mark.django_db
def test_named_report_goes_to_the_group_of_its_place_with_contact_in_the_vault(
    file_report, theft, group_x, group_y, ward_a, unit_a1
):
    receipt = file_report(category=theft, ward=ward_a, unit=unit_a1)
    report = Report.objects.get()
    assert report.status == Status.NEW
    assert list(report.groups.all()) == [group_x]
    assert report.receipt_digest == receipts.receipt_digests(receipt.code)[0]
    assert receipt.passphrase is None and report.passphrase_hash == ""
    assert ReporterContact.objects.get(report=report).name == "Nguyễn Thị Hoa"
    assert report.due_at - report.created_at == theft.deadline
    assert report.events.get().kind == "created"


@pytest.mark.django_db
def test_anonymous_tip_keeps_nothing_that_identifies_the_sender(file_report, theft, ward_a):
    receipt = file_report(category=theft, ward=ward_a, anonymous=True, name="X", phone="0900")
    report = Report.objects.get()
    assert report.is_anonymous
    assert not ReporterContact.objects.exists()
    assert receipts.check_passphrase(receipt.passphrase, report.passphrase_hash)
    assert report.logged_by is None


@pytest.mark.django_db
def test_report_about_the_group_skips_the_group(file_report, about_the_group, group_x, ward_a):
    file_report(category=about_the_group, ward=ward_a, unit=group_x.unit)
    report = Report.objects.get()
    assert report.police_only
    assert not report.groups.exists()
