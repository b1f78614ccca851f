"""A number that changes whenever the data a report is checked and routed by changes.

groups/reference_data.py keeps query results in each process until this number
changes. A trigger on each table those queries read sets it from a sequence,
before the statement that changes the table: in that statement's transaction,
so it is seen when the change is seen, and never a number seen before (a rolled
back transaction leaves a gap in the sequence, not a repeat). A table is
changed by hand, rarely; writers of such tables wait for each other on the one
row until they commit, readers never wait.

The table is no model: a flush between tests must not empty it.
"""

from django.db import migrations

FUNCTION = "groups_reference_data_changed"
# The users' addresses and whether they are active: what a leader's notice needs.
USER_COLUMNS = "email, is_active"
TABLES = [
    "groups_area",
    "groups_selfmanagementgroup",
    "groups_selfmanagementgroup_model_types",
    "groups_member",
    "groups_membership",
]

SQL = [
    "CREATE SEQUENCE groups_reference_data_generation_seq",
    "CREATE TABLE groups_reference_data_generation ("
    " single boolean PRIMARY KEY DEFAULT true CHECK (single),"
    " generation bigint NOT NULL)",
    "INSERT INTO groups_reference_data_generation (generation)"
    " VALUES (nextval('groups_reference_data_generation_seq'))",
    """CREATE FUNCTION groups_reference_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE groups_reference_data_generation
    SET generation = nextval('groups_reference_data_generation_seq');
    RETURN NULL;
END
$$""",
    *(
        f"CREATE TRIGGER reference_data_changed BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        for table in TABLES
    ),
    "CREATE TRIGGER reference_data_changed BEFORE INSERT OR DELETE OR TRUNCATE"
    f" OR UPDATE OF {USER_COLUMNS} ON groups_user"
    f" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
]

REVERSE = [
    *(f"DROP TRIGGER reference_data_changed ON {table}" for table in [*TABLES, "groups_user"]),
    f"DROP FUNCTION {FUNCTION}()",
    "DROP TABLE groups_reference_data_generation",
    "DROP SEQUENCE groups_reference_data_generation_seq",
]


class Migration(migrations.Migration):
    dependencies = [("groups", "0025_document_file_formats")]

    operations = [migrations.RunSQL(sql=SQL, reverse_sql=REVERSE)]
