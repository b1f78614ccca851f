"""Spreadsheet (CSV/XLSX) import and export of groups and memberships for the admin.

The contract a province clerk relies on:

- A file is imported whole or not at all. Any bad row rolls back every row of the
  batch, new people and model-kind links included (``ScopedResource.import_data``).
- Every bad row is reported with the reason in words, keyed by the column of the file,
  never as a traceback: lookups that can fail raise ``ValueError``/``ValidationError``
  with a translatable message, and rules the database would enforce with a bare
  constraint name are checked first (``rule_errors``).
- Exports and matches see only what the user may see (``visible_to``); rows are only
  changed where the user may change them (``editable_by``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export import fields, resources, widgets

from groups.models import Area, Member, Membership, ModelType, SelfManagementGroup

# Official commune/ward codes are five digits; a spreadsheet that stored one as a
# number ("7030") dropped the leading zero, which padding restores.
WARD_CODE_LENGTH = 5


def cell_text(value) -> str:
    """A cell as trimmed text; spreadsheets return numbers as int or float (7030.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class WardCodeWidget(widgets.Widget):
    """A commune/ward (depth 2 of the area tree) by its official code."""

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        if isinstance(value, int | float) and code:
            code = code.zfill(WARD_CODE_LENGTH)
        if not code:
            raise ValueError(_("Give the code of the commune/ward."))
        area = Area.objects.filter(code=code).first()
        if area is None:
            raise ValueError(_("No commune/ward has the code “%(code)s”.") % {"code": code})
        if not area.is_commune_level:
            raise ValueError(
                _("“%(code)s” is the code of %(area)s, which is not a commune/ward.")
                % {"code": code, "area": area}
            )
        return area

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class ResidentialUnitWidget(widgets.Widget):
    """A residential unit by name, under the commune/ward of the row's ``ward_code``.

    Imports never create areas: the area tree comes from the official lists.
    """

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            return None
        try:
            ward = WardCodeWidget().clean((row or {}).get("ward_code"))
        except ValueError:
            return None  # the ward_code column carries the error for this row
        units = list(Area.objects.within(ward).residential_units().filter(name=name)[:2])
        if not units:
            raise ValueError(
                _("%(ward)s has no residential unit named “%(unit)s”.")
                % {"ward": ward, "unit": name}
            )
        if len(units) > 1:
            raise ValueError(
                _("%(ward)s has more than one residential unit named “%(unit)s”.")
                % {"ward": ward, "unit": name}
            )
        return units[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ModelKindsWidget(widgets.ManyToManyWidget):
    """Model kinds by name, separated by ";". Unknown names are an error, never created."""

    def __init__(self):
        super().__init__(ModelType, separator=";", field="name")

    def clean(self, value, row=None, **kwargs):
        names = list(
            dict.fromkeys(n.strip() for n in cell_text(value).split(self.separator) if n.strip())
        )
        if not names:
            raise ValueError(_("Give at least one model kind."))
        kinds = {kind.name: kind for kind in ModelType.objects.filter(name__in=names)}
        unknown = [name for name in names if name not in kinds]
        if unknown:
            raise ValueError(
                ngettext(
                    "Unknown model kind: %(names)s.",
                    "Unknown model kinds: %(names)s.",
                    len(unknown),
                )
                % {"names": "; ".join(unknown)}
            )
        return [kinds[name] for name in names]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "; ".join(kind.name for kind in value.all())


class IsoDateWidget(widgets.Widget):
    """Dates as YYYY-MM-DD in CSV; XLSX date cells arrive as datetimes and are accepted."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date; write dates as YYYY-MM-DD, for example 2024-03-31.")
                % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        # XLSX keeps real date cells, so that the sheet sorts and filters by date.
        return value if kwargs.get("force_native_type") else value.isoformat()


class ChoiceWidget(widgets.Widget):
    """One of a model's ``TextChoices`` values; blank leaves the field as it is."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower()
        if not text:
            return None
        if text not in self.choices.values:
            raise ValueError(
                _("“%(value)s” is not allowed here; use one of: %(choices)s.")
                % {"value": cell_text(value), "choices": ", ".join(self.choices.values)}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class YesNoWidget(widgets.Widget):
    """1/0 as exported; also yes/no, true/false, x, có/không as clerks type them."""

    YES = frozenset({"1", "yes", "true", "x", "có"})
    NO = frozenset({"", "0", "no", "false", "không"})

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(
            _("“%(value)s” is not yes or no; write 1 for yes and 0 or nothing for no.")
            % {"value": cell_text(value)}
        )

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return bool(value)
        return "1" if value else "0"


class GroupIdWidget(widgets.Widget):
    """A group by id, among the groups the importing user may change."""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(_("Give the id of the group."))
        is_id = text.isascii() and text.isdigit() and len(text) <= 18  # fits a bigint
        group = self.groups.filter(pk=int(text)).first() if is_id else None
        if group is None:
            # The same words whether the group is missing or out of the user's reach,
            # so that an import cannot probe for groups the user may not see.
            raise ValueError(_("Unknown group id “%(value)s”.") % {"value": text})
        return group

    def render(self, value, obj=None, **kwargs):
        return value.pk if value else ""


class ScopedResource(resources.ModelResource):
    """What both resources share: the user's scope and the all-or-nothing batch.

    ``user`` is optional only because django-import-export builds a resource
    without arguments to list its columns; such a resource sees no rows.
    """

    #: Columns without which no row of the file can be read.
    required_columns: tuple[str, ...] = ()
    #: Model fields filled from columns other than their own: column errors skip the field.
    columns_of_fields: dict[str, tuple[str, ...]] = {}

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        manager = self._meta.model._default_manager
        if self.user is None:
            return manager.none()
        return manager.visible_to(self.user)

    def editable(self):
        manager = self._meta.model._default_manager
        if self.user is None:
            return manager.none()
        return manager.editable_by(self.user)

    def filter_export(self, queryset, **kwargs):
        # The admin passes its changelist, already scoped; scoping here as well keeps
        # every other caller of `export` to the same rule.
        return self.with_related(queryset.filter(pk__in=self.get_queryset().values("pk")))

    def with_related(self, queryset):
        """The export's queryset with what its columns read, in a fixed number of queries."""
        return queryset

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        # A clerk fixes a file and uploads it again; half of it already saved would
        # then be imported twice. So any bad row rolls back the whole batch, whoever
        # calls this (the admin's confirm step does not ask for it by default).
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def before_import(self, dataset, **kwargs):
        headers = dataset.headers or []
        missing = [column for column in self.required_columns if column not in headers]
        if missing:
            raise ValueError(
                ngettext(
                    "The file has no column %(columns)s; the first line must name the columns.",
                    "The file has no columns %(columns)s; the first line must name the columns.",
                    len(missing),
                )
                % {"columns": ", ".join(missing)}
            )

    # The admin's save_model checks a row before and after saving (ScopedAdminMixin);
    # an import holds each row to the same two checks.
    def after_init_instance(self, instance, new, row, **kwargs):
        if not new and not self.editable().filter(pk=instance.pk).exists():
            raise ValidationError(_("You may not change “%(record)s”.") % {"record": instance})

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if is_create and not self.editable().filter(pk=instance.pk).exists():
            # Raised after the save: the batch's rollback removes the row again.
            raise ValidationError(_("You may not add “%(record)s”.") % {"record": instance})

    def rule_errors(self, instance) -> dict[str, list]:
        """Errors to report in words before the database would refuse the row."""
        return {}

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's errors, the rules' errors and the model's own validation, by column.

        Replaces the library's version to leave out of ``full_clean`` every model field
        whose columns already have an error (see ``columns_of_fields``), so that a row
        says each problem once.
        """
        errors = {key: list(messages) for key, messages in (import_validation_errors or {}).items()}
        for key, messages in self.rule_errors(instance).items():
            errors.setdefault(key, []).extend(messages)
        exclude = set(errors)
        exclude.update(
            field
            for field, columns in self.columns_of_fields.items()
            if any(column in errors for column in columns)
        )
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            # The clerk knows the file's columns, not the model's fields.
            columns = {f.attribute: f.column_name for f in self.fields.values() if f.attribute}
            raise ValidationError(
                {columns.get(key, key): messages for key, messages in errors.items()}
            )


class GroupResource(ScopedResource):
    """Self-management groups, matched on (ward, name) so a re-import updates.

    ``id`` is exported for reference (memberships name their group by it); an
    import ignores it.
    """

    id = fields.Field(
        attribute="id", column_name="id", readonly=True, widget=widgets.IntegerWidget()
    )
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    ward_code = fields.Field(attribute="ward", column_name="ward_code", widget=WardCodeWidget())
    unit = fields.Field(attribute="unit", column_name="unit", widget=ResidentialUnitWidget())
    model_kinds = fields.Field(
        attribute="model_types", column_name="model_kinds", widget=ModelKindsWidget()
    )
    founded = fields.Field(attribute="founded", column_name="founded", widget=IsoDateWidget())
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(SelfManagementGroup.Status),
        saves_null_values=False,
    )

    required_columns = ("name", "ward_code")

    class Meta:
        model = SelfManagementGroup
        name = _("Self-management groups")
        fields = ("id", "name", "ward_code", "unit", "model_kinds", "founded", "status")
        import_order = fields
        export_order = fields
        import_id_fields = ("ward_code", "name")

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # an unreadable ward_code is reported as the row's error

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # django-import-export sets many-to-many values only after saving the row;
        # reading them now makes an unknown model kind a reported row error instead
        # of a failure after the save.
        field = self.fields["model_kinds"]
        if field.column_name in row:
            try:
                field.clean(row)
            except ValueError as error:
                errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def with_related(self, queryset):
        return queryset.select_related("ward", "unit").prefetch_related("model_types")


class MembershipResource(ScopedResource):
    """A person's membership of a group; the person is found by name and phone or created.

    A membership is matched on (person, group, started), so a re-imported export
    updates its rows and a changed end date closes a membership.
    """

    full_name = fields.Field(attribute="member__full_name", column_name="full_name", readonly=True)
    phone = fields.Field(attribute="member__phone", column_name="phone", readonly=True)
    group_id = fields.Field(
        attribute="group",
        column_name="group_id",
        widget=GroupIdWidget(SelfManagementGroup.objects.none()),
    )
    role = fields.Field(
        attribute="role",
        column_name="role",
        widget=ChoiceWidget(Membership.Role),
        saves_null_values=False,
    )
    is_leader = fields.Field(attribute="is_leader", column_name="is_leader", widget=YesNoWidget())
    is_deputy = fields.Field(attribute="is_deputy", column_name="is_deputy", widget=YesNoWidget())
    started = fields.Field(attribute="started", column_name="started", widget=IsoDateWidget())
    ended = fields.Field(attribute="ended", column_name="ended", widget=IsoDateWidget())

    required_columns = ("full_name", "group_id")
    columns_of_fields = {"member": ("full_name", "phone")}

    class Meta:
        model = Membership
        name = _("Memberships")
        fields = (
            "full_name",
            "phone",
            "group_id",
            "role",
            "is_leader",
            "is_deputy",
            "started",
            "ended",
        )
        import_order = fields
        export_order = fields

    def __init__(self, *, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        groups = SelfManagementGroup.objects.none()
        if user is not None:
            groups = SelfManagementGroup.objects.editable_by(user)
        self.fields["group_id"].widget = GroupIdWidget(groups)

    def person(self, row, *, create: bool) -> Member | None:
        """The person named in the row, among the people the user may see."""
        person = Member(
            full_name=cell_text(row.get("full_name")), phone=cell_text(row.get("phone"))
        )
        if not person.full_name:
            raise ValidationError({"full_name": [_("Give the person's full name.")]})
        people = Member.objects.visible_to(self.user) if self.user else Member.objects.none()
        found = list(people.filter(full_name=person.full_name, phone=person.phone)[:2])
        if len(found) > 1:
            raise ValidationError(
                {
                    "full_name": [
                        _(
                            "More than one person is recorded as “%(name)s” with this phone; "
                            "merge them in the admin first."
                        )
                        % {"name": person.full_name}
                    ]
                }
            )
        if found:
            return found[0]
        if not create:
            return None
        person.full_clean()  # too long a name or phone is a row error, not a database error
        person.save()
        return person

    def get_instance(self, instance_loader, row):
        try:
            person = self.person(row, create=False)
            group = self.fields["group_id"].clean(row) if "group_id" in row else None
            started = self.fields["started"].clean(row) if "started" in row else None
        except (ValueError, ValidationError):
            return None  # import_instance reports the same problem as the row's error
        if person is None or group is None:
            return None
        return self.get_queryset().filter(member=person, group=group, started=started).first()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            # A new person is saved at once, as the membership needs them; the
            # batch's rollback removes them again if any row of the file is bad.
            instance.member = self.person(row, create=True)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def rule_errors(self, instance) -> dict[str, list]:
        # The model's check and unique constraints carry no message of their own;
        # unchecked, the clerk would read a constraint's name.
        errors = {}
        if instance.is_leader and instance.is_deputy:
            errors["is_deputy"] = [
                _("A person cannot be both leader and deputy leader of a group; choose one.")
            ]
        if (
            instance.ended is None
            and instance.member_id
            and instance.group_id
            and Membership.objects.filter(
                member_id=instance.member_id, group_id=instance.group_id, ended__isnull=True
            )
            .exclude(pk=instance.pk)
            .exists()
        ):
            errors["ended"] = [
                _(
                    "This person already has an open membership in this group; "
                    "give the start date of that membership or an end date for this one."
                )
            ]
        return errors

    def with_related(self, queryset):
        return queryset.select_related("member", "group")
