"""What the public intake API (reports/public_api.py) takes and gives, for its schema.

The fields of a report are checked by the web form's own class
(reports.forms.ReportForm), so the API and the web page refuse the same things
with the same messages; the serializer here only checks that each value is a
single one of the right JSON type and describes the fields in the OpenAPI schema.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reports import receipts
from reports.forms import MAX_PHOTOS
from reports.tracking import MAX_MESSAGE_LENGTH


class ReportIntakeSerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text=_("The id of an active category."))
    description = serializers.CharField(max_length=5000)
    concerns_group_member = serializers.BooleanField(
        required=False,
        help_text=_("True sends it to the commune/ward police only; the group never sees it."),
    )
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=_("Leave out if it is happening now.")
    )
    ward = serializers.IntegerField(help_text=_("The id of the commune or ward."))
    unit = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The id of a residential unit in the ward.")
    )
    address = serializers.CharField(required=False, allow_blank=True, max_length=255)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    photos = serializers.ListField(
        child=serializers.ImageField(),
        required=False,
        max_length=MAX_PHOTOS,
        help_text=_("Multipart requests only: JPEG, PNG or WebP, 10 MB each."),
    )
    anonymous = serializers.BooleanField(
        required=False, help_text=_("An anonymous tip: no name or phone is kept.")
    )
    passphrase = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=receipts.MAX_PASSPHRASE_LENGTH,
        help_text=_("A tip's own passphrase; leave out and one is made."),
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    website = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Never fill this in: a request that does is treated as automated."),
    )


class ReceiptSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The receipt code: shown once, never stored."))
    passphrase = serializers.CharField(
        allow_null=True, help_text=_("A tip's passphrase, shown once; null for a named report.")
    )
    anonymous = serializers.BooleanField()


class ReceiptKeySerializer(serializers.Serializer):
    """The receipt code (and a tip's passphrase): in the body, never in the URL."""

    code = serializers.CharField(max_length=64)
    passphrase = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=receipts.MAX_PASSPHRASE_LENGTH,
    )


class ReporterMessageSerializer(ReceiptKeySerializer):
    message = serializers.CharField(max_length=MAX_MESSAGE_LENGTH)


class PublicEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    to_status = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class FollowedReportSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.CharField(source="category.__str__")
    place = serializers.CharField(source="place.__str__")
    created_at = serializers.DateTimeField()


class ThreadSerializer(serializers.Serializer):
    report = FollowedReportSerializer()
    events = PublicEventSerializer(many=True)
    merged_into = FollowedReportSerializer(allow_null=True)
    merged_events = PublicEventSerializer(many=True)
    closed = serializers.BooleanField(help_text=_("Closed: no more messages."))
    readable_until = serializers.DateTimeField(
        allow_null=True, help_text=_("When the receipt stops opening the report; null while open.")
    )


class MessageSentSerializer(serializers.Serializer):
    sent = serializers.BooleanField()


class PublicCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")
    severity = serializers.CharField()
    allows_anonymous = serializers.BooleanField(help_text=_("Whether it takes anonymous tips."))
    about_the_group = serializers.BooleanField(
        help_text=_("Reports in it go to the commune/ward police only.")
    )


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WardSerializer(PlaceSerializer):
    code = serializers.CharField()


class PlacesSerializer(serializers.Serializer):
    ward = WardSerializer()
    units = PlaceSerializer(many=True)
