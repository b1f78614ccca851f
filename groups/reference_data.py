"""What a report is checked and routed by, kept in each process until it changes.

Every report reads its category, its commune/ward and unit, the groups that
receive it with their leaders, and the holidays its deadline spans. These change
by hand, rarely; reading them took a third of a report's time. A query made with
`CompiledQuery(..., reference_data=True)` (groups/compiled_queries.py) keeps its
results here, by its values, for as long as the data's generation stays the same.

The generation is a number in the database that a trigger on each table these
queries read sets anew, in the transaction that changes the table
(groups/migrations/0026_reference_data_generation.py and the reports app's
0043). So a change is seen by every process at the moment it is committed, by
whatever path it was written (admin, import, SQL), and the number is never one
seen before. The generation is read before the data it keeps: what is kept is
never older than its number.

Reading the generation is a query too. A request that reads several of these
queries reads it once, in `one_generation()`: a view that changes none of the
data it reads.
"""

import contextlib
import contextvars
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.db import connection

# The tables whose triggers change the generation (the migrations above). A query
# that keeps its results must read only these: tests/groups/test_reference_data.py.
TABLES = frozenset(
    {
        "groups_area",
        "groups_selfmanagementgroup",
        "groups_selfmanagementgroup_model_types",
        "groups_member",
        "groups_membership",
        "groups_user",
        "reports_category",
        "reports_category_model_types",
        "reports_escalationrule",
        "reports_escalationlevel",
        "reports_holiday",
    }
)

# Enough for every category, place and route a busy process sees in a while; the
# least recently used results go first.
MAX_KEPT = 4096

# Inside one_generation(): a list that holds the generation once it is read.
_held_generation: contextvars.ContextVar = contextvars.ContextVar(
    "reference_data_generation", default=None
)


def current_generation() -> tuple[str, int]:
    """The generation of this database's reference data, as now committed (or as this
    connection's transaction has changed it)."""
    held = _held_generation.get()
    if held:
        return held[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation FROM groups_reference_data_generation")
        (number,) = cursor.fetchone()
    generation = (connection.settings_dict["NAME"], number)
    if held is not None:
        held.append(generation)
    return generation


@contextlib.contextmanager
def one_generation():
    """Read the generation once for all kept queries inside, at the first of them."""
    token = _held_generation.set([])
    try:
        yield
    finally:
        _held_generation.reset(token)


class _Kept:
    """The results of one generation, shared by the threads of a process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._generation = None
        self._results: OrderedDict = OrderedDict()

    def get(self, key, read: Callable):
        generation = current_generation()
        with self._lock:
            if generation == self._generation and key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = read()
        with self._lock:
            # Another thread may have seen another generation since: the last one read wins.
            if generation != self._generation:
                self._generation = generation
                self._results.clear()
            self._results[key] = result
            if len(self._results) > MAX_KEPT:
                self._results.popitem(last=False)
        return result


kept = _Kept()
