"""The intake's writes in one SQL statement: the report and the rows that depend on it.

A new report is a report row plus its contact, routings, photos, first
timeline entry and leaders' notices. Written one INSERT at a time in a
transaction that is seven round trips to PostgreSQL (BEGIN, five INSERTs,
COMMIT), most of a report's time on a busy server. One INSERT with the others
as data-modifying CTEs is one round trip, and a single statement is atomic by
itself: every row is written or none is. Inside a caller's transaction it is
one statement of that transaction, as the separate INSERTs were.

Each row is a model instance, built as for `save()`: the values go through
each field's `pre_save` and `get_db_prep_save`, so the vault's sealed fields
are sealed and the types are the ORM's. A dependent row that does not know the
report's id yet takes it from the report's INSERT (`RETURNING id`). No model
here has signals or its own `save()`, so nothing that `save()` would do is lost
(reports/intake.py calls this).
"""

from django.db import connection, models

from groups.compiled_queries import server_binding_cursor

REPORT_ALIAS = "new_report"


def insert_with_dependents(*, report: models.Model, dependents: list[models.Model]) -> None:
    """INSERT `report` and every row of `dependents` (whose `report` is it) in one statement.

    Sets `report.pk` (unless it was set beforehand, e.g. from the sequence).
    """
    quote = connection.ops.quote_name
    columns, values, params = _row(report, keep_pk=report.pk is not None)
    parts = [
        f"{REPORT_ALIAS} AS (INSERT INTO {quote(report._meta.db_table)} "  # noqa: S608  # nosec B608  # quoted model names
        f"({columns}) VALUES ({values}) RETURNING {quote(report._meta.pk.column)})"
    ]
    for index, by_table in enumerate(_by_table(dependents)):
        rows = []
        for row in by_table:
            columns, values, row_params = _row(row, report_column="report_id")
            rows.append(f"({values})")
            params += row_params
        table = quote(by_table[0]._meta.db_table)
        rows_sql = ", ".join(rows)
        parts.append(
            f"row_{index} AS (INSERT INTO {table} ({columns}) VALUES {rows_sql})"  # noqa: S608  # nosec B608  # quoted model names
        )
    # Names from the models' metadata, values as parameters.
    sql = f"WITH {', '.join(parts)} SELECT id FROM {REPORT_ALIAS}"  # noqa: S608  # nosec B608  # parts above
    with server_binding_cursor() as cursor:
        cursor.execute(sql, params)
        (report.pk,) = cursor.fetchone()
    for row in (report, *dependents):
        row._state.adding = False
        row._state.db = connection.alias


def reserve_id(model: type[models.Model]) -> int:
    """The next id of `model`'s table, taken from its sequence (for a row's id known
    before it is written: a notice's link, a photo's file)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s))",
            [model._meta.db_table, model._meta.pk.column],
        )
        return cursor.fetchone()[0]


def _by_table(rows: list[models.Model]) -> list[list[models.Model]]:
    tables: dict[type, list[models.Model]] = {}
    for row in rows:
        tables.setdefault(type(row), []).append(row)
    return list(tables.values())


def _row(row: models.Model, *, keep_pk: bool = False, report_column: str | None = None):
    columns, values, params = [], [], []
    for field in row._meta.concrete_fields:
        if (field.primary_key and not keep_pk) or field.generated:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column == report_column and row.report_id is None:
            values.append(f"(SELECT id FROM {REPORT_ALIAS})")  # noqa: S608  # nosec B608  # a constant
            continue
        values.append("%s")
        params.append(field.get_db_prep_save(field.pre_save(row, True), connection))
    return ", ".join(columns), ", ".join(values), params
