"""The report categories of the province's practice, with severities and deadlines.

Administrators edit them (and add more) in the admin. Forward is idempotent
(get_or_create by name keeps an administrator's edits); reverse removes only
categories no report uses.
"""

from django.db import migrations

MEDIATION = "Tổ hòa giải"
MARKET = "Tổ tự quản khu chợ"
APARTMENT = "Tổ tự quản nhà chung cư"
BORDER = "Tự quản bảo vệ đường biên, mốc giới, ngư trường, bến bãi"
BRIGHT_CLEAN = "Khu dân cư sáng, sạch, an toàn"
GENERAL = "general"  # every kind but mediation groups

# (name, name_en, severity, deadline in minutes, anonymous tips allowed, about the group, kinds)
CATEGORIES = [
    ("Ma túy", "Drugs", "high", 120, True, False, GENERAL),
    ("Trộm cắp tài sản", "Theft", "high", 120, True, False, GENERAL),
    (
        "Đánh nhau, gây rối trật tự công cộng",
        "Fights and public disorder",
        "urgent",
        15,
        True,
        False,
        GENERAL,
    ),
    (
        "Cờ bạc và tệ nạn xã hội khác",
        "Gambling and other social evils",
        "normal",
        1440,
        True,
        False,
        GENERAL,
    ),
    ("Bạo lực gia đình", "Domestic violence", "urgent", 15, True, False, GENERAL),
    ("Nguy cơ cháy, nổ", "Fire hazard", "high", 120, True, False, GENERAL),
    (
        "Giao thông và trật tự công cộng",
        "Traffic and public order",
        "normal",
        1440,
        True,
        False,
        GENERAL,
    ),
    (
        "Vệ sinh, môi trường",
        "Hygiene and environment",
        "low",
        4320,
        True,
        False,
        [BRIGHT_CLEAN, APARTMENT, MARKET],
    ),
    (
        "An toàn thực phẩm, trật tự kinh doanh",
        "Food safety and trading order",
        "normal",
        1440,
        True,
        False,
        [MARKET],
    ),
    (
        "Vi phạm mốc giới, ngư trường, bến bãi",
        "Border-marker, fishing-ground or wharf violations",
        "high",
        120,
        True,
        False,
        [BORDER],
    ),
    (
        "Phản ánh về tổ tự quản hoặc thành viên của tổ",
        "About the self-management group or its members",
        "normal",
        1440,
        True,
        True,
        GENERAL,
    ),
    ("Khác", "Other", "normal", 1440, True, False, GENERAL),
]


def seed(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    ModelType = apps.get_model("groups", "ModelType")
    for order, (name, name_en, severity, minutes, anonymous, about_group, kinds) in enumerate(
        CATEGORIES
    ):
        category, created = Category.objects.get_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "severity": severity,
                "deadline_minutes": minutes,
                "allows_anonymous": anonymous,
                "about_the_group": about_group,
                "order": order,
            },
        )
        if not created:
            continue
        if kinds == GENERAL:
            suited = ModelType.objects.exclude(is_mediation=True)
        else:
            suited = ModelType.objects.filter(name__in=kinds)
        category.model_types.set(suited)


def unseed(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    Category.objects.filter(name__in=[row[0] for row in CATEGORIES], reports__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_reports_and_vault"),
        ("groups", "0002_seed_model_kinds"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
