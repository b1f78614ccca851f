"""Fixtures of the deploy tests: the report fixtures of tests/reports."""

from tests.reports.conftest import file_report

__all__ = ["file_report"]


def pytest_collection_modifyitems(config, items):
    """Without Debian's nginx and PostgreSQL's tools these tests are skipped with a
    hint, except where TUQUAN_REQUIRE_DEPLOY is set (CI): there they fail."""
    import os
    import shutil

    import pytest

    from tests.deploy.stack import NGINX

    missing = [
        tool
        for tool in (NGINX, "pg_dump", "pg_restore", "psql", "redis-server")
        if not shutil.which(tool)
    ]
    if not missing or os.environ.get("TUQUAN_REQUIRE_DEPLOY"):
        return
    skip = pytest.mark.skip(
        reason=f"missing {', '.join(missing)}: apt-get install nginx-light postgresql redis-server"
    )
    for item in items:
        if "tests/deploy/" in str(item.fspath) or "tests/upgrade/" in str(item.fspath):
            item.add_marker(skip)
