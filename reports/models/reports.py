"""Incident reports and anonymous tips, their timeline, photos and the reporter vault.

The reporter's identity is the most sensitive thing in the system. It lives
only in `ReporterContact` (encrypted at rest, see reports/vault.py), which no
group leader or member can reach; every reveal is written to `ContactReveal`.
An anonymous tip has no `ReporterContact` at all and keeps no IP address,
user agent or account.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.formats import date_text
from groups.inputs import EARLIEST_MOMENT, FUTURE_TOLERANCE
from groups.models import Area, Membership, ModelType, SelfManagementGroup
from groups.text_search import Folded
from reports.storage import report_photo_storage
from reports.vault import EncryptedTextField


class Severity(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.NORMAL
    )
    deadline_minutes = models.PositiveIntegerField(
        _("deadline for the group to act (minutes)"),
        help_text=_("E.g. 15 for urgent, 120 for high, 1440 for normal."),
    )
    allows_anonymous = models.BooleanField(_("anonymous tips allowed"), default=True)
    about_the_group = models.BooleanField(
        _("about the group itself"),
        default=False,
        help_text=_("Reports in this category skip the group and go to the ward police only."),
    )
    model_types = models.ManyToManyField(
        ModelType,
        verbose_name=_("suited model kinds"),
        blank=True,
        related_name="categories",
        help_text=_("Groups of these kinds receive the category; none chosen: every group."),
    )
    # reports/escalation/deadlines.py reads it; its WORKING_HOURS hold the office hours named here.
    counts_working_hours = models.BooleanField(
        _("deadline counts working hours only"),
        default=False,
        help_text=_(
            "Count only Vietnamese office hours: Monday to Friday, 7:30 to 11:30 and "
            "13:30 to 17:00, outside public holidays. Weekends and holidays extend the "
            "deadline, never shorten it; its minutes are then working minutes (450 make one "
            "working day). Urgent categories always count wall-clock time."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # reports/open311/mapping.py: the open data feed shows a report's text only for
    # a category marked here; every other category is treated as sensitive.
    publish_description = models.BooleanField(
        _("description published on the open data feed"),
        default=False,
        help_text=_(
            "Show what residents wrote in this category to Open311 clients. Leave it off "
            "for anything that could name or point at a person."
        ),
    )
    # reports/retention.py anonymises a closed report this long after it was closed.
    retention_days = models.PositiveIntegerField(
        _("keep closed reports for (days)"),
        default=1095,
        validators=[MinValueValidator(30)],
        help_text=_(
            "After this many days a closed report is anonymised: photos deleted, text "
            "replaced by its category and dates, the reporter's contact destroyed, the "
            "receipt no longer valid. A legal hold keeps it as it is."
        ),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_minutes__gt=0), name="category_deadline_positive"
            ),
            models.CheckConstraint(
                condition=~Q(severity=Severity.URGENT) | Q(counts_working_hours=False),
                name="category_urgent_counts_wall_clock",
            ),
            models.CheckConstraint(
                condition=Q(retention_days__gte=30), name="category_retention_at_least_30_days"
            ),
        ]

    def __str__(self):
        from django.utils.translation import get_language

        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    def clean(self):
        if self.severity == Severity.URGENT and self.counts_working_hours:
            raise ValidationError(
                {"counts_working_hours": _("Urgent categories always count wall-clock time.")}
            )

    @property
    def deadline(self) -> timedelta:
        return timedelta(minutes=self.deadline_minutes)


class Holiday(models.Model):
    """A day off: a public holiday, its observed day, or a day the government gives off
    in exchange for a working Saturday. A deadline that counts working hours skips it.

    A row always means "no working time on this date". The compensatory working
    Saturdays that the government sometimes sets in exchange for a day off are
    deliberately not kept: they bind public offices, not the volunteer groups whose
    deadlines these are, they come about once a year, and leaving them out can only
    make a deadline later by that one day, the direction the rule allows. One meaning
    per row keeps the table easy to edit.
    """

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self):
        from django.utils.translation import get_language

        name = self.name_en if get_language() == "en" and self.name_en else self.name
        return f"{self.date:%d/%m/%Y} {name}"


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    REFERRED = "referred", _("Referred to police")
    DUPLICATE = "duplicate", _("Closed as duplicate")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.RESOLVED, Status.DUPLICATE, Status.REJECTED)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PHONE = "phone", _("Phone")
    TIP_BOX = "tip_box", _("Tip box")
    PATROL = "patrol", _("Patrol")
    CAMERA = "camera", _("Camera")
    ZALO = "zalo", _("Zalo")
    SMS = "sms", _("SMS")
    WALK_IN = "walk_in", _("Walk-in")
    # Filed by residents themselves from outside the web form: a phone or Zalo
    # Mini App (reports/public_api.py), another system through Open311 (reports/open311/).
    APP = "app", _("Phone app")
    OPEN311 = "open311", _("Another system (Open311)")


# What a member may choose when logging a report for a resident: not the channels
# residents use themselves.
SELF_SERVICE_CHANNELS = (Channel.WEB, Channel.APP, Channel.OPEN311)


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())

    def publicly_listed(self):
        """What the open data feed (Open311, reports/open311/) may list to anyone:
        never an anonymous tip, never a report for the police only."""
        return self.filter(is_anonymous=False, police_only=False)

    def visible_to(self, user):
        """Admins: all. Ward police: their ward. Leaders/deputies: their groups' reports
        except police-only ones. Members: reports they logged themselves."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        led_groups = Membership.objects.led_by(user).values("group")
        # The two ways a report reaches them as one list of ids, which PostgreSQL
        # looks up by key. An OR of the two conditions instead made it read every
        # report to count a leader's inbox: 1.2 s at 10 million (docs/scale.md).
        reached = (
            ReportAssignment.objects.filter(group__in=led_groups)
            .values("report")
            .union(self.model.objects.filter(logged_by=user).order_by().values("pk"))
        )
        return self.filter(Q(police_only=False) | Q(logged_by=user), pk__in=reached)

    def handleable_by(self, user):
        """Reports on which the user may take actions (acknowledge, resolve, …)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        led_groups = Membership.objects.led_by(user).values("group")
        return self.filter(
            police_only=False,
            pk__in=ReportAssignment.objects.filter(group__in=led_groups).values("report"),
        )

    def editable_by(self, user):
        """The scope the admin (groups.admin.ScopedAdminMixin) checks writes against:
        whoever may handle a report. The report admin narrows it further."""
        return self.handleable_by(user)


class Report(models.Model):
    # No index of its own for either key: report_category_recent_idx and
    # report_ward_status_idx begin with it, and every report written pays for each index.
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
    )
    description = models.TextField(_("what happened"))
    occurred_at = models.DateTimeField(_("when"))
    ward = models.ForeignKey(
        Area,
        verbose_name=_("commune/ward"),
        on_delete=models.PROTECT,
        related_name="reports",
        limit_choices_to={"depth": 2},
        db_index=False,
    )
    unit = models.ForeignKey(
        Area,
        verbose_name=_("residential unit"),
        on_delete=models.PROTECT,
        related_name="unit_reports",
        null=True,
        blank=True,
        limit_choices_to={"depth": 3},
    )
    address = models.CharField(_("address or landmark"), max_length=255, blank=True)
    # The description and address folded as search reads them (groups/text_search.py),
    # kept by PostgreSQL on every write: the trigram index is built on it, and checking
    # a candidate row reads it as it is instead of folding the text again.
    search_text = models.GeneratedField(
        expression=Folded("description", "address"),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("text as searched"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB
    )
    is_anonymous = models.BooleanField(_("anonymous tip"), default=False)
    police_only = models.BooleanField(
        _("for the police only"),
        default=False,
        help_text=_("Concerns the group or one of its members: the group never sees it."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    groups = models.ManyToManyField(
        SelfManagementGroup,
        verbose_name=_("groups"),
        through="ReportAssignment",
        related_name="reports",
        blank=True,
    )
    due_at = models.DateTimeField(_("deadline"))
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="logged_reports",
        help_text=_("The member who logged a report received by phone, tip box, …"),
    )
    # Escalation (reports/escalation/chain.py): how far up the police chain the report
    # has gone, and when the next level is due: the group's deadline for level 1,
    # then each level's window. Cleared once someone has taken the report.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalate_at = models.DateTimeField(_("next escalation"), null=True, blank=True)
    # When the leaders get their reminder; cleared once sent or acknowledged.
    remind_at = models.DateTimeField(_("reminder due"), null=True, blank=True)
    # Keyed hash of the receipt code (reports/receipts.py): looks the report up
    # without keeping the code itself. Unique by a constraint in Meta rather than
    # unique=True, which adds a second index for LIKE that no lookup of a digest uses.
    receipt_digest = models.CharField(_("receipt digest"), max_length=64, editable=False)
    # Argon2id hash of an anonymous tip's passphrase; empty for named reports.
    passphrase_hash = models.CharField(
        _("passphrase hash"), max_length=255, blank=True, editable=False
    )
    # Retention (reports/retention.py): when the report was anonymised, and the
    # legal hold that keeps it from being anonymised (set by police or administrators).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    legal_hold_reason = models.TextField(_("legal hold"), blank=True, editable=False)
    legal_hold_at = models.DateTimeField(
        _("legal hold since"), null=True, blank=True, editable=False
    )
    legal_hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("legal hold set by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["receipt_digest"], name="report_receipt_digest_unique"),
            models.CheckConstraint(
                condition=Q(status="duplicate", duplicate_of__isnull=False)
                | (~Q(status="duplicate") & Q(duplicate_of__isnull=True)),
                name="report_duplicate_of_iff_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | ~Q(passphrase_hash=""),
                name="report_anonymous_tip_has_passphrase",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__range=(-90, 90), longitude__range=(-180, 180)),
                name="report_map_point_complete_and_valid",
            ),
            models.CheckConstraint(
                condition=Q(legal_hold_at__isnull=True, legal_hold_reason="")
                | (Q(legal_hold_at__isnull=False) & ~Q(legal_hold_reason="")),
                name="report_legal_hold_has_reason",
            ),
            # A time before year 1 in UTC once broke every page that read the row
            # (reports/migrations/0008 repairs such rows).
            models.CheckConstraint(
                condition=Q(
                    occurred_at__gte=EARLIEST_MOMENT,
                    occurred_at__lte=F("created_at") + FUTURE_TOLERANCE,
                ),
                name="report_occurred_at_in_range",
                violation_error_message=_(
                    "The time it happened lies before 2000 or after the report was received."
                ),
            ),
        ]
        indexes = [
            # Ward police lists and dashboard counts: one ward's reports by status.
            models.Index(fields=["ward", "status", "-created_at"], name="report_ward_status_idx"),
            # The escalation sweep: "unhandled reports whose next level is due", a
            # small partial index however many reports there are.
            models.Index(
                fields=["escalate_at"],
                condition=Q(escalate_at__isnull=False),
                name="report_escalation_due_idx",
            ),
            # The reminder sweep: leaders' reminders still to send.
            models.Index(
                fields=["remind_at"],
                condition=Q(remind_at__isnull=False),
                name="report_reminder_due_idx",
            ),
            # The dashboard's "now": a few thousand open reports among a million,
            # by ward and deadline (counts, most urgent first).
            models.Index(
                fields=["ward", "due_at"],
                # Spelt out rather than status__in: PostgreSQL writes an IN list back
                # differently from how it was given, and the bulk load that drops and
                # re-creates indexes (demo/synthetic/groups.py) must give back the same one.
                condition=Q(status=Status.NEW)
                | Q(status=Status.ACKNOWLEDGED)
                | Q(status=Status.IN_PROGRESS),
                name="report_open_by_deadline_idx",
            ),
            # The dashboard's trends over a period, province-wide: an index-only scan
            # of the period with every column the filters and figures read.
            models.Index(
                fields=["created_at"],
                include=[
                    "ward",
                    "unit",
                    "category",
                    "channel",
                    "status",
                    "acknowledged_at",
                    "closed_at",
                ],
                name="report_received_covering_idx",
            ),
            # The retention job: closed reports of a category not yet anonymised,
            # oldest closing first (reports/retention.py).
            models.Index(
                fields=["category", "closed_at"],
                condition=Q(anonymised_at__isnull=True, closed_at__isnull=False),
                name="report_retention_due_idx",
            ),
            # Duplicate suggestions: same category, recent, open.
            models.Index(fields=["category", "-created_at"], name="report_category_recent_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.category}"

    def clean(self):
        if self.unit_id and self.ward_id and not self.unit.path.startswith(self.ward.path):
            raise ValidationError({"unit": _("The residential unit must lie in the commune/ward.")})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def place(self):
        return self.unit or self.ward


class ReportAssignment(models.Model):
    """A group that a report was routed to."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="assignments"
    )
    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="report_assignments",
    )

    class Meta:
        verbose_name = _("report assignment")
        verbose_name_plural = _("report assignments")
        constraints = [
            models.UniqueConstraint(fields=["report", "group"], name="report_assignment_unique")
        ]

    def __str__(self):
        return f"#{self.report_id} → {self.group_id}"


