from celery import shared_task

from reports.models import Report
from reports.notifications import tell_leaders_of_new_report


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=5,
)
def notify_leaders_of_new_report(report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).select_related("category", "ward", "unit").first()
    if report is None:
        return
    tell_leaders_of_new_report(report=report)
