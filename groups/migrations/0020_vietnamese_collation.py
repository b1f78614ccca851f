"""The collation place lists sort by: Vietnamese alphabetical order.

"vi_places" is ICU's Vietnamese ("Hạ Long" before "Hoành Bồ", the Đ-names after
the D-names). PostgreSQL built with ICU (Debian's, every production and CI
server) has it; a server built without ICU (the embedded PyPI ``pgserver`` of
``make run``) gets the operating system's Vietnamese locale when there is one,
else plain code-point order, and still migrates (docs/architecture.md, "Place
names in Vietnamese order").
"""

from django.db import migrations

CREATE = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'vi_places') THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = 'i') THEN
        CREATE COLLATION vi_places (provider = icu, locale = 'vi');
    ELSIF EXISTS (SELECT 1 FROM pg_collation WHERE collname IN ('vi_VN.utf8', 'vi_VN.UTF-8')) THEN
        CREATE COLLATION vi_places (provider = libc, locale = 'vi_VN.utf8');
    ELSE
        CREATE COLLATION vi_places FROM "C";
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("groups", "0019_area_short_code")]

    operations = [migrations.RunSQL(CREATE, "DROP COLLATION IF EXISTS vi_places")]
