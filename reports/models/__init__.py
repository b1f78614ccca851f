"""The reports app's models, by resource: reports and tips (reports.py), the
escalation chain (escalation.py) and the outbox of emails to leaders
(leader_notices.py)."""

from reports.models.escalation import (
    DeliveryAttempt,
    Escalation,
    EscalationLevel,
    EscalationQuerySet,
    EscalationRule,
    Notice,
    NoticeChannel,
    NoticeQuerySet,
    WebhookEndpoint,
    ZaloToken,
)
from reports.models.leader_notices import LeaderNotice
from reports.models.reports import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Channel,
    ContactReveal,
    Holiday,
    Report,
    ReportAssignment,
    ReporterContact,
    ReportEvent,
    ReportEventQuerySet,
    ReportPhoto,
    ReportQuerySet,
    Severity,
    Status,
)

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "Category",
    "Channel",
    "ContactReveal",
    "DeliveryAttempt",
    "Escalation",
    "EscalationLevel",
    "EscalationQuerySet",
    "EscalationRule",
    "Holiday",
    "LeaderNotice",
    "Notice",
    "NoticeChannel",
    "NoticeQuerySet",
    "Report",
    "ReportAssignment",
    "ReportEvent",
    "ReportEventQuerySet",
    "ReportPhoto",
    "ReportQuerySet",
    "ReporterContact",
    "Severity",
    "Status",
    "WebhookEndpoint",
    "ZaloToken",
]
