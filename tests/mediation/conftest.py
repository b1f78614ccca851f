"""The mediation cast, on top of tests/conftest.py.

Group M is the mediation group of unit A1 (ward A); group N that of unit B1 (ward B).
Who may read a case of group M (``MediationCase.objects.visible_to``):

- ``head_m``: head of group M (role and leader); reads and runs every case of M.
- ``mediator_m1``, ``mediator_m2``: mediators of M, on ``dispute``'s case; read and run it.
- ``mediator_m3``: a mediator of M not on the case; reads it (a mediator of the group),
  may not run it; the replacement when someone steps aside.
- ``plain_m``: a member of M who is not a mediator; reads nothing.
- ``head_n``: head of group N in ward B; reads nothing of M.
- From tests/conftest.py: ``leader_x`` (five-family group X in ward A) reads nothing;
  ``police_a`` counts M's cases and reads one only once it is referred to the police;
  ``police_b`` neither; ``province_admin`` everything; ``anonymous`` nothing.
"""

import datetime

import pytest
from django.utils import translation

from groups.models import Member, Membership, ModelType, SelfManagementGroup, User
from mediation.intake import open_case
from mediation.models import DisputeKind, Origin
from tests.mediation.cases import PARTIES, RECEIVED, SUMMARY


@pytest.fixture(autouse=True)
def _english_messages():
    """Domain messages asserted on are the English source strings, whichever catalogues
    are compiled; pages choose their language from the request, as they do live."""
    with translation.override("en"):
        yield


@pytest.fixture
def mediation_kind(seeded):
    return ModelType.objects.get(name="Tổ hòa giải", is_mediation=True)


@pytest.fixture
def group_m(ward_a, unit_a1, mediation_kind):
    group = SelfManagementGroup.objects.create(
        name="Tổ hòa giải TDP 1", ward=ward_a, unit=unit_a1, founded=datetime.date(2019, 1, 1)
    )
    group.model_types.add(mediation_kind)
    return group


@pytest.fixture
def group_n(ward_b, unit_b1, mediation_kind):
    group = SelfManagementGroup.objects.create(
        name="Tổ hòa giải Đồng Mỏ", ward=ward_b, unit=unit_b1
    )
    group.model_types.add(mediation_kind)
    return group


def person(group, username, full_name, *, mediator=True, head=False) -> User:
    user = User.objects.create_user(username=username, password="pw")
    member = Member.objects.create(full_name=full_name, user=user, is_mediator=mediator)
    Membership.objects.create(
        member=member,
        group=group,
        role=Membership.Role.MEDIATION_HEAD if head else Membership.Role.VOLUNTEER,
        is_leader=head,
        started=datetime.date(2020, 1, 1),
    )
    return user


@pytest.fixture
def head_m(group_m):
    return person(group_m, "head_m", "Trần Văn Hùng", head=True)


@pytest.fixture
def mediator_m1(group_m):
    return person(group_m, "mediator_m1", "Nguyễn Thị Lan")


@pytest.fixture
def mediator_m2(group_m):
    return person(group_m, "mediator_m2", "Phạm Văn Đức")


@pytest.fixture
def mediator_m3(group_m):
    return person(group_m, "mediator_m3", "Lê Thị Mai")


@pytest.fixture
def plain_m(group_m):
    return person(group_m, "plain_m", "Đỗ Văn Nam", mediator=False)


@pytest.fixture
def head_n(group_n):
    return person(group_n, "head_n", "Bùi Thị Hạnh", head=True)


@pytest.fixture
def dispute(group_m, head_m, mediator_m1, mediator_m2):
    """A received case of group M: two sides, mediators m1 and m2, no session yet."""
    return open_case(
        group=group_m,
        by=head_m,
        kind=DisputeKind.NEIGHBOURS,
        summary=SUMMARY,
        origin=Origin.PARTY_REQUEST,
        origin_detail="Ông Hoàng Văn Ất đề nghị",
        received_on=RECEIVED,
        parties=PARTIES,
        mediators=[mediator_m1.member, mediator_m2.member],
    )
