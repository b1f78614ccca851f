"""Forms of the handlers' actions on a report's detail page.

They only parse input; the rules live in reports/lifecycle.py,
reports/duplicates.py, reports/conversation.py and reports/vault_access.py.
The public report form and the form for logging a report are in
reports/forms.py.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from reports.conversation import MAX_TEXT_LENGTH
from reports.models import Report, ReportEvent, Status

# Closing as a duplicate goes through MergeForm, which also notes the merge on the original.
TRANSITION_TARGETS = [
    (value, label) for value, label in Status.choices if value not in (Status.NEW, Status.DUPLICATE)
]


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=TRANSITION_TARGETS, widget=forms.HiddenInput)
    outcome = forms.CharField(
        label=_("Outcome"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public = forms.BooleanField(label=_("The reporter may read this note"), required=False)
    # A move cannot be taken back: the first post shows what will happen, and only
    # the second, from the confirmation step, carries this (reports/views.py).
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


def action_name(*, target: str, current: str) -> str:
    """The words of the button that moves a report from `current` to `target`, as
    the detail page's actions and their confirmation step say them."""
    if target == Status.IN_PROGRESS:
        if current == Status.RESOLVED:
            return _("Reopen")
        if current == Status.REFERRED:
            return _("Take over")
        return _("Start work")
    return {
        Status.ACKNOWLEDGED: _("Acknowledge"),
        Status.RESOLVED: _("Resolve"),
        Status.REFERRED: _("Refer to police"),
        Status.REJECTED: _("Reject"),
    }.get(target, Status(target).label)


class MergeForm(forms.Form):
    duplicate_of = forms.ModelChoiceField(
        label=_("Original report"), queryset=Report.objects.none(), empty_label=None
    )
    note = forms.CharField(
        label=_("Note (internal)"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    OTHER_CHOICES = 30

    def __init__(self, *args, report: Report, user, suggestions, **kwargs):
        # Several forms share the page: keep their element ids apart.
        kwargs.setdefault("auto_id", "merge_%s")
        super().__init__(*args, **kwargs)
        candidates = (
            Report.objects.visible_to(user)
            .filter(ward_id=report.ward_id)
            .exclude(pk=report.pk)
            .exclude(status=Status.DUPLICATE)
        )
        field = self.fields["duplicate_of"]
        field.queryset = candidates
        suggested_pks = [suggestion.pk for suggestion in suggestions]
        others = (
            candidates.exclude(pk__in=suggested_pks)
            .select_related("category", "ward", "unit")
            .order_by("-created_at", "-pk")[: self.OTHER_CHOICES]
        )
        # Shown grouped, suggestions first; any report in `candidates` is accepted.
        choices = []
        if suggestions:
            choices.append((_("Suggested"), [(r.pk, report_label(r)) for r in suggestions]))
        choices.append(
            (_("Other reports in this commune/ward"), [(r.pk, report_label(r)) for r in others])
        )
        field.choices = choices


def report_label(report: Report) -> str:
    received = formats.date_format(timezone.localtime(report.created_at), "SHORT_DATETIME_FORMAT")
    status = report.get_status_display()
    return f"#{report.pk} · {report.category} · {report.place} · {received} · {status}"


class MessageForm(forms.Form):
    KINDS = [
        (ReportEvent.Kind.NOTE, _("Internal note (handlers only)")),
        (ReportEvent.Kind.QUESTION, _("Question to the reporter")),
        (ReportEvent.Kind.UPDATE, _("Update for the reporter")),
    ]

    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Text"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "message_%s")
        super().__init__(*args, **kwargs)


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why must this report be kept?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "E.g. the case file it belongs to. Your name, the time and the hold are logged."
        ),
    )
    lift = forms.BooleanField(required=False, widget=forms.HiddenInput)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the reporter's contact?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your name, the time and this reason are logged and seen by administrators."),
    )


def add_domain_error(form: forms.Form, error: ValidationError) -> None:
    """Put a domain function's ValidationError on the form's fields, or on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
