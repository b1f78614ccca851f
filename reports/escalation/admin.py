"""Admin for the escalation chain: rules, the escalation and notice log, channels,
and the outbox of emails to leaders.

Imported by reports/admin.py (Django's autodiscovery reads only that module).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups.admin import ScopedAdminMixin, SuperuserOnlyAdminMixin, WriteOnlySecretsForm
from groups.admin_input import AdminInputMixin
from groups.audit_admin import AuditedAdminMixin
from reports.escalation import leader_notices, outbound
from reports.escalation.delivery import retry_now
from reports.models import (
    DeliveryAttempt,
    Escalation,
    EscalationLevel,
    EscalationRule,
    LeaderNotice,
    Notice,
    WebhookEndpoint,
    ZaloToken,
)


class EscalationLevelInline(AdminInputMixin, admin.TabularInline):
    model = EscalationLevel
    extra = 0
    fields = ["number", "reaches", "contact_count", "window_minutes", "channels"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(AuditedAdminMixin, AdminInputMixin, admin.ModelAdmin):
    list_display = ["category", "remind_leaders_at_percent", "level_count"]
    list_select_related = ["category"]
    search_fields = ["category__name", "category__name_en"]
    inlines = [EscalationLevelInline]

    @admin.display(description=_("levels"), ordering="level_total")
    def level_count(self, rule):
        return rule.level_total

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(level_total=Count("levels"))


class NoticeInline(AdminInputMixin, admin.TabularInline):
    model = Notice
    extra = 0
    can_delete = False
    fields = ["channel", "address", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["report", "level", "created_at", "acknowledged_at", "acknowledged_by"]
    list_filter = ["level", ("acknowledged_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["=report__pk"]
    date_hierarchy = "created_at"
    list_select_related = ["report__category", "acknowledged_by"]
    readonly_fields = ["report", "level", "created_at", "acknowledged_at", "acknowledged_by"]
    inlines = [NoticeInline]

    def has_add_permission(self, request):
        return False


class DeliveryAttemptInline(AdminInputMixin, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["attempted_at", "succeeded", "response"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "report_number",
        "level",
        "channel",
        "address",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "escalation__level"]
    search_fields = ["=escalation__report__pk", "address"]
    list_select_related = ["escalation"]
    readonly_fields = [
        "escalation",
        "contact",
        "endpoint",
        "channel",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "enqueued_at",
        "sent_at",
        "provider_reference",
        "last_error",
    ]
    inlines = [DeliveryAttemptInline]
    actions = ["retry_failed_now"]

    @admin.display(description=_("report"), ordering="escalation__report")
    def report_number(self, notice):
        return f"#{notice.escalation.report_id}"

    @admin.display(description=_("level"), ordering="escalation__level")
    def level(self, notice):
        return notice.escalation.level

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected failed notices now"))
    def retry_failed_now(self, request, queryset):
        # filter(), not intersection(): Django cannot filter or update a combined query.
        count = retry_now(notices=queryset.filter(pk__in=Notice.objects.editable_by(request.user)))
        self.message_user(
            request,
            ngettext(
                "%(count)d notice will be sent again by the next sweep.",
                "%(count)d notices will be sent again by the next sweep.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class WebhookEndpointForm(WriteOnlySecretsForm):
    secret_fields = ("secret",)

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "area", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            outbound.check_url(url)
        except outbound.RefusedAddress as refused:
            raise forms.ValidationError(str(refused), code="refused_address") from None
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(
    AuditedAdminMixin, AdminInputMixin, SuperuserOnlyAdminMixin, admin.ModelAdmin
):
    form = WebhookEndpointForm
    list_display = ["name", "url", "area", "active"]
    list_filter = ["active"]
    autocomplete_fields = ["area"]


class ZaloTokenForm(WriteOnlySecretsForm):
    secret_fields = ("access_token", "refresh_token")

    class Meta:
        model = ZaloToken
        fields = ["access_token", "refresh_token", "expires_at"]


@admin.register(ZaloToken)
class ZaloTokenAdmin(AuditedAdminMixin, AdminInputMixin, SuperuserOnlyAdminMixin, admin.ModelAdmin):
    form = ZaloTokenForm
    list_display = ["expires_at", "updated_at"]


@admin.register(LeaderNotice)
class LeaderNoticeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "report",
        "address",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["=report__pk", "address"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "report",
        "user",
        "address",
        "subject",
        "body",
        "status",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields
    actions = ["retry_failed_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected failed notices now"))
    def retry_failed_now(self, request, queryset):
        count = leader_notices.retry_now(
            notices=queryset.filter(pk__in=LeaderNotice.objects.editable_by(request.user))
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d notice will be sent again by the next sweep.",
                "%(count)d notices will be sent again by the next sweep.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
