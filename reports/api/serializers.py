from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.conversation import MAX_TEXT_LENGTH
from reports.models import Escalation, Report, ReportEvent, Status


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class NameOrNull(serializers.StringRelatedField):
    """A person's name, or null when there is none (the system, the reporter)."""


class ReportSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.__str__", read_only=True)
    severity = serializers.CharField(source="category.severity", read_only=True)
    place = serializers.CharField(source="place.__str__", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Report
        # Listed one by one: a new model field must be a decision, not a leak.
        fields = [
            "id",
            "category",
            "category_name",
            "severity",
            "description",
            "occurred_at",
            "ward",
            "unit",
            "place",
            "address",
            "latitude",
            "longitude",
            "channel",
            "status",
            "created_at",
            "due_at",
            "is_overdue",
            "acknowledged_at",
            "closed_at",
            "outcome",
            "duplicate_of",
        ]
        read_only_fields = fields


class ReportEventSerializer(serializers.ModelSerializer):
    # A handler's name; the reporter, who has no account, shows as null.
    actor = NameOrNull(read_only=True)
    # Empty on entries that are not status changes.
    from_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    to_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["id", "kind", "actor", "from_status", "to_status", "note", "public", "created_at"]
        read_only_fields = fields


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, required=False, allow_blank=True, default=""
    )
    public = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Whether the reporter may read the note on the tracking page.",
    )


class ResolveSerializer(NoteSerializer):
    outcome = serializers.CharField(max_length=MAX_TEXT_LENGTH)


class RejectSerializer(NoteSerializer):
    note = serializers.CharField(max_length=MAX_TEXT_LENGTH)


class MergeSerializer(serializers.Serializer):
    duplicate_of = serializers.IntegerField(
        min_value=1, max_value=10**18 - 1, help_text="The report this one repeats."
    )
    note = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, required=False, allow_blank=True, default=""
    )


class MessageSerializer(serializers.Serializer):
    KINDS = [ReportEvent.Kind.NOTE, ReportEvent.Kind.QUESTION, ReportEvent.Kind.UPDATE]

    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in KINDS],
        help_text="note: handlers only; question and update: the reporter reads them.",
    )
    text = serializers.CharField(max_length=MAX_TEXT_LENGTH)


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class EscalationSerializer(serializers.ModelSerializer):
    report = serializers.PrimaryKeyRelatedField(read_only=True)
    # A name for the officer who took it, never anything of the reporter's.
    acknowledged_by = NameOrNull(read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "report", "level", "created_at", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields


class AcknowledgedEscalationSerializer(EscalationSerializer):
    acknowledged = serializers.SerializerMethodField(
        help_text="False when someone had acknowledged it before."
    )

    class Meta(EscalationSerializer.Meta):
        fields = [*EscalationSerializer.Meta.fields, "acknowledged"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_acknowledged(self, obj):
        return self.context["acknowledged"]
