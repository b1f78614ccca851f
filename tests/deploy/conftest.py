"""Fixtures of the deploy tests: the report fixtures of tests/reports."""

from tests.reports.conftest import file_report

__all__ = ["file_report"]
