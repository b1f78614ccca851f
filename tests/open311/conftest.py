"""Fixtures of the reports tests that the Open311 tests use too."""

from tests.reports.conftest import file_report  # noqa: F401
from tests.reports.escalation.conftest import chain, escalation_rules  # noqa: F401
