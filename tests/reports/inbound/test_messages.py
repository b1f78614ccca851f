"""What a message says: keywords and the place code in any order, diacritics ignored;
and the short codes themselves."""

import pytest

from groups import short_codes
from reports.inbound.messages import MAX_TEXT_LENGTH, parse


@pytest.mark.parametrize(
    ("text", "tip", "code", "rest"),
    [
        ("K7M2P3 có trộm", False, "K7M2P3", "có trộm"),
        ("k7m2p3 có trộm", False, "K7M2P3", "có trộm"),
        ("TOGIAC K7M2P3 bán ma túy", True, "K7M2P3", "bán ma túy"),
        ("K7M2P3 togiac bán ma túy", True, "K7M2P3", "bán ma túy"),
        ("Tố giác K7M2P3 bán ma túy", True, "K7M2P3", "bán ma túy"),
        ("TỐGIÁC bán ma túy", True, None, "bán ma túy"),
        ("tip   K7M2P3\n\tđánh nhau", True, "K7M2P3", "đánh nhau"),
        ("TQ K7M2P3 cháy", False, "K7M2P3", "cháy"),  # the gateway's keyword
        ("có trộm K7M2P3", False, None, "có trộm K7M2P3"),  # a code only counts first
        ("TRONG ngõ có trộm", False, None, "TRONG ngõ có trộm"),  # a word, not a code
        ("222222 người", False, None, "222222 người"),  # digits only: not a code
        ("", False, None, ""),
    ],
)
def test_a_message_is_read_as_keywords_code_and_text(text, tip, code, rest):
    message = parse(text, keyword="tq")
    assert (message.tip, message.code, message.text) == (tip, code, rest)


def test_the_text_is_cut_to_its_limit_and_loses_control_characters():
    message = parse("K7M2P3 a\x00b\x1bc " + "x" * 5000)
    assert message.text.startswith("a b c ")
    assert len(message.text) == MAX_TEXT_LENGTH


def test_new_codes_mix_letters_and_digits_that_do_not_look_alike():
    for _ in range(200):
        code = short_codes.new_code()
        assert short_codes.normalized(code) == code
        assert not set(code) & set("01ILO")


@pytest.mark.parametrize(
    "text",
    ["K7M2P", "K7M2P33", "K0M2P3", "KKMMPP", "²²²²²²", "K7M2\N{FULLWIDTH LATIN CAPITAL LETTER P}3"],
)
def test_what_is_not_a_code(text):
    assert short_codes.normalized(text) is None


def test_a_place_keeps_its_code_once_given(db, unit_a1, ward_a):
    code = short_codes.short_code_for(unit_a1)
    unit_a1.refresh_from_db()
    assert short_codes.short_code_for(unit_a1) == code
    assert short_codes.area_for_code(code.lower()) == unit_a1
    assert short_codes.short_code_for(ward_a) != code
    assert short_codes.area_for_code("ZZZZ22") is None
