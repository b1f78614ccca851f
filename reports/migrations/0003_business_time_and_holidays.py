"""Deadlines in business time: the holiday table and the category's switch for it.

Existing categories keep counting wall-clock time (the default); 0004 switches
the seeded low and normal ones over and fills the holiday table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_seed_categories"),
    ]

    operations = [
        migrations.CreateModel(
            name="Holiday",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "name_en",
                    models.CharField(blank=True, max_length=200, verbose_name="name in English"),
                ),
            ],
            options={
                "verbose_name": "holiday",
                "verbose_name_plural": "holidays",
                "ordering": ["date"],
            },
        ),
        migrations.AddField(
            model_name="category",
            name="counts_working_hours",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Count only Vietnamese office hours: Monday to Friday, 7:30 to 11:30 and "
                    "13:30 to 17:00, outside public holidays. Weekends and holidays extend the "
                    "deadline, never shorten it; its minutes are then working minutes (450 make one "
                    "working day). Urgent categories always count wall-clock time."
                ),
                verbose_name="deadline counts working hours only",
            ),
        ),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("severity", "urgent"), _negated=True),
                    ("counts_working_hours", False),
                    _connector="OR",
                ),
                name="category_urgent_counts_wall_clock",
            ),
        ),
    ]
