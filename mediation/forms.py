"""Forms of the mediation pages. They parse input; the rules live in
mediation/intake.py, details.py, lifecycle.py, mediators.py and sessions.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.inputs import DayField, YearField
from groups.models import Member, Membership
from mediation.models import (
    Authority,
    CaseMediator,
    CaseParty,
    DisputeKind,
    MediationCase,
    Origin,
)

TEXT_LIMIT = 5000
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, *, required=True, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _date(label, *, required=True):
    return DayField(label=label, required=required, widget=DATE, initial=timezone.localdate)


class MediatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


# Opening a case and its parties


class CaseForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Mediation group"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of dispute"), choices=DisputeKind.choices)
    origin = forms.ChoiceField(label=_("How it came in"), choices=Origin.choices)
    origin_detail = forms.CharField(
        label=_("Who asked or referred (optional)"), required=False, max_length=255
    )
    received_on = _date(_("Received on"))
    summary = _text(
        _("Summary"),
        rows=4,
        help_text=_("A short, neutral account of the dispute, taking no side."),
    )
    mediators = MediatorChoiceField(
        label=_("Mediators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Normally two or more; you can add them later."),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["mediators"].queryset = Member.objects.filter(
            is_mediator=True,
            pk__in=Membership.objects.current().filter(group__in=groups).values("member"),
        ).order_by("full_name")


class PartyForm(forms.ModelForm):
    class Meta:
        model = CaseParty
        fields = ["side", "full_name", "birth_year", "address", "phone"]
        widgets = {"side": forms.NumberInput(attrs={"min": 1, "max": 9})}


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        sides = {
            form.cleaned_data["side"]
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get("full_name")
        }
        if len(sides) < 2:
            raise ValidationError(_("Record at least one person on each of two sides."))

    def parties(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


# Four rows: two people a side is the common case; a third side is rare.
# absolute_max: Django's default (max_num + 1,000) would build and render 1,020
# forms for a post that claims that many (parties-TOTAL_FORMS), 200 ms of work.
PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=4, max_num=20, absolute_max=20, validate_max=True
)


def initial_parties() -> list[dict]:
    return [{"side": 1}, {"side": 1}, {"side": 2}, {"side": 2}]


class CaseEditForm(forms.ModelForm):
    class Meta:
        model = MediationCase
        fields = ["kind", "origin", "origin_detail", "received_on", "summary"]
        field_classes = {"received_on": DayField}
        widgets = {"received_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}


# Actions on a case (mediation/lifecycle.py decides; each form shows what its move needs)


class StartForm(forms.Form):
    pass


class ReferForm(forms.Form):
    note = _text(_("Why is the matter outside grassroots mediation's scope?"))
    authority = forms.ChoiceField(label=_("Referred to"), choices=Authority.choices)
    authority_detail = forms.CharField(
        label=_("Authority's name (optional)"), required=False, max_length=255
    )
    on = _date(_("Date"))


class SucceedForm(forms.Form):
    agreement_terms = _text(
        _("Terms of the agreement"),
        rows=5,
        help_text=_("Who does what, how and by when; the rights and duties of each side."),
    )
    on = _date(_("Date of the agreement"))


class FailForm(forms.Form):
    authority = forms.ChoiceField(
        label=_("Competent authority the parties were pointed to"), choices=Authority.choices
    )
    authority_detail = forms.CharField(
        label=_("Authority's name (optional)"), required=False, max_length=255
    )
    guidance = _text(_("Guidance given to the parties"))
    on = _date(_("Date"))


class ReasonForm(forms.Form):
    note = _text(_("Reason"))
    on = _date(_("Date"))


class ResumeForm(forms.Form):
    note = _text(_("Note (optional)"), required=False, rows=2)


class ReopenForm(forms.Form):
    note = _text(_("Why is the case reopened?"))


ACTION_FORMS = {
    "start": StartForm,
    "refer": ReferForm,
    "succeed": SucceedForm,
    "fail": FailForm,
    "suspend": ReasonForm,
    "withdraw": ReasonForm,
    "resume": ResumeForm,
    "reopen": ReopenForm,
}


class FollowUpForm(forms.Form):
    kept = forms.TypedChoiceField(
        label=_("Did the parties keep the agreement?"),
        choices=[("yes", _("Yes, kept")), ("no", _("No, not kept"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    on = _date(_("Date of the follow-up"))
    note = _text(_("What the follow-up found (optional)"), required=False, rows=2)


# Mediators, parties, sessions


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Mediator"), queryset=None)

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = eligible


class RecuseForm(forms.Form):
    assignment = forms.ModelChoiceField(label=_("Mediator who steps aside"), queryset=None)
    reason = _text(
        _("Reason"),
        rows=2,
        help_text=_("E.g. related to a party, or an interest in the dispute."),
    )
    replacement = forms.ModelChoiceField(
        label=_("Replaced by"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, case: MediationCase, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = (
            CaseMediator.objects.active().filter(case=case).select_related("member")
        )
        self.fields["replacement"].queryset = eligible


class SessionForm(forms.Form):
    held_on = _date(_("Date"))
    place = forms.CharField(label=_("Place"), max_length=255)
    parties_present = forms.ModelMultipleChoiceField(
        label=_("Parties present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mediators_present = forms.ModelMultipleChoiceField(
        label=_("Mediators present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = _text(_("Others present (optional)"), required=False, rows=2)
    minutes = _text(_("Minutes"), rows=8)
    next_steps = _text(_("Next steps (optional)"), required=False, rows=2)

    def __init__(self, *args, case: MediationCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties_present"].queryset = case.parties.all()
        self.fields["mediators_present"].queryset = (
            CaseMediator.objects.active().filter(case=case).select_related("member")
        )


class FromReportForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Mediation group"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label=_("Kind of dispute"), choices=DisputeKind.choices, initial=DisputeKind.OTHER
    )

    def __init__(self, *args, groups, **kwargs):
        kwargs.setdefault("auto_id", "mediation_%s")
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


# Statistics


class StatisticsForm(forms.Form):
    year = YearField(label=_("Year"))
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[("", _("Whole year")), ("1", "I"), ("2", "II"), ("3", "III"), ("4", "IV")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    area = forms.ModelChoiceField(
        label=_("Province or commune/ward"), queryset=None, required=False
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].empty_label = _("Everything I may count")
        self.fields["year"].initial = timezone.localdate().year
