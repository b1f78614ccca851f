"""`manage.py load_areas`: the official provinces, communes, wards and special zones."""

import collections
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from groups.areas import OFFICIAL_AREAS_FILE, UnknownProvinceError, load_official_areas
from groups.models import Area, AreaKind

QUANG_NINH = "22"


def load_areas(*args: str) -> str:
    out = StringIO()
    call_command("load_areas", *args, stdout=out)
    return out.getvalue()


def tree_snapshot() -> list[tuple]:
    return list(
        Area.objects.order_by("pk").values_list("pk", "code", "name", "kind", "path", "numchild")
    )


def assert_tree_is_sound(province: Area):
    # treebeard's own check: paths, depths and child counts agree with each other.
    assert Area.objects.find_problems(parent=province) == ([], [], [], [], [])


def names_in_path_order(parent: Area) -> list[str]:
    return [unit.name for unit in Area.objects.get_children(parent)]


def names_in_database_order(parent: Area) -> list[str]:
    # treebeard compares node_order_by fields in the database, so its collation decides.
    return list(Area.objects.get_children(parent).order_by("name").values_list("name", flat=True))


def test_loading_quang_ninh_creates_its_54_communes_wards_and_special_zones(db):
    output = load_areas("--province", QUANG_NINH)

    province = Area.objects.get(code=QUANG_NINH)
    assert (province.name, province.kind, province.depth) == ("Quảng Ninh", AreaKind.PROVINCE, 1)
    units = list(Area.objects.get_children(province))
    assert len(units) == 54
    assert collections.Counter(unit.kind for unit in units) == {
        AreaKind.WARD: 30,
        AreaKind.COMMUNE: 22,
        AreaKind.SPECIAL_ZONE: 2,
    }
    by_code = {unit.code: unit for unit in units}
    assert by_code["06688"].name == "Phường Hạ Long"
    assert by_code["06994"].name == "Đặc khu Vân Đồn"
    assert by_code["06994"].kind == AreaKind.SPECIAL_ZONE
    assert by_code["06946"].kind == AreaKind.COMMUNE
    assert all(len(code) == 5 for code in by_code)
    assert Area.objects.count() == 55
    assert output.strip() == ("Official areas of 1 province: 55 created, 0 updated, 0 unchanged.")


def test_units_are_kept_in_name_order_as_treebeard_expects(db):
    load_areas("--province", QUANG_NINH)

    province = Area.objects.get(code=QUANG_NINH)
    assert names_in_path_order(province) == names_in_database_order(province)
    assert_tree_is_sound(province)


def test_a_second_run_changes_nothing(db):
    load_areas("--province", QUANG_NINH)
    before = tree_snapshot()

    output = load_areas("--province", QUANG_NINH)

    assert tree_snapshot() == before
    assert "0 created, 0 updated, 55 unchanged" in output


def test_a_unit_renamed_in_the_data_is_updated_in_place_and_keeps_its_residential_units(
    db, tmp_path
):
    load_official_areas(province_codes=[QUANG_NINH])
    ha_long = Area.objects.get(code="06688")
    street = Area.objects.add_child(
        ha_long, create_kwargs={"name": "Khu phố 1", "kind": AreaKind.NEIGHBOURHOOD}
    )
    provinces = json.loads(OFFICIAL_AREAS_FILE.read_text(encoding="utf-8"))
    quang_ninh = next(p for p in provinces if p["code"] == QUANG_NINH)
    renamed = next(w for w in quang_ninh["wards"] if w["code"] == "06688")
    renamed["name"] = "Phường An Bình"  # from among the H's to among the A's: the ward moves
    modified = tmp_path / "areas.json"
    modified.write_text(json.dumps(provinces, ensure_ascii=False), encoding="utf-8")

    result = load_official_areas(province_codes=[QUANG_NINH], path=modified)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 54)
    assert Area.objects.count() == 56
    ward = Area.objects.get(code="06688")
    assert ward.pk == ha_long.pk
    assert ward.name == "Phường An Bình"
    assert ward.path < ha_long.path
    province = Area.objects.get(code=QUANG_NINH)
    assert names_in_path_order(province) == names_in_database_order(province)
    assert list(Area.objects.within(ward)) == [ward, street]
    assert_tree_is_sound(province)


