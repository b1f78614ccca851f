"""The mediation API: cases, their sessions and outcomes, within the confidentiality
rules of docs/mediation.md.

Every case and session comes through ``MediationCase.objects.visible_to`` (sessions
through their case): administrators, the group's head and mediators, the case's own
mediators, never someone recused; the ward police only cases referred to them. The
police's wider ``counted_for`` feeds statistics only and is not used here.

Writes are the case page's: a move of the lifecycle (`actions/<move>/`), the follow-up
of an agreement and a session's record, each validated by the page's form and made by
the same function (mediation/lifecycle.py, mediation/sessions.py), which checks who
may do it. A move the case's state does not allow answers 409.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from groups.api.filters import FilterBackend
from groups.api.forms import (
    ID_PATTERN,
    IdFilter,
    StableOrdering,
    cleaned,
    field_errors,
    form_data,
    refused,
)
from groups.inputs import DAY_VALIDATORS
from mediation import lifecycle
from mediation.document_views import requested_statistics
from mediation.forms import ACTION_FORMS, FollowUpForm, SessionForm
from mediation.models import (
    Authority,
    CaseMediator,
    CaseParty,
    DisputeKind,
    MediationCase,
    MediationSession,
    Status,
)
from mediation.sessions import record_session

BACKENDS = [FilterBackend, StableOrdering]


def _refused(error: ValidationError):
    # Errors naming a field are the input's (400); the others say what the case still
    # lacks or what its state forbids (a session first, two sides to start): 409.
    if isinstance(error, lifecycle.TransitionNotAllowed):
        return refused(error, conflict=True)
    return refused(error, conflict=not hasattr(error, "error_dict"))


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseParty
        fields = ["id", "side", "full_name", "birth_year", "address", "phone"]
        read_only_fields = fields


class MediatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = CaseMediator
        fields = ["id", "member", "name", "assigned_on", "recused_on", "replaced_by"]
        read_only_fields = fields


CASE_FIELDS = [
    "id",
    "group",
    "group_name",
    "kind",
    "summary",
    "origin",
    "origin_detail",
    "received_on",
    "report",
    "in_scope",
    "scope_note",
    "status",
    "outcome_on",
    "agreement_terms",
    "authority",
    "authority_detail",
    "guidance",
    "outcome_note",
    "followed_up_on",
    "agreement_kept",
    "follow_up_note",
    "created_at",
    "updated_at",
]


class CaseSerializer(serializers.ModelSerializer):
    group_name = serializers.CharField(source="group.name", read_only=True)
    # Empty until the case is referred or unsuccessful: said so, for the schema.
    authority = serializers.ChoiceField(choices=Authority.choices, allow_blank=True, read_only=True)

    class Meta:
        model = MediationCase
        fields = CASE_FIELDS
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    parties = PartySerializer(many=True, read_only=True)
    mediators = MediatorSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CASE_FIELDS, "parties", "mediators", "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, case) -> list[str]:
        """The moves the caller may make now (`POST actions/<move>/`)."""
        return lifecycle.allowed_actions(user=self.context["request"].user, case=case)


class CaseFilter(django_filters.FilterSet):
    # The case list page's filters (mediation/filters.py), with ids as numbers.
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    kind = django_filters.ChoiceFilter(choices=DisputeKind.choices)
    group = IdFilter(field_name="group_id")
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", validators=DAY_VALIDATORS
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", validators=DAY_VALIDATORS
    )

    class Meta:
        model = MediationCase
        fields = ["status", "kind", "group", "received_from", "received_to"]


class SessionSerializer(serializers.ModelSerializer):
    parties_present = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    mediators_present = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = MediationSession
        fields = [
            "id",
            "case",
            "held_on",
            "place",
            "parties_present",
            "mediators_present",
            "other_attendees",
            "minutes",
            "next_steps",
        ]
        read_only_fields = fields


def _move_request():
    fields = {
        "on": serializers.DateField(required=False),
        "note": serializers.CharField(required=False),
        "agreement_terms": serializers.CharField(required=False),
        "authority": serializers.CharField(required=False),
        "authority_detail": serializers.CharField(required=False),
        "guidance": serializers.CharField(required=False),
    }
    return inline_serializer("CaseMove", fields)


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    filter_backends = BACKENDS
    lookup_value_regex = ID_PATTERN
    filterset_class = CaseFilter
    ordering_fields = ["received_on", "outcome_on", "created_at"]
    ordering = ["-received_on"]

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def get_queryset(self):
        cases = MediationCase.objects.visible_to(self.request.user).select_related("group")
        if self.action != "list":
            cases = cases.prefetch_related("parties", "mediators__member")
        return cases

    def _answer(self, case, *, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=case.pk)
        return Response(
            CaseDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(
        request=_move_request(),
        responses={200: CaseDetailSerializer},
        parameters=[
            OpenApiParameter(
                "move", str, OpenApiParameter.PATH, enum=list(lifecycle.MOVES), description=""
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<move>[a-z_]{1,20})")
    def move(self, request, pk=None, move=None):
        """A move of the lifecycle: start, refer, succeed, fail, suspend, resume, withdraw,
        reopen, with what the move needs (the page's form for it)."""
        case = self.get_object()
        if move not in ACTION_FORMS:
            raise Http404
        data = cleaned(ACTION_FORMS[move](form_data(request)))
        try:
            lifecycle.apply_action(case=case, action=move, by=request.user, **data)
        except ValidationError as error:
            raise _refused(error) from None
        return self._answer(case)

    @extend_schema(
        request=inline_serializer(
            "CaseFollowUp",
            {
                "kept": serializers.ChoiceField(choices=["yes", "no"]),
                "on": serializers.DateField(),
                "note": serializers.CharField(required=False),
            },
        ),
        responses={200: CaseDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """Whether the parties kept a successful mediation's agreement."""
        case = self.get_object()
        data = cleaned(FollowUpForm(form_data(request)))
        try:
            lifecycle.record_follow_up(
                case=case, by=request.user, on=data["on"], kept=data["kept"], note=data["note"]
            )
        except ValidationError as error:
            raise _refused(error) from None
        return self._answer(case)

    @extend_schema(
        request=inline_serializer(
            "SessionRecord",
            {
                "held_on": serializers.DateField(),
                "place": serializers.CharField(max_length=255),
                "parties_present": serializers.ListField(child=serializers.IntegerField()),
                "mediators_present": serializers.ListField(child=serializers.IntegerField()),
                "other_attendees": serializers.CharField(required=False),
                "minutes": serializers.CharField(),
                "next_steps": serializers.CharField(required=False),
            },
        ),
        responses={201: SessionSerializer},
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        """Record a session of a case being mediated (its head and mediators)."""
        case = self.get_object()
        if not lifecycle.may_edit(user=request.user, case=case):
            raise PermissionDenied(_("Only the group's head and the case's mediators may do this."))
        data = cleaned(SessionForm(form_data(request), case=case))
        try:
            session = record_session(case=case, by=request.user, **data)
        except ValidationError as error:
            raise _refused(error) from None
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class CaseFiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    successful = serializers.IntegerField()
    unsuccessful = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    suspended = serializers.IntegerField()
    referred = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    kept = serializers.IntegerField()
    not_kept = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True)
    rate = serializers.FloatField(allow_null=True)


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    figures = CaseFiguresSerializer()


class StatisticsSerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    scope = serializers.CharField()
    per = serializers.ChoiceField(choices=["ward", "group"], allow_null=True)
    total = CaseFiguresSerializer()
    by_kind = StatisticsRowSerializer(many=True)
    rows = StatisticsRowSerializer(many=True)


class StatisticsView(APIView):
    """Outcomes in figures, as the statistics page: counts only, for those who may count
    (``counted_for``: the ward police count every case of their ward, and read none)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="This year if absent"),
            OpenApiParameter("quarter", int, enum=[1, 2, 3, 4]),
            OpenApiParameter("area", int, description="A province or commune/ward one may pick"),
        ],
        responses={200: StatisticsSerializer},
    )
    def get(self, request):
        form, stats, scope = requested_statistics(request)
        if stats is None:
            raise serializers.ValidationError(field_errors(form.errors))
        return Response(StatisticsSerializer({**vars(stats), "scope": str(scope)}).data)


class SessionFilter(django_filters.FilterSet):
    case = IdFilter(field_name="case_id")
    held_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", validators=DAY_VALIDATORS
    )
    held_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", validators=DAY_VALIDATORS
    )

    class Meta:
        model = MediationSession
        fields = ["case", "held_from", "held_to"]


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sessions of the cases the user may read. Recorded on a case
    (`POST /mediation/cases/{id}/sessions/`)."""

    filter_backends = BACKENDS
    lookup_value_regex = ID_PATTERN
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    ordering_fields = ["held_on"]
    ordering = ["held_on"]

    def get_queryset(self):
        return MediationSession.objects.visible_to(self.request.user).prefetch_related(
            "parties_present", "mediators_present"
        )
