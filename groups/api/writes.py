"""Changing a group's records through the API as the admin changes them.

Leaders and deputies keep their groups' members, memberships, trainings, documents
and emergency contacts in the admin; province administrators keep everything, the
police contact lists included. The API's writes follow the same rules: a row is
changed or deleted only through the model's ``editable_by``, a row is added only to a
group (or area) the user may change, every value goes through a Django form with the
admin's range checks (``groups.admin_input``), and each write is one entry in the
audit trail, as an admin write is. A change sends every field of the form (PUT), as
the hotspot API does.
"""

from django import forms
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from groups import audit
from groups.api.errors import Conflict
from groups.api.forms import cleaned, form_data
from groups.inputs import RECORD_DAY_VALIDATORS, check_time_in_range
from groups.models import Member, Membership, SelfManagementGroup


def _in_range(db_field, **kwargs):
    # The admin's checks (groups.admin_input.AdminInputMixin) on days and times.
    formfield = db_field.formfield(**kwargs)
    if isinstance(db_field, models.DateTimeField):
        formfield.validators.append(check_time_in_range)
    elif isinstance(db_field, models.DateField):
        formfield.validators.extend(RECORD_DAY_VALIDATORS)
    return formfield


def with_defaults(form_class, data, instance):
    """A new row's data with the model's default for each field the client left out
    (an order, a role, the channels), as the admin's add form starts from them."""
    if instance is not None:
        return data
    data = data.copy()
    for name, field in form_class.base_fields.items():
        if name in data or field.initial is None:
            continue
        initial = field.initial() if callable(field.initial) else field.initial
        values = initial if isinstance(initial, list | tuple) else [initial]
        data.setlist(name, [str(value) for value in values])
    return data


def audit_action(obj):
    # As the admin records it: a change of who belongs to a group is its own action.
    return audit.Action.MEMBERSHIP_CHANGE if isinstance(obj, Membership) else None


class EditedAsInTheAdmin:
    """Create (POST), change (PUT) and delete (DELETE) for a read-only viewset.

    ``form_fields`` are the fields a client sends; ``choices`` maps each related field
    to a function of the user giving the rows it may point at (what ``editable_by``
    allows), so that another group's id is a field error, not a write.
    """

    form_fields: list[str]
    choices: dict = {}
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def may_add(self, user) -> bool:
        return SelfManagementGroup.objects.editable_by(user).exists()

    def editable(self, user):
        return self.get_queryset().model.objects.editable_by(user)

    def write_form(self, request, instance) -> forms.ModelForm:
        form_class = forms.modelform_factory(
            self.get_queryset().model, fields=self.form_fields, formfield_callback=_in_range
        )
        data = with_defaults(form_class, form_data(request), instance)
        form = form_class(data, request.FILES, instance=instance)
        for name, rows in self.choices.items():
            form.fields[name].queryset = rows(request.user)
        return form

    def save(self, request, form, operation: str):
        with transaction.atomic():
            obj = form.save()
            audit.record(
                action=audit_action(obj) or getattr(audit.Action, operation.upper()),
                actor=request.user,
                obj=obj,
                request=request,
                detail={"operation": operation, "fields": sorted(form.changed_data)},
            )
        return obj

    def answer(self, obj, code=status.HTTP_200_OK):
        # Read back through the list's queryset: the same fields and prefetches.
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=code)

    @extend_schema(request=OpenApiTypes.OBJECT)
    def create(self, request, *args, **kwargs):
        """Add a row to a group (or area) you may change in the admin; a field missing
        takes the admin's default. 403 for a role that may only read."""
        if not self.may_add(request.user):
            raise PermissionDenied
        form = self.write_form(request, instance=None)
        cleaned(form)
        return self.answer(self.save(request, form, "create"), status.HTTP_201_CREATED)

    @extend_schema(request=OpenApiTypes.OBJECT)
    def update(self, request, pk=None, *args, **kwargs):
        """Change a row, sending every field of it. A row you see but may not change
        is a 404, as in the admin's lists."""
        instance = get_object_or_404(self.editable(request.user), pk=pk)
        form = self.write_form(request, instance=instance)
        cleaned(form)
        return self.answer(self.save(request, form, "change"))

    def destroy(self, request, pk=None, *args, **kwargs):
        """Delete a row you may change; recorded in the audit trail."""
        instance = get_object_or_404(self.editable(request.user), pk=pk)
        try:
            with transaction.atomic():
                # Recorded first, so that the entry still names the row's commune/ward.
                audit.record(
                    action=audit_action(instance) or audit.Action.DELETE,
                    actor=request.user,
                    obj=instance,
                    request=request,
                    detail={"operation": "delete"},
                )
                instance.delete()
        except (ProtectedError, RestrictedError) as error:
            # A police contact that notices were sent to, say: the record of who was
            # told stays, and so does the contact (the admin says the same).
            kept = (
                error.protected_objects
                if isinstance(error, ProtectedError)
                else error.restricted_objects
            )
            kinds = sorted({str(row._meta.verbose_name_plural) for row in kept})
            raise Conflict(
                _("Records that are kept refer to it (%(kinds)s); it cannot be deleted.")
                % {"kinds": ", ".join(kinds)}
            ) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


def editable_groups(user):
    return SelfManagementGroup.objects.editable_by(user)


def editable_members(user):
    return Member.objects.editable_by(user)


class NewMemberForm(forms.ModelForm):
    """A person joins the portal through a group: a leader sees only their groups'
    people, so a member is added with their first membership, in one step."""

    group = forms.ModelChoiceField(queryset=SelfManagementGroup.objects.none())
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.VOLUNTEER)
    started = forms.DateField(required=False, validators=RECORD_DAY_VALIDATORS)

    class Meta:
        model = Member
        fields = ["full_name", "phone", "address", "is_mediator"]

    def save(self, commit=True):
        member = super().save()
        Membership.objects.create(
            member=member,
            group=self.cleaned_data["group"],
            role=self.cleaned_data["role"],
            started=self.cleaned_data["started"],
        )
        return member
