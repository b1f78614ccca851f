"""The groups API: areas and model kinds (public reference data), groups, members and
memberships, trainings, documents, emergency contacts and police contact lists, each
through its model's ``visible_to`` as on the pages.

Groups, members, memberships, trainings, documents, emergency contacts and police
contact lists are also written, by whoever may change them in the admin
(groups/api/writes.py). Areas and model kinds stay read only (the official list and
the province's reference data).
"""

import django_filters
from django import forms
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from groups.api import serializers
from groups.api.filters import FilterBackend, StrictBooleanFilter
from groups.api.forms import ID_PATTERN, IdFilter, StableOrdering, form_data
from groups.api.writes import (
    EditedAsInTheAdmin,
    NewMemberForm,
    editable_groups,
    editable_members,
    with_defaults,
)
from groups.inputs import DAY_VALIDATORS
from groups.models import (
    CONTACT_CHANNELS,
    Area,
    AreaKind,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    ModelType,
    PoliceContact,
    SelfManagementGroup,
    Training,
)

BACKENDS = [FilterBackend, StableOrdering]


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    filter_backends = BACKENDS
    lookup_value_regex = ID_PATTERN


# Areas and model kinds ----------------------------------------------------------------


class AreaFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AreaKind.choices)
    depth = django_filters.TypedChoiceFilter(
        choices=[(1, "1"), (2, "2"), (3, "3")], coerce=int, label=_("Tier (1 to 3)")
    )
    parent = IdFilter(method="filter_parent", label=_("The area directly above"))
    code = django_filters.CharFilter(max_length=20)
    name = django_filters.CharFilter(lookup_expr="icontains", max_length=200)

    class Meta:
        model = Area
        fields = ["kind", "depth", "parent", "code", "name"]

    def filter_parent(self, queryset, name, value):
        parent = Area.objects.filter(pk=value).only("path", "depth").first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)


class AreaViewSet(ReadOnly):
    """The administrative units: public reference data (the report form lists them)."""

    queryset = Area.objects.all()
    serializer_class = serializers.AreaSerializer
    filterset_class = AreaFilter
    ordering_fields = ["name", "code", "path"]
    ordering = ["path"]
    # As public as the report form that lists them.
    permission_classes = [AllowAny]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "_parents"):
            context["parents"] = self._parents
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        # One query for the parents of the whole page.
        paths = {area.path[: -Area.steplen] for area in rows if area.depth > 1}
        self._parents = dict(Area.objects.filter(path__in=paths).values_list("path", "pk"))
        return page


class ModelTypeFilter(django_filters.FilterSet):
    is_mediation = StrictBooleanFilter()

    class Meta:
        model = ModelType
        fields = ["is_mediation"]


class ModelTypeViewSet(ReadOnly):
    """The kinds of self-management model: public reference data."""

    queryset = ModelType.objects.all()
    serializer_class = serializers.ModelTypeSerializer
    filterset_class = ModelTypeFilter
    ordering_fields = ["name"]
    ordering = ["name"]
    permission_classes = [AllowAny]


# Groups and their people ------------------------------------------------------------


class GroupFilter(django_filters.FilterSet):
    ward = IdFilter(field_name="ward_id")
    unit = IdFilter(field_name="unit_id")
    model_kind = IdFilter(method="filter_model_kind", label=_("Model kind"))
    status = django_filters.ChoiceFilter(choices=SelfManagementGroup.Status.choices)
    name = django_filters.CharFilter(lookup_expr="icontains", max_length=255)

    class Meta:
        model = SelfManagementGroup
        fields = ["ward", "unit", "model_kind", "status", "name"]

    def filter_model_kind(self, queryset, name, value):
        # A subquery, not a join: a group of two kinds stays one row.
        return queryset.filter(
            pk__in=SelfManagementGroup.model_types.through.objects.filter(
                modeltype_id=value
            ).values("selfmanagementgroup_id")
        )


class GroupViewSet(EditedAsInTheAdmin, ReadOnly):
    """Groups one sees. Changed (PUT) by their leaders and by province administrators;
    created only by province administrators. Never deleted here: a group that stops is
    marked dissolved, and its history of reports and patrols stays."""

    form_fields = [
        name
        for name in serializers.GroupSerializer.Meta.fields
        if name not in ("id", "ward_name", "unit_name", "created_at", "updated_at")
    ]
    http_method_names = ["get", "post", "put", "head", "options"]
    serializer_class = serializers.GroupSerializer
    filterset_class = GroupFilter
    ordering_fields = ["name", "founded", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return (
            SelfManagementGroup.objects.visible_to(self.request.user)
            .select_related("ward", "unit")
            .prefetch_related("model_types")
        )

    def may_add(self, user) -> bool:
        return user.is_province_admin


class MemberFilter(django_filters.FilterSet):
    group = IdFilter(method="filter_group", label=_("Group"))
    is_mediator = StrictBooleanFilter()
    name = django_filters.CharFilter(
        field_name="full_name", lookup_expr="icontains", max_length=200
    )

    class Meta:
        model = Member
        fields = ["group", "is_mediator", "name"]

    def filter_group(self, queryset, name, value):
        return queryset.filter(pk__in=Membership.objects.filter(group_id=value).values("member"))


class MemberViewSet(EditedAsInTheAdmin, ReadOnly):
    """People of the groups one sees. A new member is added with their first membership
    (``group``, ``role``, ``started``): a leader sees only their groups' people."""

    form_fields = ["full_name", "phone", "address", "is_mediator"]
    serializer_class = serializers.MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["full_name"]
    ordering = ["full_name"]

    def get_queryset(self):
        return Member.objects.visible_to(self.request.user)

    def write_form(self, request, instance):
        if instance is not None:
            return super().write_form(request, instance)
        form = NewMemberForm(with_defaults(NewMemberForm, form_data(request), None))
        form.fields["group"].queryset = editable_groups(request.user)
        return form


class MembershipFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")
    member = IdFilter(field_name="member_id")
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices)
    is_leader = StrictBooleanFilter()
    is_deputy = StrictBooleanFilter()
    current = StrictBooleanFilter(method="filter_current", label=_("Current"))

    class Meta:
        model = Membership
        fields = ["group", "member", "role", "is_leader", "is_deputy", "current"]

    def filter_current(self, queryset, name, value):
        current = Membership.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


