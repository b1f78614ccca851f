"""The reports app's models, by resource: reports and tips (reports.py), the
escalation chain (escalation.py), the outbox of emails to leaders
(leader_notices.py), the client systems of Open311 (open311.py) and the
ledger of SMS and Zalo messages taken in (inbound.py)."""

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
from reports.models.inbound import InboundMessage
from reports.models.leader_notices import LeaderNotice
from reports.models.open311 import Open311Client
from reports.models.reports import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    SELF_SERVICE_CHANNELS,
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
    ReportPhotoQuerySet,
    ReportQuerySet,
    Severity,
    Status,
)
from reports.models.routing_summary import RoutingSummary

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "SELF_SERVICE_CHANNELS",
    "Category",
    "Channel",
    "ContactReveal",
    "DeliveryAttempt",
    "Escalation",
    "EscalationLevel",
    "EscalationQuerySet",
    "EscalationRule",
    "Holiday",
    "InboundMessage",
    "LeaderNotice",
    "Notice",
    "NoticeChannel",
    "NoticeQuerySet",
    "Open311Client",
    "Report",
    "ReportAssignment",
    "ReportEvent",
    "ReportEventQuerySet",
    "ReportPhoto",
    "ReportPhotoQuerySet",
    "ReportQuerySet",
    "ReporterContact",
    "RoutingSummary",
    "Severity",
    "Status",
    "WebhookEndpoint",
    "ZaloToken",
]
