"""The shape every dashboard figure takes: a titled table.

Charts are drawn from it (as JSON), screen readers and people copying
numbers read it as an HTML table, and the exports write it to CSV and XLSX:
one source, so the three can never disagree.
"""

from dataclasses import dataclass, field


@dataclass
class Table:
    key: str  # stable identifier: URL segment, file name, element id
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # How a chart draws it: "line", "bar" or "" for a table only.
    chart: str = ""

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": str(self.title),
            "columns": [str(column) for column in self.columns],
            "rows": [[_plain(value) for value in row] for row in self.rows],
            "chart": self.chart,
        }


def _plain(value):
    """Numbers stay numbers (None for "no data"); anything else becomes text."""
    if value is None or isinstance(value, int | float):
        return value
    if hasattr(value, "is_finite"):  # Decimal
        return float(value)
    return str(value)
