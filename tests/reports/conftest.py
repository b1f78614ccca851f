"""Report fixtures on top of the cast in tests/conftest.py.

The seeded categories (theft, fight, about_the_group, food_safety) are fixtures of
tests/conftest.py.
"""

import pytest

from reports.intake import submit_report
from reports.models import Channel


@pytest.fixture
def file_report(db):
    """Submit a report as the public form would; returns the Receipt."""

    def file(*, category, ward, unit=None, anonymous=False, **data):
        data.setdefault("description", "Xe máy bị lấy trộm trước cửa nhà văn hóa.")
        if not anonymous:
            data.setdefault("name", "Nguyễn Thị Hoa")
            data.setdefault("phone", "0987654321")
        return submit_report(
            data={
                "category": category,
                "ward": ward,
                "unit": unit,
                "anonymous": anonymous,
                **data,
            },
            channel=data.pop("channel", Channel.WEB),
        )

    return file
