"""Vietnam's public holidays for 2025 to 2035, and which seeded categories count working hours.

The list below is committed, so the migration needs nothing outside Django. It was
produced once with the `holidays` package (python-holidays 0.109, country "VN",
which follows Labour Code 2019 Art. 112 and the government's announced day swaps),
installed in a throwaway virtual environment, not as a dependency of this project:

    python3 -m venv hol && hol/bin/pip install holidays==0.109
    import holidays
    vi = holidays.country_holidays("VN", years=range(2025, 2036), language="vi")
    en = holidays.country_holidays("VN", years=range(2025, 2036), language="en_US")
    for day in sorted(vi): print((day.isoformat(), vi[day], en[day]))

It holds New Year's Day, the Tết break (lunar, five days around the first day of
the first lunar month), Hùng Kings' Day (10th day of the 3rd lunar month), 30 April,
1 May, 2 September with its adjacent day, Vietnam Culture Day (24 November, from
2026), days off given for a holiday on a weekend, and the days off the government
has swapped for a working Saturday. A holiday that falls on a weekend is listed
too: it changes nothing for a deadline but an administrator looking for it finds it.
For the years ahead the government announces the exact Tết break and any day
swaps later; administrators adjust the rows in the admin when it does.

Forward is idempotent (get_or_create by date keeps an administrator's edits);
reverse removes only the dates listed here.
"""

from datetime import date

from django.db import migrations

