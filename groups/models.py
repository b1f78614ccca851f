"""Areas, model kinds, self-management groups, their people and police contacts.

Visibility is decided in one place per model: ``Model.objects.visible_to(user)``
(what a user may see) and ``editable_by(user)`` (what they may change). Every
view, admin page, export and API endpoint fetches through these.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthTokenManager
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from groups.document_files import check_document_file
from groups.formats import date_text


class AreaKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally-governed city")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    VILLAGE = "village", _("Village (thôn)")
    HAMLET = "hamlet", _("Hamlet (bản)")
    QUARTER = "quarter", _("Quarter (khu)")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood (khu phố)")
    RESIDENTIAL_GROUP = "residential_group", _("Residential group (tổ dân phố)")


PROVINCE_KINDS = (AreaKind.PROVINCE, AreaKind.CITY)
COMMUNE_KINDS = (AreaKind.WARD, AreaKind.COMMUNE, AreaKind.SPECIAL_ZONE)
RESIDENTIAL_KINDS = (
    AreaKind.VILLAGE,
    AreaKind.HAMLET,
    AreaKind.QUARTER,
    AreaKind.NEIGHBOURHOOD,
    AreaKind.RESIDENTIAL_GROUP,
)
# Depth in the tree of each tier; `Area.clean` keeps kinds and depths in step.
KINDS_AT_DEPTH = {1: PROVINCE_KINDS, 2: COMMUNE_KINDS, 3: RESIDENTIAL_KINDS}


# Place and group names sort in Vietnamese alphabetical order ("Hạ Long" before
# "Hoành Bồ", Đ after D): the collation groups/migrations/0020 creates. Every
# select, filter and export that lists places or groups orders by name
# (`Area.objects.alphabetical()`), so they all agree.
PLACE_COLLATION = "vi_places"


class AreaQuerySet(MP_NodeQuerySet):
    def alphabetical(self):
        """In Vietnamese alphabetical order of the name (the path breaks ties)."""
        return self.order_by("name", "path")

    def provinces(self):
        return self.filter(depth=1)

    def communes(self):
        """Communes, wards and special zones: the tier with its own police."""
        return self.filter(depth=2)

    def residential_units(self):
        return self.filter(depth=3)

    def within(self, area):
        """The area and everything under it, in one query on the indexed path."""
        return self.filter(path__startswith=area.path)

    def pickable_by(self, user, *, province: bool = False, own_groups: bool = False):
        """The areas `user` may pick where a page narrows to an area.

        Administrators: every commune/ward, and the province itself with `province`.
        Ward police: their own ward. Anyone else: none, or with `own_groups` the
        communes/wards of the groups they may edit (where a leader registers
        hotspots, say). Mediation statistics, coverage, hotspots and the dashboard
        all ask here.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            areas = self.filter(depth__lte=2) if province else self.communes()
            # The province first, then its communes/wards in alphabetical order.
            return areas.order_by("depth", "name", "path")
        if user.is_ward_police:
            return self.filter(pk=user.police_ward_id)
        if own_groups:
            return self.filter(
                pk__in=SelfManagementGroup.objects.editable_by(user).values("ward")
            ).alphabetical()
        return self.none()


class AreaManager(MP_NodeManager.from_queryset(AreaQuerySet)):
    def get_queryset(self):
        # MP_NodeManager.get_queryset builds a plain MP_NodeQuerySet, which would hide
        # the methods above (`Area.objects.within(...)` raised AttributeError).
        return AreaQuerySet(self.model, using=self._db).order_by("path")


