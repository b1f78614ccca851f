"""Reports filed as the public form would (tests/reports/conftest.py)."""

from tests.reports.conftest import file_report  # noqa: F401
