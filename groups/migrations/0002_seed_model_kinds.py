"""The kinds of self-management model Quang Ninh province runs, as the province names them.

Administrators add more in the admin. Forward is idempotent (get_or_create by name, so
an administrator's edits are kept); reverse removes only kinds no group uses.
"""

from django.db import migrations

# (name, name_en, description, is_mediation)
MODEL_KINDS = [
    (
        "Khu dân cư phòng, chống ma túy và tội phạm",
        "Drug- and crime-prevention residential area",
        "Cả khu dân cư cùng phát hiện, tố giác và ngăn chặn tội phạm, tệ nạn ma túy.",
        False,
    ),
    (
        "Câu lạc bộ Thanh niên với pháp luật",
        "Youth club with the law",
        "Thanh niên tìm hiểu, tuyên truyền pháp luật và tham gia giữ gìn an ninh, trật tự.",
        False,
    ),
    (
        "Hòm thư tố giác tội phạm",
        "Denunciation box",
        "Hòm thư đặt tại khu dân cư để người dân gửi tin tố giác, có thể không ghi tên.",
        False,
    ),
    (
        "Gia đình văn hóa, tổ an toàn, khoa phòng bình yên",
        "Cultural family, safe group, peaceful department",
        "Gia đình, tổ, khoa, phòng cam kết giữ gìn an ninh, trật tự và nếp sống văn hóa.",
        False,
    ),
    (
        "Khu dân cư không có tội phạm và tệ nạn xã hội",
        "Residential area free of crime and social evils",
        "Khu dân cư phấn đấu không để xảy ra tội phạm và tệ nạn xã hội.",
        False,
    ),
    (
        "Khu dân cư sáng, sạch, an toàn",
        "Bright, clean, safe residential area",
        "Chiếu sáng, vệ sinh môi trường và an ninh, trật tự do người dân cùng tự quản.",
        False,
    ),
    (
        "Cụm an toàn về an ninh, trật tự",
        "Safe cluster for security and order",
        "Các hộ, cơ sở liền kề liên kết bảo vệ an ninh, trật tự trong cụm.",
        False,
    ),
    (
        "Tổ liên gia, 5 nhà đoàn kết",
        "Family group, five-family solidarity group",
        "Các hộ liền kề trông nhà giúp nhau, báo tin kịp thời khi có vụ việc.",
        False,
    ),
    (
        "Tự quản bảo vệ đường biên, mốc giới, ngư trường, bến bãi",
        "Self-management protecting border markers, fishing grounds and wharves",
        "Người dân vùng biên giới, ven biển tự quản đường biên, cột mốc, ngư trường, bến bãi.",
        False,
    ),
    (
        "Tổ tự quản nhà chung cư",
        "Apartment-building self-management team",
        "Kết hợp an ninh, trật tự với vệ sinh môi trường và phòng cháy, chữa cháy trong tòa nhà.",
        False,
    ),
    (
        "Tổ tự quản khu chợ",
        "Market-area self-management team",
        "Cùng ban quản lý chợ giám sát an toàn thực phẩm và trật tự kinh doanh.",
        False,
    ),
    (
        "Tuần tra liên kết khu công nghiệp",
        "Industrial-park joint patrol",
        "Công nhân và bảo vệ nhà máy tuần tra chung, phát hiện sớm xâm phạm tài sản.",
        False,
    ),
    (
        "Tổ hòa giải",
        "Mediation group",
        "Hòa giải ở cơ sở theo Luật Hòa giải ở cơ sở năm 2013.",
        True,
    ),
]


def create_model_kinds(apps, schema_editor):
    ModelType = apps.get_model("groups", "ModelType")
    for name, name_en, description, is_mediation in MODEL_KINDS:
        ModelType.objects.get_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "description": description,
                "is_mediation": is_mediation,
            },
        )


def remove_unused_model_kinds(apps, schema_editor):
    ModelType = apps.get_model("groups", "ModelType")
    ModelType.objects.filter(
        name__in=[name for name, *_ in MODEL_KINDS], groups__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_model_kinds, remove_unused_model_kinds),
    ]