class Area(MP_Node):
    """An administrative unit: province → commune/ward/special zone → residential unit.

    Public reference data (the report form lists it), so it has no visible_to.
    """

    steplen = 4
    name = models.CharField(_("name"), max_length=200, db_collation=PLACE_COLLATION)
    kind = models.CharField(_("kind"), max_length=32, choices=AreaKind.choices)
    code = models.CharField(
        _("official code"),
        max_length=16,
        blank=True,
        help_text=_("The government's code, where the unit has one."),
    )
    # Public by design: the directory and the posters print it for residents.
    police_phone = models.CharField(
        _("police duty phone"),
        max_length=20,
        blank=True,
        help_text=_(
            "The commune/ward police's duty number, shown to residents in the public "
            "directory and on posters. Communes, wards and special zones only."
        ),
    )

    # Printed on the tip-box posters and typed at the start of an SMS or Zalo
    # message (reports/inbound/): assigned on first print by groups/short_codes.py.
    short_code = models.CharField(
        _("short code"),
        max_length=8,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("Printed on the posters; residents type it in an SMS or Zalo message."),
    )

    objects = AreaManager()

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="area_code_unique"
            ),
            models.CheckConstraint(
                condition=(
                    Q(depth=1, kind__in=PROVINCE_KINDS)
                    | Q(depth=2, kind__in=COMMUNE_KINDS)
                    | Q(depth=3, kind__in=RESIDENTIAL_KINDS)
                ),
                name="area_kind_matches_depth",
            ),
            models.CheckConstraint(
                condition=Q(police_phone="") | Q(depth=2),
                name="area_police_phone_only_on_communes",
                violation_error_message=_(
                    "Only a commune, ward or special zone has a police duty phone."
                ),
            ),
        ]
        indexes = [
            # Subtree queries (`Area.objects.within(ward)`) are LIKE 'prefix%' on path;
            # the pattern opclass lets PostgreSQL use the index whatever the collation.
            models.Index(
                fields=["path"], name="area_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        allowed = KINDS_AT_DEPTH.get(self.depth or 0, ())
        if self.depth and self.kind not in allowed:
            raise ValidationError({"kind": _("This kind of area cannot stand at this level.")})

    @property
    def is_commune_level(self) -> bool:
        return self.depth == 2

    @property
    def commune(self):
        """The commune/ward/special zone this area belongs to (itself at that tier)."""
        if self.depth == 2:
            return self
        if self.depth == 3:
            return Area.objects.get(path=self.path[: 2 * self.steplen])
        return None


class User(AbstractUser):
    class Role(models.TextChoices):
        PROVINCE_ADMIN = "province_admin", _("Province administrator")
        WARD_POLICE = "ward_police", _("Commune/ward police")
        COMMUNITY = "community", _("Group leader or member")

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.COMMUNITY)
    police_ward = models.ForeignKey(
        Area,
        verbose_name=_("police of commune/ward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="police_users",
        limit_choices_to={"depth": 2},
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role="ward_police", police_ward__isnull=False)
                | (~Q(role="ward_police") & Q(police_ward__isnull=True)),
                name="user_police_ward_iff_ward_police",
            )
        ]

    def clean(self):
        super().clean()
        if self.role == self.Role.WARD_POLICE and not self.police_ward_id:
            raise ValidationError({"police_ward": _("Ward police must have a commune/ward.")})
        if self.role != self.Role.WARD_POLICE and self.police_ward_id:
            raise ValidationError({"police_ward": _("Only ward police have a commune/ward.")})
        if self.police_ward_id and not self.police_ward.is_commune_level:
            raise ValidationError({"police_ward": _("Choose a commune, ward or special zone.")})

    @property
    def is_province_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.PROVINCE_ADMIN)

    # The province administrator manages everything in the Django admin (areas, model
    # kinds, groups, people, contact lists); the role itself grants every model
    # permission, as `is_superuser` does, so no per-model grants have to be kept in step.
    def has_perm(self, perm, obj=None):
        return self.is_province_admin or super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        return self.is_province_admin or super().has_module_perms(app_label)

    @property
    def is_ward_police(self) -> bool:
        return self.is_active and self.role == self.Role.WARD_POLICE


