"""An incident found on patrol becomes a report, linked to the patrol's log.

The report enters through reports.intake.submit_report like every other (channel
"patrol", logged by the member); the link row is written in the same
transaction, so there is never a patrol report without its patrol or the other
way round.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from patrols.models import Hotspot, PatrolIncident, PatrolLog
from reports.intake import Receipt, submit_report
from reports.models import Channel


def report_incident(
    *,
    log: PatrolLog,
    data: dict,
    photos: list = (),
    by,
    key: uuid.UUID,
    hotspot: Hotspot | None = None,
) -> tuple[PatrolIncident, Receipt | None]:
    """File the report and link it to the log. Sending the same form twice (the same
    `key`) files one report: the second time the receipt is None."""
    if not PatrolLog.objects.editable_by(by).filter(pk=log.pk).exists():
        raise PermissionDenied(
            _("Only the patrol's leader and the group's leaders report from it.")
        )
    earlier = PatrolIncident.objects.filter(key=key).first()
    if earlier is not None:
        return earlier, None
    try:
        with transaction.atomic():
            receipt = submit_report(
                data=data, channel=Channel.PATROL, photos=list(photos), logged_by=by
            )
            incident = PatrolIncident.objects.create(
                log=log, report=receipt.report, hotspot=hotspot, key=key
            )
    except IntegrityError:
        # The same form, sent twice at once: the other request filed it.
        return PatrolIncident.objects.get(key=key), None
    return incident, receipt