class MembershipViewSet(EditedAsInTheAdmin, ReadOnly):
    form_fields = ["member", "group", "role", "is_leader", "is_deputy", "started", "ended"]
    choices = {"member": editable_members, "group": editable_groups}
    serializer_class = serializers.MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["started", "ended", "member__full_name"]
    ordering = ["group_id", "-is_leader", "-is_deputy", "member__full_name"]

    def get_queryset(self):
        user = self.request.user
        # A membership names its member: only those of people the user may see
        # (a plain member does not see who has left), as the member list.
        return (
            Membership.objects.visible_to(user)
            .filter(member__in=Member.objects.visible_to(user))
            .select_related("member")
        )


class TrainingFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")
    topic = django_filters.ChoiceFilter(choices=Training.Topic.choices)
    held_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", validators=DAY_VALIDATORS
    )
    held_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", validators=DAY_VALIDATORS
    )

    class Meta:
        model = Training
        fields = ["group", "topic", "held_from", "held_to"]


class TrainingViewSet(EditedAsInTheAdmin, ReadOnly):
    form_fields = ["group", "topic", "title", "held_on", "trainer", "attendees", "notes"]
    choices = {"group": editable_groups, "attendees": editable_members}
    serializer_class = serializers.TrainingSerializer
    filterset_class = TrainingFilter
    ordering_fields = ["held_on", "topic"]
    ordering = ["-held_on"]

    def get_queryset(self):
        user = self.request.user
        # Attendees the user may see: a plain member does not learn who has left.
        attendees = Prefetch(
            "attendees", queryset=Member.objects.visible_to(user).only("pk"), to_attr="seen"
        )
        return Training.objects.visible_to(user).prefetch_related(attendees)


class GroupPartFilter(django_filters.FilterSet):
    group = IdFilter(field_name="group_id")


class GroupDocumentFilter(GroupPartFilter):
    kind = django_filters.ChoiceFilter(choices=GroupDocument.Kind.choices)

    class Meta:
        model = GroupDocument
        fields = ["group", "kind"]


_DOCUMENT_WRITE = extend_schema(
    request={"multipart/form-data": serializers.GroupDocumentUploadSerializer}
)


@extend_schema_view(create=_DOCUMENT_WRITE, update=_DOCUMENT_WRITE)
class GroupDocumentViewSet(EditedAsInTheAdmin, ReadOnly):
    """A group's conventions, handbooks and scenarios. Leaders add, replace and delete
    their groups' documents as in the admin: a form upload (multipart/form-data) with
    the file (groups/document_files.py says which formats) or a text in ``body``."""

    form_fields = ["group", "kind", "title", "body", "file"]
    choices = {"group": editable_groups}
    serializer_class = serializers.GroupDocumentSerializer
    filterset_class = GroupDocumentFilter
    ordering_fields = ["kind", "title", "updated_at"]
    ordering = ["kind", "title"]

    def get_queryset(self):
        return GroupDocument.objects.visible_to(self.request.user)


class EmergencyContactFilter(GroupPartFilter):
    class Meta:
        model = EmergencyContact
        fields = ["group"]


class EmergencyContactViewSet(EditedAsInTheAdmin, ReadOnly):
    form_fields = ["group", "name", "organisation", "phone", "order"]
    choices = {"group": editable_groups}
    serializer_class = serializers.EmergencyContactSerializer
    filterset_class = EmergencyContactFilter
    ordering_fields = ["order", "name"]
    ordering = ["group_id", "order", "name"]

    def get_queryset(self):
        return EmergencyContact.objects.visible_to(self.request.user)


class PoliceContactFilter(django_filters.FilterSet):
    area = IdFilter(field_name="area_id")
    active = StrictBooleanFilter()

    class Meta:
        model = PoliceContact
        fields = ["area", "active"]


class PoliceContactViewSet(EditedAsInTheAdmin, ReadOnly):
    """The contact lists the escalation chain calls: kept by province administrators."""

    # What the list shows, less what the server gives.
    form_fields = [
        name
        for name in serializers.PoliceContactSerializer.Meta.fields
        if name not in ("id", "area_name")
    ]
    serializer_class = serializers.PoliceContactSerializer
    filterset_class = PoliceContactFilter
    ordering_fields = ["order", "name"]
    ordering = ["area__path", "order", "name"]

    def get_queryset(self):
        return PoliceContact.objects.visible_to(self.request.user).select_related("area")

    def may_add(self, user) -> bool:
        return user.is_province_admin

    def write_form(self, request, instance):
        form = super().write_form(request, instance)
        # A list of channels in JSON, as the list shows them (the model form's field
        # would read one comma-separated string).
        form.fields["channels"] = forms.TypedMultipleChoiceField(
            choices=CONTACT_CHANNELS, required=False, label=form.fields["channels"].label
        )
        return form
