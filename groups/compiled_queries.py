"""A queryset's SQL built once per process and run many times with other values.

Turning a queryset into SQL is Python work that grows with the query. For the
intake's routing query (the groups of a place whose model kinds suit the
category, with their leaders' addresses; reports/routing.py) it took longer than
PostgreSQL took to answer, on every report. `CompiledQuery` builds the SQL once,
from the queryset made with a marker in the place of each value that changes,
and from then on runs that SQL with the real values in the markers' places.

The queryset stays the one definition of the query; only its SQL is kept. A
marker must reach the SQL as a parameter of its own: a value the ORM folds into
the SQL text or changes on the way would be missed, and building the query
raises then rather than run it with a marker's value.

The SQL runs with server-side binding, so that PostgreSQL can keep it prepared
on the connection (planned once, not on every run) where the settings allow it
(`DATABASE_PREPARED_STATEMENTS`, config/settings.py). Django's own cursors bind on
the client and are never prepared.
"""

import datetime
import threading
from collections.abc import Callable

import psycopg
from django.db import connection
from django.db.models.query import get_related_populators

from groups import reference_data

# Values no real id or date takes, one of each type a marker may have.
_FIRST_INT_MARKER = -(2**31) + 7
_FIRST_DATE_MARKER = datetime.date(1, 1, 1)


class CompiledQuery:
    """The SQL of `build(**markers)`, built at its first run, run with the values given to `rows`.

    `build` takes the names in `ints` and `dates` as keyword arguments and returns a
    queryset (usually `.values_list(...)`). A query whose SQL changes with a value
    (a filter that is there or not) is one CompiledQuery for each variant.

    With `reference_data`, the rows for each set of values are kept in the process
    until the data changes (groups/reference_data.py); the query must read only
    the tables listed there.
    """

    def __init__(
        self,
        build: Callable,
        *,
        ints: tuple[str, ...] = (),
        dates: tuple[str, ...] = (),
        reference_data: bool = False,
    ):
        self._build = build
        self._reference_data = reference_data
        self._markers = {
            **{name: _FIRST_INT_MARKER + offset for offset, name in enumerate(ints)},
            **{
                name: _FIRST_DATE_MARKER + datetime.timedelta(days=offset)
                for offset, name in enumerate(dates)
            },
        }
        self._compiled = None
        self._lock = threading.Lock()

    def rows(self, **values) -> list[tuple]:
        """The rows of the query for `values` (one for each marked name), as the
        queryset would give them (its fields' conversions applied)."""
        if self._reference_data:
            key = (id(self), *sorted(values.items()))
            return list(reference_data.kept.get(key, lambda: self._read(values)))
        return self._read(values)

    def _read(self, values: dict) -> list[tuple]:
        sql, slots, compiler, converters = self._compiled or self._compile()
        params = [values[slot] if isinstance(slot, str) else slot.value for slot in slots]
        with server_binding_cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def objects(self, **values) -> list:
        """The model instances of a queryset of a model's rows (select_related included),
        as iterating it would make them."""
        rows = self.rows(**values)
        compiler = (self._compiled or self._compile())[2]
        # What django.db.models.query.ModelIterable does with each row.
        klass_info, select = compiler.klass_info, compiler.select
        model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[first:last]]
        populators = get_related_populators(klass_info, select, connection.alias)
        instances = []
        for row in rows:
            instance = model.from_db(connection.alias, names, row[first:last])
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances

    def _compile(self):
        with self._lock:
            if self._compiled is None:
                compiler = self._build(**self._markers).query.get_compiler(connection.alias)
                sql, params = compiler.as_sql()
                # What QuerySet.values_list() does to each row (JSON from text, say).
                converters = compiler.get_converters(
                    [column for column, _, _ in compiler.select[: compiler.col_count]]
                )
                self._compiled = (sql, self._slots(params), compiler, converters)
            return self._compiled

    def _slots(self, params) -> list:
        by_marker = {(type(value), value): name for name, value in self._markers.items()}
        slots = [self._slot(param, by_marker) for param in params]
        missing = set(self._markers) - {slot for slot in slots if isinstance(slot, str)}
        if missing:
            raise ValueError(f"Not passed to the SQL as parameters: {', '.join(sorted(missing))}")
        return slots

    @staticmethod
    def _slot(param, by_marker):
        try:
            name = by_marker.get((type(param), param))
        except TypeError:  # unhashable, so no marker
            name = None
        return name or _Fixed(param)


def server_binding_cursor():
    """A cursor as `connection.cursor()` gives one (health check, query log, execute
    wrappers), but binding on the server, so that psycopg may prepare its statements."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


class _Fixed:
    """A parameter that is the same on every run (a constant of the queryset)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value
