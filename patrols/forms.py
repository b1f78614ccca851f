"""Forms of the patrol pages. They parse input; the rules live in patrols/schedule.py,
patrols/shifts.py, patrols/logbook.py, patrols/incidents.py and patrols/hotspots.py."""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from groups.inputs import DayField, MonthField, TimeInRangeField
from groups.models import Area, Member, Membership
from groups.text_search import SearchField
from patrols.logbook import PartnerEntry
from patrols.models import (
    Hotspot,
    HotspotKind,
    PartnerKind,
    PatrolLog,
    PatrolSchedule,
    PatrolShift,
    ShiftAssignment,
    ShiftPartner,
    ShiftStatus,
)
from patrols.recurrence import weekdays_of, weekly_rule
from reports.forms import LoggedReportForm, unit_choices

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def current_members(group, *, on: datetime.date | None = None):
    return Member.objects.filter(
        pk__in=Membership.objects.current(on=on).filter(group=group).values("member")
    ).order_by("full_name", "pk")


def _local_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_default_timezone())


# Schedules and shifts -------------------------------------------------------------------


class ScheduleForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On these days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PatrolSchedule
        fields = [
            "title",
            "weekdays",
            "start_time",
            "end_time",
            "starts_on",
            "ends_on",
            "rule",
            "route",
            "area",
            "meeting_point",
            "people_needed",
            "team",
            "hotspots",
        ]
        field_classes = {"starts_on": DayField, "ends_on": DayField}
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "start_time": TIME_INPUT,
            "end_time": TIME_INPUT,
            "route": forms.Textarea(attrs={"rows": 3}),
            "team": forms.CheckboxSelectMultiple,
            "hotspots": forms.CheckboxSelectMultiple,
            "people_needed": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }
        labels = {"rule": _("Or an iCalendar recurrence rule (advanced)")}
        help_texts = {
            "rule": _(
                "Instead of the days above, e.g. FREQ=MONTHLY;BYDAY=1SA for the first "
                "Saturday of each month."
            )
        }

    def __init__(self, *args, group, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group
        self.fields["rule"].required = False
        self.fields["area"].queryset = (
            Area.objects.within(group.ward).filter(depth=3).alphabetical()
        )
        self.fields["area"].empty_label = _("The group's whole area")
        self.fields["team"].queryset = current_members(group)
        self.fields["hotspots"].queryset = (
            Hotspot.objects.visible_to(user).active().filter(ward=group.ward)
        )
        if self.instance.pk:
            days = weekdays_of(self.instance.rule)
            if days is not None:
                self.initial.update(weekdays=days, rule="")
        else:
            self.initial.setdefault("starts_on", timezone.localdate())
            self.initial.setdefault("start_time", datetime.time(21, 0))
            self.initial.setdefault("end_time", datetime.time(23, 0))

    def clean(self):
        data = super().clean()
        if not data.get("rule"):
            if data.get("weekdays"):
                data["rule"] = weekly_rule(weekdays=data["weekdays"])
            else:
                self.add_error("weekdays", _("Choose at least one day, or give a rule."))
        return data


class ShiftForm(forms.ModelForm):
    class Meta:
        model = PatrolShift
        fields = ["starts_at", "ends_at", "route", "area", "meeting_point", "people_needed", "note"]
        field_classes = {"starts_at": TimeInRangeField, "ends_at": TimeInRangeField}
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "route": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "people_needed": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            Area.objects.within(self.instance.group.ward).filter(depth=3).alphabetical()
        )
        self.fields["area"].empty_label = _("The group's whole area")


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why?"), max_length=255, required=False)


class AssignmentForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Who is on this shift"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, shift: PatrolShift, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = (
            current_members(shift.group, on=timezone.localdate(shift.starts_at))
            | Member.objects.filter(pk__in=shift.assignments.values("member"))
        ).distinct()
        if not self.is_bound:
            self.initial["members"] = list(shift.assignments.values_list("member_id", flat=True))


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, assignment):
        start = formats.date_format(
            timezone.localtime(assignment.shift.starts_at), "SHORT_DATETIME_FORMAT"
        )
        return f"{start} · {assignment.member}"


