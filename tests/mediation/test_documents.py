"""The printable documents carry the case's own data, in PDF (read back as text) and HTML.

Documents are drawn in Vietnamese; the fixed wording comes from the message
catalogue, so these tests assert on the data (names, places, terms, all with
diacritics), and on the fixed wording only in an English copy.
"""

import datetime
import io

import pytest
from pypdf import PdfReader

from mediation.documents import CASE_DOCUMENTS, case_context, render_pdf
from mediation.lifecycle import record_follow_up
from mediation.mediators import recuse_mediator
from mediation.models import Authority
from tests.mediation.cases import GUIDANCE, TERMS, fail, hold_session, succeed

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Lines wrap wherever the page ends: compare with whitespace collapsed.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def fonts(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _get_pdf(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_record_of_successful_mediation_names_the_group_parties_mediators_and_terms(
    client, dispute, head_m
):
    succeed(dispute, by=head_m)
    content = _get_pdf(client, head_m, f"/mediation/{dispute.pk}/documents/success/pdf/")
    text = pdf_text(content)
    for expected in (
        "TỔ HÒA GIẢI TDP 1",  # the issuing group, in capitals as on the form
        "PHƯỜNG HẠ LONG",
        "Hoàng Văn Ất",
        "Hoàng Thị Gấm",
        "Vũ Thị Bính",
        "Số 14 ngõ 3, Tổ dân phố 1",
        "Nguyễn Thị Lan",
        "Phạm Văn Đức",
        "Nhà văn hóa Tổ dân phố 1",
        "10/03/2025",
        "Ông Lý Văn Cường, tổ trưởng tổ dân phố",
        TERMS,
        "Tranh chấp lối đi chung giữa hai hộ liền kề",
    ):
        assert expected in text, expected
    # The Vietnamese letters are drawn with the embedded font, not left as boxes.
    assert "■" not in text
    assert any("DejaVuSerif" in name for name in fonts(content))


def test_the_record_of_unsuccessful_mediation_states_the_guidance(client, dispute, head_m):
    fail(dispute, by=head_m, authority=Authority.PEOPLES_COMMITTEE)
    text = pdf_text(
        _get_pdf(client, head_m, f"/mediation/{dispute.pk}/documents/failure/pdf/?lang=en")
    )
    assert "RECORD OF UNSUCCESSFUL MEDIATION" in text
    assert "The parties did not reach an agreement." in text
    assert "Commune/ward People's Committee" in text
    assert "UBND phường Hạ Long" in text
    assert GUIDANCE in text
    assert TERMS not in text


def test_an_english_copy_carries_the_forms_wording(client, dispute, head_m):
    succeed(dispute, by=head_m)
    text = pdf_text(
        _get_pdf(client, head_m, f"/mediation/{dispute.pk}/documents/success/pdf/?lang=en")
    )
    for expected in (
        "SOCIALIST REPUBLIC OF VIETNAM",
        "RECORD OF SUCCESSFUL MEDIATION",
        "Phường Hạ Long, day 12 month 3 year 2025",
        "SIDE 1",
        "SIDE 2",
        "MEDIATORS",
        "3 copies of equal value",
    ):
        assert expected in text, expected


def test_the_case_sheet_follows_the_case_with_its_sessions_recusal_and_follow_up(
    dispute, head_m, mediator_m1, mediator_m3
):
    recuse_mediator(
        assignment=dispute.mediators.get(member__user=mediator_m1),
        by=head_m,
        reason="Là em họ của bà Bính.",
        replacement=mediator_m3.member,
    )
    succeed(dispute, by=head_m)
    record_follow_up(
        case=dispute, by=head_m, on=datetime.date(2025, 5, 2), kept=True, note="Đã tháo dỡ."
    )
    dispute.refresh_from_db()
    context = {**case_context(dispute), "doc_date": datetime.date(2025, 5, 3)}
    text = pdf_text(
        render_pdf(template=CASE_DOCUMENTS["sheet"].template, context=context, language="en")
    )
    for expected in (
        "MEDIATION CASE SHEET",
        f"Case no. {dispute.pk}",
        "Ông Hoàng Văn Ất đề nghị",
        "Lê Thị Mai",
        "Nguyễn Thị Lan stepped aside on",
        "Là em họ của bà Bính.",
        "Hai bên trình bày ý kiến",
        "Gặp lại tại hiện trường.",
        "02/05/2025",
        "the agreement was kept",
    ):
        assert expected in text, expected


def test_the_logbook_holds_one_line_per_case_of_the_year(client, dispute, head_m):
    succeed(dispute, by=head_m)
    text = pdf_text(
        _get_pdf(
            client, head_m, f"/mediation/logbook/?group={dispute.group_id}&year=2025&format=pdf"
        )
    )
    for expected in (
        "TỔ HÒA GIẢI TDP 1",
        "03/03/2025",
        "Hoàng Văn Ất",
        "Vũ Thị Bính",
        "Nguyễn Thị Lan",
        "10/03/2025",
        "12/03/2025",
    ):
        assert expected in text, expected
    empty = pdf_text(
        _get_pdf(
            client, head_m, f"/mediation/logbook/?group={dispute.group_id}&year=2024&format=pdf"
        )
    )
    assert "Hoàng Văn Ất" not in empty


def test_the_print_page_links_the_print_stylesheet_and_its_pdf(client, dispute, head_m):
    hold_session(dispute, by=head_m)
    client.force_login(head_m)
    response = client.get(f"/mediation/{dispute.pk}/documents/sheet/", **EN)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="/static/mediation/documents.css"' in body
    assert f'href="/mediation/{dispute.pk}/documents/sheet/pdf/"' in body
    assert "Hoàng Văn Ất" in body
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["success", "failure"])
def test_an_outcome_record_exists_only_for_its_outcome(client, dispute, head_m, name):
    client.force_login(head_m)
    assert client.get(f"/mediation/{dispute.pk}/documents/{name}/").status_code == 404
    assert client.get(f"/mediation/{dispute.pk}/documents/{name}/pdf/").status_code == 404


def test_the_logbook_is_not_for_the_police_or_other_groups(client, dispute, police_a, head_n):
    for user in (police_a, head_n):
        client.force_login(user)
        response = client.get(f"/mediation/logbook/?group={dispute.group_id}&year=2025")
        assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "year=0",
        "year=-1",
        "year=10000",
        "year=99999999999999999999999",
        "year=1999",
        "year=2100",
        "year=%C2%B2",
        "year=%D9%A3",
        "group=%C2%B2&year=2025",
    ],
)
def test_the_logbook_of_a_year_out_of_range_is_not_found(client, dispute, head_m, query):
    client.force_login(head_m)
    query = query if "group=" in query else f"group={dispute.group_id}&{query}"

    assert client.get(f"/mediation/logbook/?{query}").status_code == 404
