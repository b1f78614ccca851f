"""Search fixtures: reports with words to find, on top of the cast in tests/conftest.py.

Who may read each report's text (``Report.objects.visible_to``, the same people the
report's page shows its description to):

- ``named_x``: a named report in group X's unit, on Đường Bạch Đằng: group X's
  leader, ward A's police, administrators.
- ``tip_x``: an anonymous tip about a stolen motorbike in group X's unit: the same.
- ``police_only_tip``: an anonymous tip about group X itself: ward A's police and
  administrators, never group X.
- ``report_y``: a fight in group Y's village in ward B: group Y's leader, ward B's
  police, administrators.
"""

import pytest
from django.db import connection

from reports.intake import submit_report
from reports.models import Channel


def file(*, category, ward, unit=None, anonymous=False, **data):
    if anonymous:
        data.setdefault("passphrase", "một câu bí mật dài")
    else:
        data.setdefault("name", "Nguyễn Thị Hoa")
        data.setdefault("phone", "0987654321")
    return submit_report(
        data={"category": category, "ward": ward, "unit": unit, "anonymous": anonymous, **data},
        channel=Channel.WEB,
    ).report


@pytest.fixture
def named_x(theft, ward_a, unit_a1, group_x):
    return file(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        description="Mất trộm bình gas trong đêm.",
        address="Số 5 đường Bạch Đằng",
    )


@pytest.fixture
def tip_x(theft, ward_a, unit_a1, group_x):
    return file(
        category=theft,
        ward=ward_a,
        unit=unit_a1,
        anonymous=True,
        description="Có người lạ hay dắt xe máy không biển số vào ngõ sau chợ.",
    )


@pytest.fixture
def police_only_tip(about_the_group, ward_a, unit_a1, group_x):
    return file(
        category=about_the_group,
        ward=ward_a,
        unit=unit_a1,
        anonymous=True,
        description="Tổ trưởng thu tiền bảo kê của các quầy hàng rong.",
    )


@pytest.fixture
def report_y(fight, ward_b, unit_b1, group_y):
    return file(
        category=fight,
        ward=ward_b,
        unit=unit_b1,
        description="Hai nhóm thanh niên đánh nhau ở bến đò.",
        address="Bến đò Đồng Mỏ",
    )


@pytest.fixture
def all_reports(named_x, tip_x, police_only_tip, report_y):
    return {
        "named_x": named_x,
        "tip_x": tip_x,
        "police_only_tip": police_only_tip,
        "report_y": report_y,
    }


@pytest.fixture
def trigrams(db):
    """Typo tolerance needs pg_trgm, which every production and CI server has; the
    embedded PostgreSQL (``make test`` without DATABASE_URL) lacks it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        if not cursor.fetchone()[0]:
            pytest.skip("pg_trgm is not installed in this PostgreSQL")
