"""The reports' tables that a report is checked and routed by change the number of
groups/migrations/0026_reference_data_generation.py too (groups/reference_data.py)."""

from django.db import migrations

TABLES = [
    "reports_category",
    "reports_category_model_types",
    "reports_escalationrule",
    "reports_escalationlevel",
    "reports_holiday",
]


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0026_reference_data_generation"),
        ("reports", "0042_report_indexes_without_duplicates"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"CREATE TRIGGER reference_data_changed BEFORE INSERT OR UPDATE OR DELETE"
                f" OR TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION groups_reference_data_changed()"
                for table in TABLES
            ],
            reverse_sql=[f"DROP TRIGGER reference_data_changed ON {table}" for table in TABLES],
        )
    ]
