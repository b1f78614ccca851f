"""The case list's text search index (mediation/search.py): a GIN trigram index
on the folded summary, where pg_trgm is installed (groups/0022)."""

from django.db import migrations

CREATE = """
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
        ("mediation", "0001_cases_parties_mediators_sessions"),
        ("groups", "0022_text_search_folding"),
    ]

    operations = [migrations.RunSQL(CREATE, "DROP INDEX IF EXISTS mediationcase_summary_trgm_idx")]