class SwapForm(forms.Form):
    mine = forms.ModelChoiceField(
        label=_("Member on this shift"), queryset=ShiftAssignment.objects.none()
    )
    other = AssignmentChoiceField(
        label=_("Trades places with"), queryset=ShiftAssignment.objects.none()
    )

    def __init__(self, *args, shift: PatrolShift, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mine"].queryset = shift.assignments.select_related("member")
        self.fields["mine"].label_from_instance = lambda assignment: str(assignment.member)
        self.fields["other"].queryset = (
            ShiftAssignment.objects.filter(
                shift__group_id=shift.group_id,
                shift__status=ShiftStatus.PLANNED,
                shift__ends_at__gt=timezone.now(),
                shift__log__isnull=True,
            )
            .exclude(shift=shift)
            .select_related("shift", "member")
            .order_by("shift__starts_at", "member__full_name")
        )


class PartnerForm(forms.ModelForm):
    class Meta:
        model = ShiftPartner
        fields = ["name", "organisation", "kind"]


# The patrol log ---------------------------------------------------------------------------


class KeyedForm(forms.Form):
    """A change to a log: its idempotency key, and when it was made on the phone."""

    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    # Filled in by the page's script when the change is made; empty without it.
    at = forms.DateTimeField(widget=forms.HiddenInput, required=False)


class StartForm(KeyedForm):
    pass


class FinishForm(KeyedForm):
    pass


class NotesForm(KeyedForm):
    route = forms.CharField(
        label=_("Route taken"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "data-draft": "route"}),
    )
    observations = forms.CharField(
        label=_("What did you see?"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5, "data-draft": "observations"}),
    )


PRESENCE = [("present", _("Present")), ("absent", _("Absent"))]


class AttendanceForm(KeyedForm):
    """One present/absent choice per member of the group and per partner of the shift."""

    def __init__(self, *args, log: PatrolLog, members, partners, **kwargs):
        super().__init__(*args, **kwargs)
        marked = {(row.member_id, row.partner_id): row.present for row in log.attendances.all()}
        self.people = []
        for member in members:
            self._add(f"member_{member.pk}", str(member), marked.get((member.pk, None)))
        for partner in partners:
            self._add(f"partner_{partner.pk}", str(partner), marked.get((None, partner.pk)))

    def _add(self, name: str, label: str, present: bool | None):
        self.fields[name] = forms.ChoiceField(
            label=label, choices=PRESENCE, required=False, widget=forms.RadioSelect
        )
        if present is not None:
            self.initial[name] = "present" if present else "absent"
        self.people.append(self[name])

    def marks(self) -> tuple[dict[int, bool], dict[int, bool]]:
        members, partners = {}, {}
        for name, value in self.cleaned_data.items():
            if not value or "_" not in name or name in ("key", "at"):
                continue
            kind, pk = name.split("_", 1)
            (members if kind == "member" else partners)[int(pk)] = value == "present"
        return members, partners


class CheckInForm(KeyedForm):
    hotspot = forms.ModelChoiceField(
        label=_("Hotspot"), queryset=Hotspot.objects.none(), empty_label=_("Choose a hotspot")
    )
    note = forms.CharField(label=_("What did you see there?"), max_length=500, required=False)
    latitude = forms.DecimalField(
        required=False, min_value=-90, max_value=90, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        required=False, min_value=-180, max_value=180, decimal_places=6, widget=forms.HiddenInput
    )

    def __init__(self, *args, hotspots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotspot"].queryset = hotspots

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("A position needs both latitude and longitude."))
        return data