def test_a_unit_changed_in_the_database_is_set_back_not_duplicated(db):
    load_areas("--province", QUANG_NINH)
    van_don = Area.objects.get(code="06994")
    Area.objects.filter(pk=van_don.pk).update(name="Zz Vân Đồn", kind=AreaKind.COMMUNE)
    province = Area.objects.get_parent(van_don)
    Area.objects.move(Area.objects.get(pk=van_don.pk), province, "sorted-child")
    count = Area.objects.count()

    output = load_areas("--province", QUANG_NINH)

    assert "0 created, 1 updated, 54 unchanged" in output
    assert Area.objects.count() == count
    van_don = Area.objects.get(code="06994")
    assert (van_don.name, van_don.kind) == ("Đặc khu Vân Đồn", AreaKind.SPECIAL_ZONE)
    assert names_in_path_order(province) == names_in_database_order(province)
    assert_tree_is_sound(province)


def test_all_loads_the_34_provinces_and_3321_units(db):
    load_areas("--province", QUANG_NINH)  # one province already there is kept, not doubled

    output = load_areas("--all")

    assert Area.objects.provinces().count() == 34
    assert Area.objects.communes().count() == 3321
    assert "3300 created, 0 updated, 55 unchanged" in output
    assert Area.objects.get(code="01").kind == AreaKind.CITY
    roots = list(Area.objects.get_root_nodes().values_list("name", flat=True))
    assert roots == list(Area.objects.provinces().order_by("name").values_list("name", flat=True))
    # Every province counts its own units (a full find_problems is a query per node).
    assert sum(Area.objects.provinces().values_list("numchild", flat=True)) == 3321
    for province in Area.objects.provinces().filter(code__in=["01", QUANG_NINH, "96"]):
        assert province.numchild == Area.objects.within(province).communes().count()
        assert names_in_path_order(province) == names_in_database_order(province)


def test_several_provinces_can_be_named(db):
    output = load_areas("--province", QUANG_NINH, "--province", "1")

    assert set(Area.objects.provinces().values_list("code", flat=True)) == {"01", QUANG_NINH}
    assert output.startswith("Official areas of 2 provinces:")


def test_an_unknown_province_code_is_an_error_naming_it_and_loads_nothing(db):
    with pytest.raises(CommandError, match="Unknown province code: 99"):
        load_areas("--province", QUANG_NINH, "--province", "99")

    assert not Area.objects.exists()
    with pytest.raises(UnknownProvinceError):
        load_official_areas(province_codes=["abc"])


def test_the_command_asks_for_a_province_or_all(db):
    with pytest.raises(CommandError, match="--province"):
        call_command("load_areas")


def test_a_subtree_is_one_query(db, django_assert_num_queries):
    load_areas("--province", QUANG_NINH)
    ward = Area.objects.get(code="06673")
    units = [
        Area.objects.add_child(ward, create_kwargs={"name": name, "kind": AreaKind.QUARTER})
        for name in ("Khu 1", "Khu 2")
    ]
    neighbour = Area.objects.get(code="06688")
    Area.objects.add_child(neighbour, create_kwargs={"name": "Khu 1", "kind": AreaKind.QUARTER})

    with django_assert_num_queries(1):
        subtree = list(Area.objects.within(ward))

    assert subtree == [ward, *units]


def test_a_unit_found_under_another_province_is_moved_back(db):
    load_areas("--province", QUANG_NINH, "--province", "01")
    ha_long = Area.objects.get(code="06688")
    Area.objects.move(ha_long, Area.objects.get(code="01"), "sorted-child")

    output = load_areas("--province", QUANG_NINH)

    assert "0 created, 1 updated, 54 unchanged" in output
    province = Area.objects.get(code=QUANG_NINH)
    assert Area.objects.get_parent(Area.objects.get(code="06688")) == province
    assert province.numchild == 54
    assert Area.objects.get(code="01").numchild == Area.objects.get_children_count(
        Area.objects.get(code="01")
    )
    assert names_in_path_order(province) == names_in_database_order(province)
