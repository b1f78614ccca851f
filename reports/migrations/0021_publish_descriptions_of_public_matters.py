"""The seeded categories whose descriptions the open data feed may show: matters
of public space (fire hazards, traffic, hygiene), where what residents write is
about a place rather than a person. Every other category stays sensitive.
An administrator's later choice is kept: only categories still as seeded change.
"""

from django.db import migrations

PUBLIC_MATTERS = [
    "Nguy cơ cháy, nổ",
    "Giao thông và trật tự công cộng",
    "Vệ sinh, môi trường",
]


def publish(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    Category.objects.filter(name__in=PUBLIC_MATTERS).update(publish_description=True)


def unpublish(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    Category.objects.filter(name__in=PUBLIC_MATTERS).update(publish_description=False)


class Migration(migrations.Migration):
    dependencies = [("reports", "0020_open311_clients_and_app_channels")]

    operations = [migrations.RunPython(publish, unpublish)]
