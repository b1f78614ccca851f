import hashlib
import math
import re
import time
import unicodedata

import pytest
from argon2 import PasswordHasher, Type
from django.core.exceptions import ValidationError

from reports.receipts import (
    ALPHABET,
    check_passphrase,
    hash_passphrase,
    needs_rehash,
    new_passphrase,
    new_receipt_code,
    normalize_receipt_code,
    receipt_digests,
    validate_chosen_passphrase,
)

CODE_SHAPE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


# Receipt codes


def test_a_new_receipt_code_is_four_groups_of_four_crockford_characters():
    code = new_receipt_code()

    assert CODE_SHAPE.fullmatch(code), code
    assert not set(code) & set("ILOU")


def test_a_receipt_code_carries_80_random_bits():
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert math.log2(len(ALPHABET) ** len(new_receipt_code().replace("-", ""))) == 80

    codes = [new_receipt_code() for _ in range(200)]

    assert len(set(codes)) == 200
    # 3200 characters drawn: every symbol of the alphabet turns up.
    assert set("".join(codes).replace("-", "")) == set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    [
        "K7QF-3MZC-9TXA-W2RD",
        "k7qf-3mzc-9txa-w2rd",
        "K7QF3MZC9TXAW2RD",
        " k7qf 3mzc 9txa w2rd ",
        "K7QF\u20133MZC\u20149TXA\u2010W2RD",  # en dash, em dash, hyphen
        "\uff2b\uff17\uff31\uff26-3MZC-9TXA-W2RD",  # full-width K7QF from an Asian keyboard
    ],
)
def test_a_receipt_code_is_recognised_however_it_is_typed(typed):
    assert normalize_receipt_code(typed) == "K7QF-3MZC-9TXA-W2RD"


def test_look_alike_letters_count_as_the_digits_they_resemble():
    assert normalize_receipt_code("OIL0-oil0-ABCD-EFGH") == "0110-0110-ABCD-EFGH"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "K7QF-3MZC-9TXA",  # too short
        "K7QF-3MZC-9TXA-W2RDX",  # too long
        "K7QF-3MZC-9TXA-W2RU",  # U is not in Crockford's alphabet
        "K7QF-3MZC-9TXA-W2R!",
        "K7QF-3MZC-9TXA-W2RĐ",
        "K7QF-3MZC-9TXA-W2RD" + " " * 60,  # pasted paragraph
    ],
)
def test_text_that_cannot_be_a_receipt_code_is_not_normalised(typed):
    assert normalize_receipt_code(typed) is None


def test_a_new_receipt_code_is_already_in_normal_form():
    code = new_receipt_code()

    assert normalize_receipt_code(code) == code


def test_receipt_digests_are_stable_hex_and_do_not_depend_on_how_the_code_is_typed(settings):
    settings.SECRET_KEY_FALLBACKS = []
    code = new_receipt_code()

    digests = receipt_digests(code)

    assert len(digests) == 1
    assert re.fullmatch(r"[0-9a-f]{64}", digests[0])
    assert receipt_digests(code) == digests
    assert receipt_digests(code.lower().replace("-", " ")) == digests
    assert receipt_digests(new_receipt_code()) != digests


def test_a_receipt_digest_is_keyed_by_the_server_secret(settings):
    code = "K7QF-3MZC-9TXA-W2RD"
    settings.SECRET_KEY_FALLBACKS = []
    settings.SECRET_KEY = "first-secret-key-for-receipts-0123456789"
    under_first = receipt_digests(code)[0]

    settings.SECRET_KEY = "second-secret-key-for-receipts-0123456789"
    under_second = receipt_digests(code)[0]

    assert under_first != under_second
    # Without the secret, hashing every possible code would not find it.
    for plain in (code, code.replace("-", "")):
        assert hashlib.sha256(plain.encode()).hexdigest() not in (under_first, under_second)


def test_a_receipt_issued_before_a_secret_key_rotation_is_still_found(settings):
    code = new_receipt_code()
    settings.SECRET_KEY_FALLBACKS = []
    settings.SECRET_KEY = "old-secret-key-for-receipts-0123456789"
    stored_before_rotation = receipt_digests(code)[0]

    settings.SECRET_KEY = "new-secret-key-for-receipts-0123456789"
    settings.SECRET_KEY_FALLBACKS = ["old-secret-key-for-receipts-0123456789"]
    digests = receipt_digests(code)

    assert len(digests) == 2
    assert digests[0] != stored_before_rotation  # new receipts are stored under the new key
    assert digests[1] == stored_before_rotation


