"""Cases keep their summary folded as search reads it (``MediationCase.search_text``),
and the trigram index moves from the folded expression (0002) to that column, as
reports/0041 does for reports: a search no longer folds each candidate's summary
again (docs/search.md, "Speed")."""

import groups.text_search
from django.db import migrations, models

CREATE = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS mediationcase_search_text_trgm_idx
            ON mediation_mediationcase USING gin (search_text gin_trgm_ops);
    END IF;
END
$$;
DROP INDEX IF EXISTS mediationcase_summary_trgm_idx;
"""

RESTORE = """
DROP INDEX IF EXISTS mediationcase_search_text_trgm_idx;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS mediationcase_summary_trgm_idx ON mediation_mediationcase
            USING gin (tuquan_fold(summary) gin_trgm_ops);
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("mediation", "0008_verbose_names_in_vietnamese"),
        ("groups", "0022_text_search_folding"),
    ]

    operations = [
        migrations.AddField(
            model_name="mediationcase",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                expression=groups.text_search.Folded("summary"),
                output_field=models.TextField(),
                verbose_name="text as searched",
            ),
        ),
        migrations.RunSQL(CREATE, RESTORE),
    ]
