"""What the groups API shows of each row. Fields are listed one by one: a new model field
must be a decision, not a leak."""

from django.urls import reverse
from rest_framework import serializers

from groups.models import (
    Area,
    EmergencyContact,
    GroupDocument,
    Member,
    Membership,
    ModelType,
    PoliceContact,
    SelfManagementGroup,
    Training,
)


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = Area
        fields = ["id", "name", "kind", "code", "depth", "parent"]
        read_only_fields = fields

    def get_parent(self, area) -> int | None:
        # The parent's id from the materialised path, without a query per row.
        if area.depth == 1:
            return None
        path = area.path[: -Area.steplen]
        if "parents" in self.context:  # a list: looked up for the whole page at once
            return self.context["parents"].get(path)
        return Area.objects.filter(path=path).values_list("pk", flat=True).first()


class ModelTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelType
        fields = ["id", "name", "name_en", "description", "is_mediation"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    ward_name = serializers.CharField(source="ward.name", read_only=True)
    unit_name = serializers.CharField(
        source="unit.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = SelfManagementGroup
        fields = [
            "id",
            "name",
            "ward",
            "ward_name",
            "unit",
            "unit_name",
            "model_types",
            "founded",
            "status",
            "dissolved_on",
            "conventions",
            "notes",
            "public_contact",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        # No login: who holds which account is the administrators' business.
        fields = ["id", "full_name", "phone", "address", "is_mediator"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "member",
            "member_name",
            "group",
            "role",
            "is_leader",
            "is_deputy",
            "started",
            "ended",
        ]
        read_only_fields = fields


class TrainingSerializer(serializers.ModelSerializer):
    attendees = serializers.SerializerMethodField()

    class Meta:
        model = Training
        fields = ["id", "group", "topic", "title", "held_on", "trainer", "attendees", "notes"]
        read_only_fields = fields

    def get_attendees(self, training) -> list[int]:
        # Prefetched by the view with the members the user may see.
        return [member.pk for member in training.seen]


class GroupDocumentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = GroupDocument
        fields = ["id", "group", "kind", "title", "body", "download_url", "updated_at"]
        read_only_fields = fields

    def get_download_url(self, document) -> str | None:
        # The page's download, which records the download in the audit trail.
        return reverse("groups:document", args=[document.pk]) if document.file else None


class GroupDocumentUploadSerializer(serializers.ModelSerializer):
    """What a client sends to add or replace a document (the schema of the form upload)."""

    class Meta:
        model = GroupDocument
        fields = ["group", "kind", "title", "body", "file"]


class EmergencyContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmergencyContact
        fields = ["id", "group", "name", "organisation", "phone", "order"]
        read_only_fields = fields


class PoliceContactSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = PoliceContact
        fields = [
            "id",
            "area",
            "area_name",
            "name",
            "rank_or_role",
            "phone",
            "email",
            "zalo_id",
            "order",
            "active",
            "channels",
        ]
        read_only_fields = fields
