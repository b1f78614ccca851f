"""Names the demo (seed/) and the synthetic data (synthetic/) both use: the model
kinds as migration 0002 of groups creates them, and the parts of invented people's
names."""

# Model kinds, named as migration 0002 creates them.
DRUG_FREE = "Khu dân cư phòng, chống ma túy và tội phạm"
YOUTH_CLUB = "Câu lạc bộ Thanh niên với pháp luật"
TIP_BOX = "Hòm thư tố giác tội phạm"
CULTURAL_FAMILY = "Gia đình văn hóa, tổ an toàn, khoa phòng bình yên"
CRIME_FREE = "Khu dân cư không có tội phạm và tệ nạn xã hội"
BRIGHT_CLEAN = "Khu dân cư sáng, sạch, an toàn"
SAFE_CLUSTER = "Cụm an toàn về an ninh, trật tự"
FIVE_FAMILIES = "Tổ liên gia, 5 nhà đoàn kết"
BORDER_AND_SEA = "Tự quản bảo vệ đường biên, mốc giới, ngư trường, bến bãi"
APARTMENTS = "Tổ tự quản nhà chung cư"
MARKET = "Tổ tự quản khu chợ"
INDUSTRIAL_PARK = "Tuần tra liên kết khu công nghiệp"
MEDIATION = "Tổ hòa giải"


# Invented people: name parts combined by position, so person n is the same every run.
SURNAMES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Nguyễn", "Hoàng", "Vũ", "Phan",
    "Nguyễn", "Đặng", "Bùi", "Trần", "Đỗ", "Ngô", "Dương", "Đinh", "Lý",
]  # fmt: skip
MALE_MIDDLE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Công", "Thanh"]
MALE_GIVEN = [
    "Hùng", "Dũng", "Tuấn", "Hải", "Long", "Thắng", "Nam", "Sơn", "Cường", "Phong",
    "Toàn", "Bình", "Hòa", "Thọ", "Khánh", "Trung", "Hiếu", "Quân", "Mạnh",
]  # fmt: skip
FEMALE_MIDDLE = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Thùy"]
FEMALE_GIVEN = [
    "Lan", "Hương", "Mai", "Hạnh", "Nga", "Thủy", "Hằng", "Dung", "Linh",
    "Huyền", "Nguyệt", "Yến", "Thảo", "Hoa", "Trang", "Phương", "Loan", "Oanh",
]  # fmt: skip