class ReporterContact(models.Model):
    """The vault: a named reporter's contact, encrypted, apart from the report."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="contact")
    name = EncryptedTextField(_("name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)

    class Meta:
        verbose_name = _("reporter contact")
        verbose_name_plural = _("reporter contacts")

    def __str__(self):
        # Never the plaintext: this may end up in logs and admin titles.
        return str(_("Contact of report #%(pk)s") % {"pk": self.report_id})


class ContactReveal(models.Model):
    """Who looked at a reporter's contact, when and why."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="reveals"
    )
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revealed by"),
        on_delete=models.PROTECT,
        related_name="contact_reveals",
    )
    reason = models.TextField(_("reason"))
    revealed_at = models.DateTimeField(_("revealed at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact reveal")
        verbose_name_plural = _("contact reveals")
        ordering = ["-revealed_at"]

    def __str__(self):
        return f"#{self.report_id} {self.revealed_by} {date_text(self.revealed_at)}"


class ReportEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The timelines of the reports the user may see. On a report they do not
        handle (a member who logged it) they follow it like its reporter: public
        entries only."""
        visible = self.filter(report__in=Report.objects.visible_to(user))
        if not user.is_authenticated or user.is_province_admin or user.is_ward_police:
            return visible  # they handle every report they see
        return visible.filter(Q(public=True) | Q(report__in=Report.objects.handleable_by(user)))

    def editable_by(self, user):
        # The timeline only grows: an entry, once written, is never changed.
        return self.none()


class ReportEvent(models.Model):
    """One entry of a report's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        STATUS = "status", _("Status changed")
        NOTE = "note", _("Internal note")
        QUESTION = "question", _("Question to the reporter")
        REPORTER_MESSAGE = "reporter_message", _("Message from the reporter")
        UPDATE = "update", _("Update for the reporter")
        MERGED = "merged", _("Merged")
        REMINDED = "reminded", _("Leaders reminded")
        ESCALATED = "escalated", _("Escalated to the police")
        POLICE_ACKNOWLEDGED = "police_acknowledged", _("Acknowledged by the police")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # Empty for the reporter and for the system: the reporter has no account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_events",
    )
    from_status = models.CharField(
        _("from status"), max_length=16, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(
        _("visible to the reporter"),
        default=False,
        help_text=_("Shown to the reporter on the tracking page."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ReportEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("report history entry")
        verbose_name_plural = _("report history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["report", "created_at"], name="reportevent_timeline_idx")]

    def __str__(self):
        return f"#{self.report_id} {self.kind}"


class ReportPhotoQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(report__in=Report.objects.visible_to(user))

    def editable_by(self, user):
        # Photos arrive with the report and are never changed.
        return self.none()


class ReportPhoto(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(storage=report_photo_storage, upload_to="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["pk"]

    def __str__(self):
        return f"#{self.report_id} {self.image.name}"

    def delete(self, *args, **kwargs):
        # The file goes with the row, once the deletion has committed.
        name = self.image.name
        storage = self.image.storage
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: storage.delete(name))
        return result
