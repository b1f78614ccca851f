"""The dispute the mediation tests share, and the steps that take it to an outcome."""

import datetime

from mediation import lifecycle
from mediation.models import Authority, MediationCase
from mediation.sessions import record_session

RECEIVED = datetime.date(2025, 3, 3)
SESSION = datetime.date(2025, 3, 10)
AGREED = datetime.date(2025, 3, 12)
TERMS = (
    "Bà Vũ Thị Bính tháo dỡ phần tường lấn lối đi trước ngày 30/4/2025; "
    "hai bên cùng giữ lối đi thông thoáng."
)
GUIDANCE = "Hướng dẫn các bên gửi đơn đến Ủy ban nhân dân phường để giải quyết theo thẩm quyền."
PARTIES = [
    {
        "side": 1,
        "full_name": "Hoàng Văn Ất",
        "birth_year": 1968,
        "address": "Số 12 ngõ 3, Tổ dân phố 1",
        "phone": "0912345678",
    },
    {"side": 1, "full_name": "Hoàng Thị Gấm", "address": "Số 12 ngõ 3, Tổ dân phố 1"},
    {
        "side": 2,
        "full_name": "Vũ Thị Bính",
        "birth_year": 1975,
        "address": "Số 14 ngõ 3, Tổ dân phố 1",
        "phone": "0987654321",
    },
]
SUMMARY = "Tranh chấp lối đi chung giữa hai hộ liền kề; bức tường xây lấn sang lối đi."


def reload(case: MediationCase) -> MediationCase:
    return MediationCase.objects.get(pk=case.pk)


def hold_session(case: MediationCase, *, by, on=SESSION):
    lifecycle.apply_action(case=case, action="start", by=by)
    return record_session(
        case=case,
        by=by,
        held_on=on,
        place="Nhà văn hóa Tổ dân phố 1",
        minutes="Hai bên trình bày ý kiến; hòa giải viên phân tích quy định về lối đi chung.",
        next_steps="Gặp lại tại hiện trường.",
        other_attendees="Ông Lý Văn Cường, tổ trưởng tổ dân phố",
        parties_present=case.parties.all(),
        mediators_present=case.mediators.active(),
    )


def succeed(case: MediationCase, *, by) -> MediationCase:
    hold_session(case, by=by)
    return lifecycle.apply_action(
        case=case, action="succeed", by=by, on=AGREED, agreement_terms=TERMS
    )


def fail(case: MediationCase, *, by, authority=Authority.PEOPLES_COMMITTEE) -> MediationCase:
    hold_session(case, by=by)
    return lifecycle.apply_action(
        case=case,
        action="fail",
        by=by,
        on=AGREED,
        authority=authority,
        authority_detail="UBND phường Hạ Long",
        guidance=GUIDANCE,
    )
