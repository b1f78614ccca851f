"""Located reports for the map tests, filed as the public form files them, so that
the points carry what a real report carries (a reporter, a tip's anonymity)."""

from decimal import Decimal

from reports.intake import submit_report
from reports.models import Channel, Report

DESCRIPTION = "Mất xe máy trước số nhà 12, người báo là chị Hoa"
REPORTER_NAME = "Nguyễn Thị Hoa"
REPORTER_PHONE = "0987654321"
ADDRESS = "Số 12 ngõ 5"


def file_located_report(
    *, category, ward, latitude="20.951000", longitude="107.080000", **data
) -> Report:
    """A report at (latitude, longitude), or without a location when they are None."""
    anonymous = data.pop("anonymous", False)
    if not anonymous:
        data.setdefault("name", REPORTER_NAME)
        data.setdefault("phone", REPORTER_PHONE)
    receipt = submit_report(
        data={
            "category": category,
            "ward": ward,
            "anonymous": anonymous,
            "description": DESCRIPTION,
            "address": ADDRESS,
            "latitude": Decimal(latitude) if latitude else None,
            "longitude": Decimal(longitude) if longitude else None,
            **data,
        },
        channel=Channel.WEB,
    )
    return receipt.report