def test_digesting_text_that_is_not_a_code_fails_without_repeating_it():
    with pytest.raises(ValueError) as error:
        receipt_digests("my secret passphrase")

    assert "passphrase" not in str(error.value)


# Passphrases


def test_a_given_passphrase_is_six_groups_of_three_digits_with_over_50_bits():
    passphrase = new_passphrase()

    assert re.fullmatch(r"\d{3}( \d{3}){5}", passphrase), passphrase
    assert math.log2(10 ** len(passphrase.replace(" ", ""))) > 50
    assert len({new_passphrase() for _ in range(50)}) == 50


def test_a_passphrase_is_stored_as_an_argon2id_hash():
    encoded = hash_passphrase("mèo đen ăn cá")

    assert encoded.startswith("$argon2id$")
    assert "mèo" not in encoded
    assert needs_rehash(encoded) is False
    assert check_passphrase("mèo đen ăn cá", encoded) is True


def test_a_wrong_passphrase_does_not_match():
    encoded = hash_passphrase("mèo đen ăn cá")

    assert check_passphrase("mèo đen ăn cơm", encoded) is False
    assert check_passphrase("", encoded) is False


def test_a_passphrase_matches_however_a_phone_typed_it():
    encoded = hash_passphrase("mèo đen ăn cá")

    assert check_passphrase("Mèo đen ăn cá ", encoded)  # capitalised, trailing space
    assert check_passphrase("mèo  đen ăn  cá", encoded)
    assert check_passphrase(unicodedata.normalize("NFD", "mèo đen ăn cá"), encoded)


def test_a_given_passphrase_matches_when_typed_without_its_spaces():
    passphrase = new_passphrase()
    encoded = hash_passphrase(passphrase)

    assert check_passphrase(passphrase.replace(" ", ""), encoded)
    assert check_passphrase(passphrase.replace(" ", "-"), encoded)


@pytest.mark.parametrize("encoded", [None, "", "$argon2id$v=19$m=65536,t=3,p=4$garbage", "pbkdf2$"])
def test_a_missing_or_broken_hash_never_matches(encoded):
    assert check_passphrase("mèo đen ăn cá", encoded) is False


def test_an_argon2_hash_of_another_variant_is_not_accepted():
    argon2i = PasswordHasher(type=Type.I).hash("mèo đen ăn cá")

    assert check_passphrase("mèo đen ăn cá", argon2i) is False


def test_checking_against_a_missing_hash_takes_as_long_as_a_real_check():
    encoded = hash_passphrase("mèo đen ăn cá")
    check_passphrase("warm up", None)  # the dummy hash is made once

    started = time.perf_counter()
    check_passphrase("wrong guess", encoded)
    real = time.perf_counter() - started
    started = time.perf_counter()
    check_passphrase("wrong guess", None)
    missing = time.perf_counter() - started

    # A real Argon2 check takes tens of milliseconds; skipping it, microseconds.
    assert missing > real / 4


@pytest.mark.parametrize("passphrase", ["mèo đen ăn cá", "12345678", "482 093 755 128 820 417"])
def test_a_passphrase_of_eight_letters_or_more_may_be_chosen(passphrase):
    validate_chosen_passphrase(passphrase)


def test_a_given_passphrase_would_pass_as_a_chosen_one():
    validate_chosen_passphrase(new_passphrase())


@pytest.mark.parametrize("passphrase", ["", "mèo đen", "a b c d e f g", "        ", "1234567"])
def test_a_passphrase_under_eight_letters_is_refused(passphrase):
    with pytest.raises(ValidationError) as refused:
        validate_chosen_passphrase(passphrase)

    assert refused.value.code == "passphrase_too_short"
    assert "8" in refused.value.messages[0]


def test_an_absurdly_long_passphrase_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_chosen_passphrase("a" * 201)

    assert refused.value.code == "passphrase_too_long"


def test_an_empty_passphrase_is_never_hashed():
    with pytest.raises(ValueError):
        hash_passphrase("  ")
