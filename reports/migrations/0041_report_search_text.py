"""Reports keep their text folded as search reads it (``Report.search_text``), and the
trigram index moves from the folded expression (0026) to that column.

Checking a candidate row of a search then reads the stored text instead of folding
the description again: at a million reports that recheck was most of a search's
time (docs/search.md, "Speed"). The index is built where pg_trgm is installed
(groups/0022), as before.
"""

import groups.text_search
from django.db import migrations, models

CREATE = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS report_search_text_trgm_idx ON reports_report
            USING gin (search_text gin_trgm_ops);
    END IF;
END
$$;
DROP INDEX IF EXISTS report_text_trgm_idx;
"""

RESTORE = """
DROP INDEX IF EXISTS report_search_text_trgm_idx;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS report_text_trgm_idx ON reports_report
            USING gin (tuquan_fold(description || ' ' || address) gin_trgm_ops);
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0040_routing_summary_from_the_report"),
        ("groups", "0022_text_search_folding"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=groups.text_search.Folded("description", "address"),
                output_field=models.TextField(),
                verbose_name="text as searched",
            ),
        ),
        migrations.RunSQL(CREATE, RESTORE),
    ]
