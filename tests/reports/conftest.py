"""Report fixtures on top of the cast in tests/conftest.py.

Categories come from reports/migrations/0002_seed_categories.py, so they exist in
every test database; fetch them, never create one with a seeded name.
"""

import pytest

from reports.intake import submit_report
from reports.models import Category, Channel


@pytest.fixture
def theft(seeded):
    return Category.objects.get(name="Trộm cắp tài sản")


@pytest.fixture
def fight(seeded):
    return Category.objects.get(name="Đánh nhau, gây rối trật tự công cộng")


@pytest.fixture
def about_the_group(seeded):
    return Category.objects.get(name="Phản ánh về tổ tự quản hoặc thành viên của tổ")


@pytest.fixture
def food_safety(seeded):
    return Category.objects.get(name="An toàn thực phẩm, trật tự kinh doanh")


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
