"""Text search: the folding function the search indexes are built on, and pg_trgm.

``tuquan_fold(text)`` lowers the text and takes the marks off Vietnamese letters
(groups/text_search.py has the same letters). It is plain SQL, IMMUTABLE, so an
index may be built on it; ``unaccent`` is not (it is STABLE) and, like
``pg_trgm``, is missing from the embedded PostgreSQL of ``make run``. pg_trgm is
installed where the server has it (it needs the rights of the database's owner,
which the migrating role has); without it, search needs an exact (unaccented)
match and the trigram indexes of reports/0026 and mediation/0002 are left out.
"""

from django.db import migrations

MARKED = (
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
)
PLAIN = (
    "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"
    "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy"
)

FOLD = f"""
CREATE OR REPLACE FUNCTION tuquan_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT lower(translate(normalize($1, NFC), '{MARKED}', '{PLAIN}')) $$;
"""

# tuquan_matches(folded text, folded query): the query is similar to a stretch of
# the text (pg_trgm's word similarity, "%>"), or without pg_trgm occurs in it as
# it is. One-line SQL functions, STABLE like the operator (it reads pg_trgm's
# threshold): PostgreSQL inlines them, so the trigram indexes serve the search.
TRIGRAMS = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE OR REPLACE FUNCTION tuquan_matches(text, text) RETURNS boolean
        LANGUAGE sql STABLE PARALLEL SAFE
        AS 'SELECT $1 %> $2';
    ELSE
        CREATE OR REPLACE FUNCTION tuquan_matches(text, text) RETURNS boolean
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS 'SELECT strpos($1, $2) > 0';
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("groups", "0021_place_names_in_vietnamese_order")]

    operations = [
        migrations.RunSQL(FOLD, "DROP FUNCTION IF EXISTS tuquan_fold(text)"),
        # pg_trgm stays on the way back: other objects of the database may use it.
        migrations.RunSQL(TRIGRAMS, "DROP FUNCTION IF EXISTS tuquan_matches(text, text)"),
    ]
