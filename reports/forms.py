"""The report form a resident fills in, the one a member fills in for a resident,
and the two forms of the tracking page.

Both report forms hand their cleaned data to reports.intake.submit_report. What the form
guarantees to it: the unit lies in the ward, a map point is whole, photos are
already made safe (reports.photos.clean_photo), and an anonymous tip carries no
name or phone, whatever was typed.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.compiled_queries import CompiledQuery
from groups.inputs import MomentField, ascii_int
from groups.models import Area
from reports import receipts
from reports.models import SELF_SERVICE_CHANNELS, Category, Channel
from reports.photos import clean_photo
from reports.tracking import MAX_MESSAGE_LENGTH

MAX_PHOTOS = 5
# Spaces, dots, dashes and brackets people put into phone numbers.
_PHONE_DECORATION = re.compile(r"[\s.\-()]+")
_PHONE = re.compile(r"\+?[0-9]{8,15}")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS photos, each made safe by reports.photos.clean_photo."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [
            upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload
        ]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(
                _("Send at most %(count)s photos."), code="too_many", params={"count": MAX_PHOTOS}
            )
        cleaned, errors = [], []
        for upload in uploads:
            try:
                cleaned.append(clean_photo(upload=upload))
            except ValidationError as error:
                errors.extend(
                    ValidationError(
                        "%(file)s: %(problem)s",
                        code=error.code or "invalid",
                        params={"file": upload.name, "problem": message},
                    )
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return cleaned


class CategoryField(forms.ModelChoiceField):
    """An active category, read with SQL built once per process (groups/compiled_queries.py)
    and kept until the categories change (groups/reference_data.py): every report
    reads one, and building the query took longer than running it.

    The choice is looked up among ACTIVE_CATEGORIES whatever the field's queryset: a
    form that offers fewer categories needs a plain ModelChoiceField instead.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = ascii_int(value)
        chosen = _ACTIVE_CATEGORY.objects(pk=pk) if pk else []
        if not chosen:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return chosen[0]


# With its escalation rule: the intake schedules the first escalation from it.
ACTIVE_CATEGORIES = Category.objects.filter(active=True).select_related("escalation_rule")
_ACTIVE_CATEGORY = CompiledQuery(
    lambda pk: ACTIVE_CATEGORIES.filter(pk=pk), ints=("pk",), reference_data=True
)
# The commune/ward and the unit a report names, in one query.
_PLACES = CompiledQuery(
    lambda ward, unit: Area.objects.filter(pk__in=(ward, unit)),
    ints=("ward", "unit"),
    reference_data=True,
)


class PlaceField(forms.ModelChoiceField):
    """A commune/ward or unit choice that first looks among the places the form has
    already read (`known`, by id): the form reads both in one query."""

    known: dict = {}

    def to_python(self, value):
        place = self.known.get(ascii_int(value))
        return place if place is not None else super().to_python(value)


