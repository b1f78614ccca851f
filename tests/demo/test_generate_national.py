"""`manage.py generate_data --national`: the whole country, at a tiny scale factor."""

import datetime
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import translation

from demo.management.commands.generate_data import NATIONAL_GROUPS, NATIONAL_REPORTS
from demo.synthetic.groups import MARK, UNIT_CODE_PREFIX, UNITS_PER_WARD
from demo.synthetic.mediation import REPORTS_PER_CASE
from groups.areas import read_official_units
from groups.models import Area, PoliceContact, SelfManagementGroup, User
from mediation.models import MediationCase
from reports.models import Report, RoutingSummary
from tests.demo.test_generate_data import _seed_what_migrations_seed

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
SCALE = 0.0002  # 20 groups and 2,000 reports over every commune and ward


# Every commune and ward of the country, each with its police login: minutes of
# work, so it runs with the other long runs (`make test-scale`).
@pytest.mark.scale
@pytest.mark.django_db
def test_the_national_preset_fills_every_province_in_proportion():
    _seed_what_migrations_seed()
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        call_command("generate_data", "--national", f"--scale={SCALE}", stdout=StringIO())

    official = read_official_units()
    assert len(official) == 34
    wards = Area.objects.filter(depth=2)
    assert Area.objects.filter(depth=1).count() == 34
    assert wards.count() == sum(len(province.units) for province in official)
    assert wards.count() == 3321
    units = Counter(
        path[: 2 * Area.steplen]
        for path in Area.objects.filter(code__startswith=UNIT_CODE_PREFIX).values_list(
            "path", flat=True
        )
    )
    low, high = UNITS_PER_WARD
    assert set(units) == set(wards.values_list("path", flat=True))
    assert all(low <= count <= high for count in units.values())
    # Every commune/ward has its police login, every province its duty desk.
    assert User.objects.filter(role=User.Role.WARD_POLICE).count() == 3321
    assert PoliceContact.objects.filter(area__depth=1).values("area").distinct().count() == 34

    assert SelfManagementGroup.objects.filter(notes=MARK).count() == round(NATIONAL_GROUPS * SCALE)
    assert Report.objects.count() == round(NATIONAL_REPORTS * SCALE)
    assert MediationCase.objects.count() == round(NATIONAL_REPORTS * SCALE) // REPORTS_PER_CASE
    provinces_with_reports = {
        path[: Area.steplen] for path in Report.objects.values_list("ward__path", flat=True)
    }
    assert len(provinces_with_reports) == 34
    # The summary the dashboard reads was counted after the load.
    assert (
        RoutingSummary.objects.exists() == Report.objects.filter(assignments__isnull=False).exists()
    )


@pytest.mark.django_db
def test_a_scale_factor_out_of_range_is_refused():
    with pytest.raises(CommandError):
        call_command("generate_data", "--national", "--scale=0", stdout=StringIO())
