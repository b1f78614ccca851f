"""The reports' text search index (reports/search.py): a GIN trigram index on the
folded description and address, where pg_trgm is installed (groups/0022)."""

from django.db import migrations

CREATE = """
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
        ("reports", "0023_inbound_messages_and_sms_channel"),
        ("groups", "0022_text_search_folding"),
    ]

    operations = [migrations.RunSQL(CREATE, "DROP INDEX IF EXISTS report_text_trgm_idx")]