class AfterwardsForm(forms.Form):
    """A whole patrol log entered after the patrol, for a planned shift or an unplanned one."""

    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    day = DayField(label=_("Day"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Started at"), widget=TIME_INPUT)
    end_time = forms.TimeField(
        label=_("Finished at"),
        widget=TIME_INPUT,
        help_text=_("A time before the start means the patrol ended the next day."),
    )
    present = forms.ModelMultipleChoiceField(
        label=_("Who took part"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    partners_present = forms.ModelMultipleChoiceField(
        label=_("Partners of the joint patrol who came"),
        queryset=ShiftPartner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    new_partners = forms.CharField(
        label=_("Other partners (police, security guards, market board …)"),
        help_text=_("One per line: name, organisation."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    route = forms.CharField(
        label=_("Route taken"), required=False, max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    hotspots = forms.ModelMultipleChoiceField(
        label=_("Hotspots checked"),
        queryset=Hotspot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    observations = forms.CharField(
        label=_("What did you see?"),
        required=False,
        max_length=10000,
        widget=forms.Textarea({"rows": 5}),
    )

    def __init__(self, *args, group, user, shift: PatrolShift | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.shift = shift
        members = current_members(group)
        if shift is not None:
            members = (
                members | Member.objects.filter(pk__in=shift.assignments.values("member"))
            ).distinct()
            self.fields["partners_present"].queryset = shift.partners.all()
            start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
            self.initial.update(
                day=start.date(),
                start_time=start.time().replace(second=0, microsecond=0),
                end_time=end.time().replace(second=0, microsecond=0),
                route=shift.route,
                present=list(shift.assignments.values_list("member_id", flat=True)),
            )
        else:
            del self.fields["partners_present"]
        self.fields["present"].queryset = members
        self.fields["hotspots"].queryset = (
            Hotspot.objects.visible_to(user).active().filter(ward=group.ward)
        )

    def clean_new_partners(self) -> list[PartnerEntry]:
        entries = []
        for line in self.cleaned_data["new_partners"].splitlines():
            if not line.strip():
                continue
            name, _comma, organisation = line.partition(",")
            if not name.strip() or not organisation.strip():
                raise ValidationError(
                    _("Write each partner as: name, organisation."), code="partner"
                )
            entries.append(
                PartnerEntry(
                    name=name.strip()[:200],
                    organisation=organisation.strip()[:200],
                    kind=PartnerKind.OTHER,
                )
            )
        return entries

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            data["started_at"] = _local_datetime(day, start)
            data["finished_at"] = _local_datetime(day, end)
            if end <= start:
                data["finished_at"] += datetime.timedelta(days=1)
            if data["finished_at"] > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("end_time", _("Enter a patrol that is over."))
        return data


class PatrolIncidentForm(LoggedReportForm):
    """The report form for an incident found on patrol: the channel is the patrol, the
    reporter the member (no anonymous tip), and a key makes a second send a no-op."""

    channel = None
    anonymous = None
    passphrase = None
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    hotspot = forms.ModelChoiceField(
        queryset=Hotspot.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, hotspots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotspot"].queryset = hotspots


# Hotspots and coverage --------------------------------------------------------------------


class HotspotForm(forms.ModelForm):
    class Meta:
        model = Hotspot
        fields = [
            "name",
            "kind",
            "risk",
            "ward",
            "unit",
            "address",
            "latitude",
            "longitude",
            "notes",
            "active",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards
        self.fields["unit"].empty_label = _("The whole commune/ward")
        ward_list = list(wards)
        if not self.instance.pk and len(ward_list) == 1:
            self.initial.setdefault("ward", ward_list[0].pk)
        # As on the report form: htmx narrows the units to the chosen ward, and
        # without JavaScript the list is already narrowed (or grouped by ward).
        self.fields["ward"].widget.attrs.update(
            {
                "hx-get": reverse("public:unit_options"),
                "hx-target": f"#{self['unit'].auto_id}",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        chosen = self["ward"].value()
        ward = next((ward for ward in ward_list if str(ward.pk) == str(chosen)), None)
        self.fields["unit"].widget.choices = unit_choices(
            ward=ward, empty_label=self.fields["unit"].empty_label
        )

    def clean(self):
        data = super().clean()
        ward, unit = data.get("ward"), data.get("unit")
        if unit and ward and not unit.path.startswith(ward.path):
            self.add_error("unit", _("This residential unit is not in the chosen commune/ward."))
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data


class HotspotFilterForm(forms.Form):
    q = SearchField()
    days = forms.IntegerField(
        label=_("Not checked for at least (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *HotspotKind.choices], required=False
    )


class CoverageForm(forms.Form):
    month = MonthField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    area = forms.ModelChoiceField(
        label=_("Province or commune/ward"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Everything I can see"),
    )

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is None:
            del self.fields["area"]
        else:
            self.fields["area"].queryset = areas
