"""Three indexes of reports_report that others already give, dropped.

The category's and the ward's own indexes: report_category_recent_idx and
report_ward_status_idx begin with these columns and serve every lookup and
PROTECT check that used them. The receipt digest's LIKE index: its uniqueness
becomes a named constraint, which PostgreSQL keeps with one index.

Written by hand so that a large table is not rewritten or locked for long: the
foreign keys are not dropped and re-validated as AlterField would, and the
unique constraint is renamed, not built again.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0025_document_file_formats"),
        ("reports", "0041_report_search_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="report",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="reports.category",
                        verbose_name="category",
                    ),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="ward",
                    field=models.ForeignKey(
                        db_index=False,
                        limit_choices_to={"depth": 2},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="groups.area",
                        verbose_name="commune/ward",
                    ),
                ),
                migrations.AlterField(
                    model_name="report",
                    name="receipt_digest",
                    field=models.CharField(
                        editable=False, max_length=64, verbose_name="receipt digest"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="report",
                    constraint=models.UniqueConstraint(
                        fields=("receipt_digest",), name="report_receipt_digest_unique"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=[
                        "DROP INDEX IF EXISTS reports_report_category_id_7a7857a8",
                        "DROP INDEX IF EXISTS reports_report_ward_id_c2d63ff3",
                        "DROP INDEX IF EXISTS reports_report_receipt_digest_e59a456c_like",
                        "ALTER TABLE reports_report RENAME CONSTRAINT "
                        "reports_report_receipt_digest_key TO report_receipt_digest_unique",
                    ],
                    reverse_sql=[
                        "ALTER TABLE reports_report RENAME CONSTRAINT "
                        "report_receipt_digest_unique TO reports_report_receipt_digest_key",
                        "CREATE INDEX reports_report_receipt_digest_e59a456c_like "
                        "ON reports_report (receipt_digest varchar_pattern_ops)",
                        "CREATE INDEX reports_report_ward_id_c2d63ff3 ON reports_report (ward_id)",
                        "CREATE INDEX reports_report_category_id_7a7857a8 "
                        "ON reports_report (category_id)",
                    ],
                ),
            ],
        ),
    ]