class ReportForm(forms.Form):
    """A report or tip as a resident gives it. Members logging a report use
    `LoggedReportForm`, which adds the channel."""

    category = CategoryField(
        label=_("What is it about?"),
        queryset=ACTIVE_CATEGORIES,
        empty_label=_("Choose a category"),
    )
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "Describe what you saw. Do not write your own name here if you want to stay anonymous."
        ),
    )
    concerns_group_member = forms.BooleanField(
        label=_("This concerns the self-management group or one of its members"),
        required=False,
        help_text=_("Then only the commune/ward police receive it; the group never sees it."),
    )
    occurred_at = MomentField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave empty if it is happening now."),
    )
    ward = PlaceField(
        label=_("Commune / ward"),
        queryset=Area.objects.communes().alphabetical(),
        empty_label=_("Choose the commune or ward"),
    )
    unit = PlaceField(
        label=_("Residential unit (village, residential group)"),
        queryset=Area.objects.residential_units().alphabetical(),
        required=False,
        empty_label=_("Not sure / not listed"),
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=255,
        required=False,
        help_text=_("E.g. house number and street, or “behind the market”."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    photos = MultiplePhotoField(
        label=_("Choose photos"),
        help_text=_(
            "Up to 5 photos, JPEG, PNG or WebP, 10 MB each. "
            "Location and camera data are removed from them."
        ),
    )
    anonymous = forms.BooleanField(
        label=_("Send anonymously"),
        required=False,
        help_text=_(
            "Nothing that identifies you is kept: no name, phone, address or device. "
            "You follow your tip with the receipt code and a passphrase."
        ),
    )
    passphrase = forms.CharField(
        label=_("Your passphrase"),
        required=False,
        max_length=receipts.MAX_PASSPHRASE_LENGTH,
        strip=False,
        # Shown as typed: the tipster has to write it down, and a password
        # manager should not keep it on a phone others may use.
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        help_text=_("At least 8 letters or digits. Leave empty and we give you one."),
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Your phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    # A field people never see (hidden by CSS, skipped by keyboard); bots fill it in.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # With JavaScript, htmx narrows the units to the chosen ward; without
        # it, the list below already is narrowed (or grouped by ward).
        self.fields["ward"].widget.attrs.update(
            {
                "hx-get": reverse("public:unit_options"),
                "hx-target": f"#{self['unit'].auto_id}",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        if self.is_bound:
            self._read_places()
        # Built only when the form is shown: a valid POST never shows it, and
        # the list costs two queries (a callable is called when the select renders).
        self.fields["unit"].widget.choices = self._unit_choices

    def _unit_choices(self) -> list:
        return unit_choices(ward=self._chosen_ward(), empty_label=self.fields["unit"].empty_label)

    def _read_places(self):
        """The chosen commune/ward and unit in one query, for their fields to take."""
        ward_id = ascii_int(self["ward"].value())
        unit_id = ascii_int(self["unit"].value())
        if not (ward_id or unit_id):
            return
        # The depths of Area.objects.communes() and .residential_units().
        places = {
            (place.pk, place.depth): place
            for place in _PLACES.objects(ward=ward_id or 0, unit=unit_id or 0)
        }
        self.fields["ward"].known = {ward_id: places[ward_id, 2]} if (ward_id, 2) in places else {}
        self.fields["unit"].known = {unit_id: places[unit_id, 3]} if (unit_id, 3) in places else {}

    def _chosen_ward(self):
        ward_id = ascii_int(self["ward"].value())
        if not ward_id:
            return None
        known = self.fields["ward"].known.get(ward_id)
        return known or Area.objects.communes().filter(pk=ward_id).first()

    def clean_phone(self):
        phone = _PHONE_DECORATION.sub("", self.cleaned_data["phone"])
        if phone and not _PHONE.fullmatch(phone):
            raise ValidationError(
                _("Enter a phone number of 8 to 15 digits, e.g. 0912 345 678."), code="phone"
            )
        return phone

    def clean(self):
        data = super().clean()
        category, ward, unit = data.get("category"), data.get("ward"), data.get("unit")
        if unit and ward and not unit.path.startswith(ward.path):
            self.add_error(
                "unit",
                ValidationError(
                    _("This residential unit is not in the chosen commune/ward."),
                    code="unit_outside_ward",
                ),
            )
        self._clean_map_point(data)
        if data.get("anonymous"):
            if category and not category.allows_anonymous:
                self.add_error(
                    "anonymous",
                    ValidationError(
                        _(
                            "This category does not take anonymous tips. Please give a name or "
                            "a phone number, or contact the commune/ward police."
                        ),
                        code="anonymous_not_allowed",
                    ),
                )
            # An anonymous tip keeps nothing that identifies the sender, even if typed.
            data["name"] = data["phone"] = ""
            if data.get("passphrase"):
                try:
                    receipts.validate_chosen_passphrase(data["passphrase"])
                except ValidationError as error:
                    self.add_error("passphrase", error)
        else:
            data["passphrase"] = ""
        return data

    def _clean_map_point(self, data):
        # Only when both fields parsed: a malformed one already has its own error.
        if "latitude" not in data or "longitude" not in data:
            return
        latitude, longitude = data["latitude"], data["longitude"]
        if latitude is not None and longitude is None:
            self.add_error(
                "longitude",
                ValidationError(_("Give the longitude too, or neither."), code="incomplete"),
            )
        elif longitude is not None and latitude is None:
            self.add_error(
                "latitude",
                ValidationError(_("Give the latitude too, or neither."), code="incomplete"),
            )

    @property
    def is_spam(self) -> bool:
        return "website" in self.fields and bool(self.data.get("website"))


class LoggedReportForm(ReportForm):
    """A report a member logs for a resident (phone, walk-in, Zalo, camera, tip box)."""

    channel = forms.ChoiceField(
        label=_("How did it reach you?"),
        choices=[
            (value, label) for value, label in Channel.choices if value not in SELF_SERVICE_CHANNELS
        ],
    )
    # Members are signed in; the honeypot is for the public form only.
    website = None
    field_order = ["channel"]


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("As written on your receipt, e.g. K7QF-3MZC-9TXA-W2RD."),
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        required=False,
        strip=False,
        max_length=receipts.MAX_PASSPHRASE_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        help_text=_("Only for anonymous tips."),
    )


class ReporterMessageForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def unit_choices(*, ward, empty_label) -> list:
    """Choices for the unit select: the ward's units, or every unit grouped by ward.

    Also used by the htmx endpoint that refreshes the list when the ward changes.
    """
    if ward is not None:
        return [("", empty_label)] + [
            (unit.pk, unit.name)
            for unit in Area.objects.within(ward).filter(depth=3).alphabetical()
        ]
    # Wards in alphabetical order (a dict keeps the order they are first met in).
    ward_names = dict(Area.objects.communes().alphabetical().values_list("path", "name"))
    grouped: dict[str, list] = {name: [] for name in ward_names.values()}
    for unit in Area.objects.residential_units().alphabetical():
        ward_path = unit.path[: 2 * Area.steplen]
        grouped.setdefault(ward_names.get(ward_path, ""), []).append((unit.pk, unit.name))
    return [("", empty_label), *((name, units) for name, units in grouped.items() if units)]
