"""Grassroots mediation cases (Law on Grassroots Mediation, 2013): parties, mediators,
sessions, outcome and follow-up.

Confidentiality is the rule everything else serves. A case's content (parties,
summary, minutes, agreement) is seen only through ``MediationCase.objects.visible_to``:
the mediation group's head and its mediators, the case's own mediators and
administrators; the ward police only when the case was referred to them. Counts and
outcomes for statistics go through ``counted_for``, which never feeds a page that
shows a case. Moves between statuses go through mediation/lifecycle.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Member, Membership, SelfManagementGroup
from groups.text_search import Folded


class DisputeKind(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", _("Marriage and family")
    NEIGHBOURS = "neighbours", _("Neighbours")
    LAND_PROPERTY = "land_property", _("Land and property")
    CIVIL_DEBT = "civil_debt", _("Civil contract or debt")
    MINOR_CONFLICT = "minor_conflict", _("Minor conflicts and disorder")
    OTHER = "other", _("Other")


class Origin(models.TextChoices):
    PARTY_REQUEST = "party_request", _("A party's request")
    MEDIATOR_INITIATIVE = "mediator_initiative", _("A mediator's own initiative")
    PEOPLES_COMMITTEE = "peoples_committee", _("Referral by the ward People's Committee")
    POLICE = "police", _("Referral by the police")
    OTHER_BODY = "other_body", _("Referral by another body")


class Authority(models.TextChoices):
    """Where an out-of-scope case is referred, or unsuccessful parties are pointed."""

    WARD_POLICE = "ward_police", _("Commune/ward police")
    PEOPLES_COMMITTEE = "peoples_committee", _("Commune/ward People's Committee")
    COURT = "court", _("People's court")
    OTHER = "other", _("Another competent authority")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_MEDIATION = "in_mediation", _("Being mediated")
    SUCCESSFUL = "successful", _("Successful")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUSPENDED = "suspended", _("Suspended")
    REFERRED = "referred", _("Outside scope, referred")


# The outcome is pending while a case is in one of these.
OPEN_STATUSES = (Status.RECEIVED, Status.IN_MEDIATION)
# A case in one of these has an outcome date.
DECIDED_STATUSES = (
    Status.SUCCESSFUL,
    Status.UNSUCCESSFUL,
    Status.WITHDRAWN,
    Status.SUSPENDED,
    Status.REFERRED,
)
# Statuses in which the ward police hold the case's file, if they were the authority.
REFERRING_STATUSES = (Status.REFERRED, Status.UNSUCCESSFUL)


def mediating_groups(user):
    """Groups whose cases the user reads: as the head or as one of its mediators."""
    return (
        Membership.objects.current()
        .filter(
            Q(member__is_mediator=True)
            | Q(role=Membership.Role.MEDIATION_HEAD)
            | Q(is_leader=True),
            member__user=user,
            group__model_types__is_mediation=True,
        )
        .values("group")
    )


def headed_groups(user):
    """Mediation groups the user heads (the head's role, or its leader)."""
    return (
        Membership.objects.current()
        .filter(
            Q(role=Membership.Role.MEDIATION_HEAD) | Q(is_leader=True),
            member__user=user,
            group__model_types__is_mediation=True,
        )
        .values("group")
    )


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def in_area(self, area):
        """Cases of the groups in ``area``: a province, or a commune/ward."""
        return self.filter(group__ward__path__startswith=area.path)

    def referred_to_police(self):
        return self.filter(status__in=REFERRING_STATUSES, authority=Authority.WARD_POLICE)

    def visible_to(self, user):
        """Whose eyes the case's content may reach.

        Admins: every case. Ward police: cases of their ward referred to them.
        Others: the cases of mediation groups they head or mediate in, and cases
        they mediate, except a case they were recused from (a conflict of interest
        ends their access, even as the group's head).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(group__ward_id=user.police_ward_id).referred_to_police()
        # Both ways in as one list of ids, looked up by key: an OR of the two made
        # PostgreSQL read every case of the country to count a mediator's list
        # (docs/scale.md, as for a leader's reports).
        reached = (
            self.model.objects.filter(group__in=mediating_groups(user))
            .order_by()
            .values("pk")
            .union(CaseMediator.objects.active().filter(member__user=user).values("case"))
        )
        return self.filter(pk__in=reached).exclude(pk__in=_recused_cases(user))

    def editable_by(self, user):
        """Admins, the group's head and the case's mediators (not after a recusal)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.none()
        return self.filter(
            Q(group__in=headed_groups(user))
            | Q(pk__in=CaseMediator.objects.active().filter(member__user=user).values("case"))
        ).exclude(pk__in=_recused_cases(user))

    def counted_for(self, user):
        """Cases whose counts and outcomes the user may see, for statistics only.

        Wider than ``visible_to`` for the ward police (every case of their ward),
        so mediation/stats.py and its export read only aggregates from it; no page
        may list these rows.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(group__ward_id=user.police_ward_id)
        return self.filter(group__in=mediating_groups(user))


def _recused_cases(user):
    return CaseMediator.objects.filter(member__user=user, recused_on__isnull=False).values("case")


class MediationCase(models.Model):
    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("mediation group"),
        on_delete=models.PROTECT,
        related_name="mediation_cases",
        limit_choices_to={"model_types__is_mediation": True},
    )
    kind = models.CharField(_("kind of dispute"), max_length=32, choices=DisputeKind.choices)
    summary = models.TextField(
        _("summary"), help_text=_("A short, neutral account of the dispute, taking no side.")
    )
    # The summary folded as search reads it (groups/text_search.py), kept by
    # PostgreSQL: the trigram index is built on it and a candidate row is checked
    # without folding its summary again.
    search_text = models.GeneratedField(
        expression=Folded("summary"),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("text as searched"),
    )
    origin = models.CharField(_("how it came in"), max_length=32, choices=Origin.choices)
    origin_detail = models.CharField(
        _("who asked or referred"),
        max_length=255,
        blank=True,
        help_text=_("E.g. the referring body and its letter, or which party asked."),
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("incident report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediation_cases",
        help_text=_("The incident report this case came from, if any."),
    )
    in_scope = models.BooleanField(
        _("within grassroots mediation's scope"),
        default=True,
        help_text=_(
            "The law excludes, among others, acts that call for criminal or administrative "
            "sanction: such a matter is referred, not mediated."
        ),
    )
    scope_note = models.TextField(_("why it is outside the scope"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    agreement_terms = models.TextField(_("terms of the agreement"), blank=True)
    authority = models.CharField(
        _("competent authority"),
        max_length=32,
        choices=Authority.choices,
        blank=True,
        help_text=_("Where the case was referred, or where the parties were pointed."),
    )
    authority_detail = models.CharField(_("authority's name"), max_length=255, blank=True)
    guidance = models.TextField(_("guidance given to the parties"), blank=True)
    outcome_note = models.TextField(_("note on the outcome"), blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    agreement_kept = models.BooleanField(_("agreement kept"), null=True, blank=True)
    follow_up_note = models.TextField(_("result of the follow-up"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        ordering = ["-received_on", "-pk"]
        constraints = [
            # One case per report: "turn into a case" is a single action.
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(report__isnull=False),
                name="mediationcase_one_per_report",
                violation_error_message=_("This report already has a mediation case."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_STATUSES, outcome_on__isnull=True)
                | Q(status__in=DECIDED_STATUSES, outcome_on__isnull=False),
                name="mediationcase_outcome_date_iff_decided",
                violation_error_message=_(
                    "A decided case has the date of its outcome; a pending one has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("received_on")),
                name="mediationcase_outcome_after_request",
                violation_error_message=_("The outcome cannot precede the request."),
            ),
            models.CheckConstraint(
                condition=(Q(status="referred", in_scope=False) & ~Q(scope_note=""))
                | (~Q(status="referred") & Q(in_scope=True)),
                name="mediationcase_referred_iff_out_of_scope",
                violation_error_message=_(
                    "A matter outside the scope is referred, with the reason, and only such a "
                    "matter is."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="successful") | ~Q(agreement_terms=""),
                name="mediationcase_success_has_agreement",
                violation_error_message=_("Record the terms the parties agreed."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["unsuccessful", "referred"]) | ~Q(authority=""),
                name="mediationcase_authority_when_referred",
                violation_error_message=_("Choose the competent authority."),
            ),
            models.CheckConstraint(
                condition=Q(followed_up_on__isnull=True, agreement_kept__isnull=True)
                | Q(followed_up_on__isnull=False, agreement_kept__isnull=False),
                name="mediationcase_follow_up_complete",
                violation_error_message=_(
                    "A follow-up has a date and says whether the agreement was kept."
                ),
            ),
        ]
        indexes = [
            # The group's case list: one group's cases by status, newest first.
            models.Index(
                fields=["group", "status", "-received_on"], name="mediationcase_group_idx"
            ),
            # mediation/stats.py: cases received, and cases decided, in a period.
            models.Index(fields=["received_on"], name="mediationcase_received_idx"),
            models.Index(
                fields=["outcome_on"],
                condition=Q(outcome_on__isnull=False),
                name="mediationcase_outcome_idx",
            ),
        ]

    def __str__(self):
        return _("Mediation case #%(pk)s") % {"pk": self.pk}

    def clean(self):
        if self.group_id and not self.group.model_types.filter(is_mediation=True).exists():
            raise ValidationError({"group": _("Choose a mediation group.")})
        if self.outcome_on and self.received_on and self.outcome_on < self.received_on:
            raise ValidationError({"outcome_on": _("The outcome cannot precede the request.")})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def referred_to_police(self) -> bool:
        return self.status in REFERRING_STATUSES and self.authority == Authority.WARD_POLICE


class CaseScopedQuerySet(models.QuerySet):
    """For rows that belong to one case: seen and edited as their case is."""

    def visible_to(self, user):
        return self.filter(case__in=MediationCase.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(case__in=MediationCase.objects.editable_by(user))


class CaseParty(models.Model):
    """A person on one side of the dispute. A side holds one or more people."""

    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="parties"
    )
    side = models.PositiveSmallIntegerField(
        _("side"), default=1, help_text=_("1 for the first side, 2 for the second, …")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["side", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(side__gte=1),
                name="caseparty_side_from_one",
                violation_error_message=_("Sides are numbered from 1."),
            )
        ]

    def __str__(self):
        return self.full_name


class MediatorQuerySet(CaseScopedQuerySet):
    def active(self):
        return self.filter(recused_on__isnull=True)


class CaseMediator(models.Model):
    """A mediator on a case; a recusal keeps the row with its reason."""

    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="mediators"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("mediator"),
        on_delete=models.PROTECT,
        related_name="mediation_assignments",
    )
    assigned_on = models.DateField(_("assigned on"), default=timezone.localdate)
    recused_on = models.DateField(_("recused on"), null=True, blank=True)
    recusal_reason = models.TextField(
        _("reason for the recusal"),
        blank=True,
        help_text=_("E.g. related to a party, or an interest in the dispute."),
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )

    objects = MediatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("case mediator")
        verbose_name_plural = _("case mediators")
        ordering = ["recused_on", "assigned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "member"],
                condition=Q(recused_on__isnull=True),
                name="casemediator_once_per_case",
                violation_error_message=_("This mediator is already on the case."),
            ),
            models.CheckConstraint(
                condition=Q(recused_on__isnull=True, recusal_reason="")
                | (Q(recused_on__isnull=False) & ~Q(recusal_reason="")),
                name="casemediator_recusal_has_reason",
                violation_error_message=_("A recusal has a date and a reason."),
            ),
        ]

    def __str__(self):
        return str(self.member)

    @property
    def is_active(self) -> bool:
        return self.recused_on is None


class MediationSession(models.Model):
    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255)
    parties_present = models.ManyToManyField(
        CaseParty, verbose_name=_("parties present"), blank=True, related_name="sessions"
    )
    mediators_present = models.ManyToManyField(
        CaseMediator, verbose_name=_("mediators present"), blank=True, related_name="sessions"
    )
    other_attendees = models.TextField(
        _("others present"),
        blank=True,
        help_text=_("Relatives, witnesses, respected persons invited by the mediators."),
    )
    minutes = models.TextField(_("minutes"))
    next_steps = models.TextField(_("next steps"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CaseScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.case} · {self.held_on:%d/%m/%Y}"


class CaseEventQuerySet(CaseScopedQuerySet):
    def editable_by(self, user):
        # The history only grows: an entry, once written, is never changed.
        return self.none()


class CaseEvent(models.Model):
    """One entry of a case's history: created, status moves, mediators, follow-up."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Received")
        STATUS = "status", _("Status changed")
        MEDIATOR_ASSIGNED = "mediator_assigned", _("Mediator assigned")
        MEDIATOR_RECUSED = "mediator_recused", _("Mediator recused")
        SESSION = "session", _("Session recorded")
        FOLLOW_UP = "follow_up", _("Follow-up recorded")

    case = models.ForeignKey(
        MediationCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(
        _("from status"), max_length=16, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="caseevent_history_idx")]

    def __str__(self):
        return f"{self.case_id} {self.kind}"