class ModelType(models.Model):
    """A kind of self-management model (e.g. the five-family solidarity group)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_mediation = models.BooleanField(
        _("is a mediation group"),
        default=False,
        help_text=_("Groups of this kind keep grassroots mediation cases."),
    )

    class Meta:
        verbose_name = _("model kind")
        verbose_name_plural = _("model kinds")
        ordering = ["name"]

    def __str__(self):
        return self.name


class GroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=SelfManagementGroup.Status.ACTIVE)

    def visible_to(self, user):
        """Province admins: all. Ward police: their commune/ward. Others: groups they belong to."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        return self.filter(
            pk__in=Membership.objects.current().filter(member__user=user).values("group")
        )

    def editable_by(self, user):
        """Province admins: all. Leaders and deputies: their groups. Nobody else."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.none()
        return self.filter(pk__in=Membership.objects.led_by(user).values("group"))


class SelfManagementGroup(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    name = models.CharField(_("name"), max_length=255, db_collation=PLACE_COLLATION)
    ward = models.ForeignKey(
        Area,
        verbose_name=_("commune/ward"),
        on_delete=models.PROTECT,
        related_name="groups",
        limit_choices_to={"depth": 2},
    )
    unit = models.ForeignKey(
        Area,
        verbose_name=_("residential unit"),
        on_delete=models.PROTECT,
        related_name="unit_groups",
        null=True,
        blank=True,
        limit_choices_to={"depth": 3},
        help_text=_("Leave empty for a group that covers the whole commune/ward."),
    )
    model_types = models.ManyToManyField(
        ModelType, verbose_name=_("model kinds"), related_name="groups"
    )
    founded = models.DateField(_("founded"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    conventions = models.TextField(
        _("internal conventions and regulations"),
        blank=True,
        help_text=_("Tasks, procedures for handling reports, coordination with police."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # Residents read it without signing in (groups/directory.py, groups/posters.py):
    # empty means the group shows no contact, and nothing about its members is public.
    public_contact = models.CharField(
        _("public contact"),
        max_length=200,
        blank=True,
        default="",
        help_text=_(
            "Shown to everyone in the public directory and on the group's poster, e.g. "
            "“Tổ trưởng: 0912 345 678”. Leave empty to show no contact."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-management group")
        verbose_name_plural = _("self-management groups")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="group_name_unique_in_ward"),
            models.CheckConstraint(
                condition=Q(status="dissolved") | Q(dissolved_on__isnull=True),
                name="group_dissolved_on_only_when_dissolved",
            ),
        ]
        indexes = [
            # Ward police's group list and report routing: groups of one ward by status.
            models.Index(fields=["ward", "status"], name="group_ward_status_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.unit_id and self.ward_id and not self.unit.path.startswith(self.ward.path):
            raise ValidationError({"unit": _("The residential unit must lie in the commune/ward.")})
        if self.dissolved_on and self.status != self.Status.DISSOLVED:
            raise ValidationError({"dissolved_on": _("Only a dissolved group has this date.")})

    @property
    def place(self):
        return self.unit or self.ward


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People with a current membership the user may see (a member sees fellow members)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_province_admin:
            return self
        memberships = Membership.objects.visible_to(user)
        if not user.is_ward_police:
            # A plain member sees fellow members, not the phones and addresses of people
            # who have left; leaders keep their groups' history.
            memberships = memberships.filter(
                Q(pk__in=Membership.objects.current())
                | Q(group__in=SelfManagementGroup.objects.editable_by(user))
            )
        return self.filter(pk__in=memberships.values("member"))

    def editable_by(self, user):
        if user.is_authenticated and user.is_province_admin:
            return self
        return self.filter(pk__in=Membership.objects.editable_by(user).values("member"))

    def in_service(self):
        """Members whose login is active and who belong to a group today.

        The secret links a member holds (the calendar feed) work only for these:
        access dies with the account or the membership (patrols/views.py).
        """
        return self.filter(
            user__is_active=True, pk__in=Membership.objects.current().values("member")
        )


class Member(models.Model):
    """A person who serves in one or more groups; may have a login."""

    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    is_mediator = models.BooleanField(_("is a mediator"), default=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["phone"], name="member_phone_idx")]

    def __str__(self):
        return self.full_name


class MembershipQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(started__lte=on) | Q(started__isnull=True)).filter(
            Q(ended__isnull=True) | Q(ended__gte=on)
        )

    def led_by(self, user):
        """Current leader/deputy memberships held by the user."""
        return (
            self.current().filter(member__user=user).filter(Q(is_leader=True) | Q(is_deputy=True))
        )

    def visible_to(self, user):
        return self.filter(group__in=SelfManagementGroup.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(group__in=SelfManagementGroup.objects.editable_by(user))


class Membership(models.Model):
    class Role(models.TextChoices):
        CADRE = "cadre", _("Residential-group cadre")
        PARTY_SECRETARY = "party_secretary", _("Party-cell secretary")
        VILLAGE_HEAD = "village_head", _("Village head / head of residential group")
        MEDIATION_HEAD = "mediation_head", _("Head of mediation group")
        POLICE_OFFICER = "police_officer", _("Police officer")
        SECURITY_GUARD = "security_guard", _("Factory or market security")
        VOLUNTEER = "volunteer", _("Volunteer")
        OTHER = "other", _("Other")

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.VOLUNTEER)
    is_leader = models.BooleanField(_("leader"), default=False)
    is_deputy = models.BooleanField(_("deputy leader"), default=False)
    started = models.DateField(_("member since"), null=True, blank=True)
    ended = models.DateField(_("member until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-is_leader", "-is_deputy", "member__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "group"],
                condition=Q(ended__isnull=True),
                name="membership_one_open_per_member_and_group",
            ),
            models.CheckConstraint(
                condition=Q(ended__isnull=True)
                | Q(started__isnull=True)
                | Q(ended__gte=models.F("started")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(is_leader=True, is_deputy=True),
                name="membership_leader_or_deputy_not_both",
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.group}"

    def clean(self):
        if self.started and self.ended and self.ended < self.started:
            raise ValidationError({"ended": _("A membership cannot end before it starts.")})


class GroupScopedQuerySet(models.QuerySet):
    """For rows that belong to one group: seen and edited as their group is."""

    def visible_to(self, user):
        return self.filter(group__in=SelfManagementGroup.objects.visible_to(user))

    def editable_by(self, user):
        return self.filter(group__in=SelfManagementGroup.objects.editable_by(user))


class Training(models.Model):
    class Topic(models.TextChoices):
        MEDIATION = "mediation", _("Mediation skills")
        RECEIVING_REPORTS = "receiving_reports", _("Receiving reports")
        FIRE = "fire", _("Fire prevention and fighting")
        INCIDENTS = "incidents", _("Handling public-security incidents")
        OTHER = "other", _("Other")

    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=255, blank=True)
    held_on = models.DateField(_("date"))
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        Member, verbose_name=_("attendees"), related_name="trainings", blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = GroupScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on"]

    def __str__(self):
        return self.title or self.get_topic_display()


def _document_path(instance, filename):
    # A random name: the original file name may carry a person's name.
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"group-documents/{instance.group_id}/{secrets.token_urlsafe(16)}{suffix}"


class GroupDocument(models.Model):
    class Kind(models.TextChoices):
        CONVENTIONS = "conventions", _("Internal conventions and regulations")
        HANDBOOK = "handbook", _("Handbook")
        SCENARIO = "scenario", _("Incident-handling scenario")
        OTHER = "other", _("Other")

    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to=_document_path,
        blank=True,
        validators=[check_document_file],
        help_text=_("PDF, Word, OpenDocument, Excel, JPEG, PNG or text, up to 20 MB."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GroupScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("group document")
        verbose_name_plural = _("group documents")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title


class EmergencyContact(models.Model):
    """An entry of a group's own emergency contact list (fire brigade, medical station, …)."""

    group = models.ForeignKey(
        SelfManagementGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="emergency_contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation or role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = GroupScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


CONTACT_CHANNELS = [
    ("email", _("Email")),
    ("sms", _("SMS")),
    ("zalo", _("Zalo (ZNS)")),
]


def default_contact_channels():
    return ["email", "sms", "zalo"]


class PoliceContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def visible_to(self, user):
        """Admins: all. Ward police: their ward's list. Group people: their groups' wards."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(area_id=user.police_ward_id)
        wards = SelfManagementGroup.objects.visible_to(user).values("ward")
        return self.filter(area__in=wards)

    def editable_by(self, user):
        if user.is_authenticated and user.is_province_admin:
            return self
        return self.none()


class PoliceContact(models.Model):
    """A police officer on a commune/ward's contact list, or a province duty contact."""

    area = models.ForeignKey(
        Area,
        verbose_name=_("commune/ward or province"),
        on_delete=models.PROTECT,
        related_name="police_contacts",
        limit_choices_to={"depth__lte": 2},
    )
    name = models.CharField(_("name"), max_length=200)
    rank_or_role = models.CharField(_("rank or role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    zalo_id = models.CharField(_("Zalo id"), max_length=64, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="police_contacts",
    )
    order = models.PositiveSmallIntegerField(_("order on the list"), default=0)
    active = models.BooleanField(_("active"), default=True)
    channels = ArrayField(
        models.CharField(max_length=16, choices=CONTACT_CHANNELS),
        verbose_name=_("preferred channels"),
        default=default_contact_channels,
        blank=True,
        help_text=_("Escalation notices reach the contact on these channels."),
    )

    objects = PoliceContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("police contact")
        verbose_name_plural = _("police contacts")
        ordering = ["area", "order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="", email="", zalo_id=""),
                name="police_contact_reachable",
                violation_error_message=_("Give at least a phone, an email or a Zalo id."),
            ),
        ]
        indexes = [
            # The escalation chain reads one area's active list in order.
            models.Index(fields=["area", "active", "order"], name="policecontact_area_order_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.area})"

    def clean(self):
        if self.area_id and self.area.depth > 2:
            raise ValidationError({"area": _("Choose a province or a commune/ward.")})

    def address_for(self, channel: str) -> str:
        """Where a notice on `channel` goes; empty when the contact has no such address."""
        return {"email": self.email, "sms": self.phone, "zalo": self.phone}.get(channel, "")


class StaffSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Each user sees their own sessions only, administrators included."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class StaffSession(models.Model):
    """A signed-in session of a user: lists "where am I signed in" and lets
    "sign out everywhere" find the sessions to end (groups/staff_sessions.py).

    Django's session table cannot be searched by user (its data is encoded), so
    each sign-in adds a row here and each sign-out removes it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_sessions",
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    signed_in_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    # The browser's own description, shortened: enough for "Chrome on Android".
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    objects = StaffSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen"]
        indexes = [
            # "Your sessions" and "sign out everywhere" read one user's rows.
            models.Index(fields=["user", "last_seen"], name="staffsession_user_seen_idx"),
        ]

    def __str__(self):
        return f"{self.user} ({date_text(self.signed_in_at)})"


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Province admins: all. Ward police: entries about their commune/ward. Others: none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_province_admin:
            return self
        if user.is_ward_police:
            return self.filter(ward_id=user.police_ward_id)
        return self.none()

    def editable_by(self, user):
        # Append-only: the database refuses UPDATE and DELETE (migration 0010).
        return self.none()


class AuditEntry(models.Model):
    """One sensitive action: who, what, on which object, when, from which staff session.

    Written only through ``groups.audit.record``. Never holds a reporter's identity
    or a tip's text: the object is named by type and id, the details by field names
    and counts. A PostgreSQL trigger refuses UPDATE and DELETE on the table.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        SECOND_FACTOR = "second_factor", _("Second factor changed")
        CONTACT_REVEAL = "contact_reveal", _("Reporter contact revealed")
        EXPORT = "export", _("Data exported")
        DOWNLOAD = "download", _("File downloaded")
        ROLE_CHANGE = "role_change", _("Role or scope changed")
        MEMBERSHIP_CHANGE = "membership_change", _("Membership changed")
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        MERGE = "merge", _("Reports merged")
        ESCALATION_ACK = "escalation_ack", _("Escalation acknowledged")
        LEGAL_HOLD_SET = "legal_hold_set", _("Legal hold set")
        LEGAL_HOLD_CLEARED = "legal_hold_cleared", _("Legal hold lifted")
        ANONYMISED = "anonymised", _("Anonymised after the retention period")

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    # Copied, not a foreign key: deleting a user must neither touch nor lose the trail.
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True, editable=False)
    actor_username = models.CharField(_("user"), max_length=150, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, editable=False)
    object_type = models.CharField(_("object type"), max_length=100, blank=True, editable=False)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, editable=False)
    # The commune/ward the entry concerns: its police see it. No database constraint,
    # so that the row never has to change when an area does.
    ward = models.ForeignKey(
        Area,
        verbose_name=_("commune/ward"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # A keyed hash of the session key: ties entries of one sign-in together
    # without storing anything that would let someone take the session over.
    session = models.CharField(_("session"), max_length=64, blank=True, editable=False)
    # Field names, counts and short codes only; never free text written by a resident.
    detail = models.JSONField(_("details"), default=dict, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        indexes = [
            # The admin's list and the police's audit page: newest first, by ward.
            models.Index(fields=["ward", "-at"], name="auditentry_ward_at_idx"),
            models.Index(fields=["-at"], name="auditentry_at_idx"),
            # "Everything that happened to this object".
            models.Index(fields=["object_type", "object_id"], name="auditentry_object_idx"),
        ]

    def __str__(self):
        return f"{date_text(self.at)} {self.actor_username or '-'} {self.action}"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """One's own tokens; a superuser (who manages logins) sees everyone's."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(user=user)

    def live(self):
        return self.filter(expiry__gt=timezone.now())


class ApiToken(models.Model):
    """A token another system or app signs in to the API with (groups/api/tokens.py).

    django-rest-knox's token (settings.KNOX_TOKEN_MODEL): only a SHA-512 hash of the
    token is kept, with its first characters to find it; the token itself is
    shown once, when it is made. Named, so that its owner can tell them apart in
    their account page; always with an expiry. Deleted with its user.
    """

    digest = models.CharField(_("hash of the token"), max_length=128, unique=True, editable=False)
    token_key = models.CharField(
        _("beginning of the token"), max_length=25, db_index=True, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        # The name knox reads a user's tokens by.
        related_name="auth_token_set",
    )
    name = models.CharField(_("name"), max_length=100)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expiry = models.DateTimeField(_("expires"))
    # An administrator who made the token for someone else; empty when they made it themselves.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AuthTokenManager.from_queryset(ApiTokenQuerySet)()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"