# (date, name, name in English)
HOLIDAYS = [
    # 2025
    ("2025-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2025-01-27", "29 Tết", "29 of Lunar New Year"),
    ("2025-01-28", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2025-01-29", "Tết Nguyên Đán", "Lunar New Year"),
    ("2025-01-30", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2025-01-31", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2025-02-01", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2025-04-07", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2025-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2025-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2025-05-02", "Ngày nghỉ (thay cho ngày 26/04/2025)", "Day off (substituted from 04/26/2025)"),
    ("2025-09-01", "Quốc khánh", "National Day"),
    ("2025-09-02", "Quốc khánh", "National Day"),
    # 2026
    ("2026-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2026-02-16", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2026-02-17", "Tết Nguyên Đán", "Lunar New Year"),
    ("2026-02-18", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2026-02-19", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2026-02-20", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2026-04-26", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2026-04-27", "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)", "Hung Kings' Commemoration Day (observed)"),
    ("2026-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2026-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2026-08-31", "Ngày nghỉ (thay cho ngày 22/08/2026)", "Day off (substituted from 08/22/2026)"),
    ("2026-09-01", "Quốc khánh", "National Day"),
    ("2026-09-02", "Quốc khánh", "National Day"),
    ("2026-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    # 2027
    ("2027-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2027-02-04", "29 Tết", "29 of Lunar New Year"),
    ("2027-02-05", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2027-02-06", "Tết Nguyên Đán", "Lunar New Year"),
    ("2027-02-07", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2027-02-08", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2027-02-09", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2027-02-10", "Mùng năm Tết Nguyên Đán", "Fifth Day of Lunar New Year"),
    ("2027-04-16", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2027-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2027-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2027-05-03", "Ngày Quốc tế Lao động (nghỉ bù)", "International Labor Day (observed)"),
    ("2027-09-02", "Quốc khánh", "National Day"),
    ("2027-09-03", "Quốc khánh", "National Day"),
    ("2027-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    # 2028
    ("2028-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2028-01-03", "Tết Dương lịch (nghỉ bù)", "New Year's Day (observed)"),
    ("2028-01-24", "29 Tết", "29 of Lunar New Year"),
    ("2028-01-25", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2028-01-26", "Tết Nguyên Đán", "Lunar New Year"),
    ("2028-01-27", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2028-01-28", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2028-01-29", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2028-04-04", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2028-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2028-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2028-05-02", "Ngày Chiến thắng (nghỉ bù)", "Liberation Day/Reunification Day (observed)"),
    ("2028-09-01", "Quốc khánh", "National Day"),
    ("2028-09-02", "Quốc khánh", "National Day"),
    ("2028-09-04", "Quốc khánh (nghỉ bù)", "National Day (observed)"),
    ("2028-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    # 2029
    ("2029-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2029-02-12", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2029-02-13", "Tết Nguyên Đán", "Lunar New Year"),
    ("2029-02-14", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2029-02-15", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2029-02-16", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2029-04-23", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2029-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2029-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2029-09-02", "Quốc khánh", "National Day"),
    ("2029-09-03", "Quốc khánh", "National Day"),
    ("2029-09-04", "Quốc khánh (nghỉ bù)", "National Day (observed)"),
    ("2029-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    ("2029-11-26", "Ngày Văn hóa Việt Nam (nghỉ bù)", "Vietnam Cultural Day (observed)"),
    # 2030
    ("2030-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2030-01-31", "29 Tết", "29 of Lunar New Year"),
    ("2030-02-01", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2030-02-02", "Tết Nguyên Đán", "Lunar New Year"),
    ("2030-02-03", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2030-02-04", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2030-02-05", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2030-02-06", "Mùng năm Tết Nguyên Đán", "Fifth Day of Lunar New Year"),
    ("2030-04-12", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2030-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2030-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2030-09-02", "Quốc khánh", "National Day"),
    ("2030-09-03", "Quốc khánh", "National Day"),
    ("2030-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    ("2030-11-25", "Ngày Văn hóa Việt Nam (nghỉ bù)", "Vietnam Cultural Day (observed)"),
    # 2031
    ("2031-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2031-01-21", "29 Tết", "29 of Lunar New Year"),
    ("2031-01-22", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2031-01-23", "Tết Nguyên Đán", "Lunar New Year"),
    ("2031-01-24", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2031-01-25", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2031-01-26", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2031-01-27", "Mùng năm Tết Nguyên Đán", "Fifth Day of Lunar New Year"),
    ("2031-04-01", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2031-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2031-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2031-09-01", "Quốc khánh", "National Day"),
    ("2031-09-02", "Quốc khánh", "National Day"),
    ("2031-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    # 2032
    ("2032-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2032-02-09", "29 Tết", "29 of Lunar New Year"),
    ("2032-02-10", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2032-02-11", "Tết Nguyên Đán", "Lunar New Year"),
    ("2032-02-12", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2032-02-13", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2032-02-14", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2032-04-19", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2032-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2032-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2032-05-03", "Ngày Quốc tế Lao động (nghỉ bù)", "International Labor Day (observed)"),
    ("2032-09-02", "Quốc khánh", "National Day"),
    ("2032-09-03", "Quốc khánh", "National Day"),
    ("2032-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    # 2033
    ("2033-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2033-01-03", "Tết Dương lịch (nghỉ bù)", "New Year's Day (observed)"),
    ("2033-01-30", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2033-01-31", "Tết Nguyên Đán", "Lunar New Year"),
    ("2033-02-01", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2033-02-02", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2033-02-03", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2033-02-04", "Mùng năm Tết Nguyên Đán", "Fifth Day of Lunar New Year"),
    ("2033-04-09", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2033-04-11", "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)", "Hung Kings' Commemoration Day (observed)"),
    ("2033-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2033-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2033-05-02", "Ngày Chiến thắng (nghỉ bù)", "Liberation Day/Reunification Day (observed)"),
    ("2033-05-03", "Ngày Quốc tế Lao động (nghỉ bù)", "International Labor Day (observed)"),
    ("2033-09-01", "Quốc khánh", "National Day"),
    ("2033-09-02", "Quốc khánh", "National Day"),
    ("2033-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    # 2034
    ("2034-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2034-01-02", "Tết Dương lịch (nghỉ bù)", "New Year's Day (observed)"),
    ("2034-02-17", "29 Tết", "29 of Lunar New Year"),
    ("2034-02-18", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2034-02-19", "Tết Nguyên Đán", "Lunar New Year"),
    ("2034-02-20", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2034-02-21", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2034-02-22", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2034-02-23", "Mùng năm Tết Nguyên Đán", "Fifth Day of Lunar New Year"),
    ("2034-04-28", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2034-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2034-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2034-05-02", "Ngày Chiến thắng (nghỉ bù)", "Liberation Day/Reunification Day (observed)"),
    ("2034-09-01", "Quốc khánh", "National Day"),
    ("2034-09-02", "Quốc khánh", "National Day"),
    ("2034-09-04", "Quốc khánh (nghỉ bù)", "National Day (observed)"),
    ("2034-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    # 2035
    ("2035-01-01", "Tết Dương lịch", "New Year's Day"),
    ("2035-02-06", "29 Tết", "29 of Lunar New Year"),
    ("2035-02-07", "Giao thừa Tết Nguyên Đán", "Lunar New Year's Eve"),
    ("2035-02-08", "Tết Nguyên Đán", "Lunar New Year"),
    ("2035-02-09", "Mùng hai Tết Nguyên Đán", "Second Day of Lunar New Year"),
    ("2035-02-10", "Mùng ba Tết Nguyên Đán", "Third Day of Lunar New Year"),
    ("2035-02-11", "Mùng bốn Tết Nguyên Đán", "Fourth Day of Lunar New Year"),
    ("2035-02-12", "Mùng năm Tết Nguyên Đán", "Fifth Day of Lunar New Year"),
    ("2035-04-17", "Ngày Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"),
    ("2035-04-30", "Ngày Chiến thắng", "Liberation Day/Reunification Day"),
    ("2035-05-01", "Ngày Quốc tế Lao động", "International Labor Day"),
    ("2035-09-02", "Quốc khánh", "National Day"),
    ("2035-09-03", "Quốc khánh", "National Day"),
    ("2035-09-04", "Quốc khánh (nghỉ bù)", "National Day (observed)"),
    ("2035-11-24", "Ngày Văn hóa Việt Nam", "Vietnam Cultural Day"),
    ("2035-11-26", "Ngày Văn hóa Việt Nam (nghỉ bù)", "Vietnam Cultural Day (observed)"),
]

# Low and normal categories whose groups act in office hours. Urgent and high ones
# (fights, domestic violence, drugs, theft, fire hazard, border markers) keep
# counting wall-clock time; urgent ones must (category_urgent_counts_wall_clock).
WORKING_HOURS_CATEGORIES = [
    "Cờ bạc và tệ nạn xã hội khác",
    "Giao thông và trật tự công cộng",
    "Vệ sinh, môi trường",
    "An toàn thực phẩm, trật tự kinh doanh",
    "Phản ánh về tổ tự quản hoặc thành viên của tổ",
    "Khác",
]


def seed(apps, schema_editor):
    Holiday = apps.get_model("reports", "Holiday")
    Category = apps.get_model("reports", "Category")
    for day, name, name_en in HOLIDAYS:
        Holiday.objects.get_or_create(
            date=date.fromisoformat(day), defaults={"name": name, "name_en": name_en}
        )
    # An administrator may have raised a seeded category's severity meanwhile.
    # Their deadlines become working time: one working day (450 minutes) for the
    # normal ones, three for the low ones, where the seeded wall-clock value was kept.
    working = Category.objects.filter(
        name__in=WORKING_HOURS_CATEGORIES, severity__in=["low", "normal"]
    )
    working.update(counts_working_hours=True)
    working.filter(severity="normal", deadline_minutes=1440).update(deadline_minutes=450)
    working.filter(severity="low", deadline_minutes=4320).update(deadline_minutes=1350)


def unseed(apps, schema_editor):
    Holiday = apps.get_model("reports", "Holiday")
    Holiday.objects.filter(date__in=[date.fromisoformat(row[0]) for row in HOLIDAYS]).delete()
    # The categories' switch goes with its field when 0003 is reversed.


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_business_time_and_holidays"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
