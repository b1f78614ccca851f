"""A default escalation rule for every category that has none.

Level 1 reaches the first two contacts of the commune/ward's police list, level 2
the rest of that list, level 3 the province duty contacts. The windows (how long
the police have to acknowledge before the next level) follow the severity.
Administrators change any of it in the admin; forward keeps their edits (a
category that has a rule is left alone), reverse removes the rules.
"""

from django.db import migrations

CHANNELS = ["email", "sms", "zalo"]
# severity: (level 1 window, level 2 window, level 3 window) in minutes
WINDOWS = {
    "urgent": (10, 10, 30),
    "high": (30, 30, 60),
    "normal": (60, 120, 240),
    "low": (240, 480, 1440),
}


def seed(apps, schema_editor):
    Category = apps.get_model("reports", "Category")
    EscalationRule = apps.get_model("reports", "EscalationRule")
    EscalationLevel = apps.get_model("reports", "EscalationLevel")
    for category in Category.objects.filter(escalation_rule__isnull=True):
        rule = EscalationRule.objects.create(category=category, remind_leaders_at_percent=75)
        first, second, third = WINDOWS.get(category.severity, WINDOWS["normal"])
        EscalationLevel.objects.bulk_create(
            [
                EscalationLevel(
                    rule=rule,
                    number=1,
                    reaches="ward_first",
                    contact_count=2,
                    window_minutes=first,
                    channels=CHANNELS,
                ),
                EscalationLevel(
                    rule=rule,
                    number=2,
                    reaches="ward_next",
                    contact_count=None,
                    window_minutes=second,
                    channels=CHANNELS,
                ),
                EscalationLevel(
                    rule=rule,
                    number=3,
                    reaches="province_duty",
                    contact_count=None,
                    window_minutes=third,
                    channels=CHANNELS,
                ),
            ]
        )


def unseed(apps, schema_editor):
    # The rules go with their table when 0005 is reversed; nothing else refers to them.
    apps.get_model("reports", "EscalationRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_escalation_chain")]

    operations = [migrations.RunPython(seed, unseed)]
