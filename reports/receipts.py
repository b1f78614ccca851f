"""Receipt codes and passphrases: how a reporter finds their report again.

Neither is stored readable, so a copy of the database does not let anyone
open a tipster's thread:

- the receipt code (80 random bits) is stored as a keyed hash (HMAC with a key
  derived from SECRET_KEY). Guessing is hopeless at 80 bits, and the hash can be
  looked up directly, which a salted password hash could not;
- a passphrase is stored as an Argon2id hash, because people choose guessable
  words and a slow hash makes trying them expensive. Its parameters come from
  settings (PASSPHRASE_ARGON2_*, at least OWASP's 19 MiB, 2 passes, 1 lane);
  a hash made with older ones is replaced when its tipster next opens the tip.

The intake stores ``receipt_digests(code)[0]`` and ``hash_passphrase(...)``;
the follow-up view looks the report up by any of ``receipt_digests(code)`` and
then calls ``check_passphrase``.
"""

import contextlib
import functools
import re
import secrets
import unicodedata

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand
# from paper survives; look-alikes typed by mistake are mapped back below.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 characters x 5 bits = 80 bits
GROUP_LENGTH = 4

_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Spaces and every kind of dash: phones turn a typed hyphen into an en dash.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
# A pasted paragraph is not a code; do not spend work on it.
_MAX_INPUT_LENGTH = 64

# Domain separation: this key is used for nothing else derived from SECRET_KEY.
_RECEIPT_KEY_SALT = "tuquan.reports.receipts.receipt_code"


def new_receipt_code() -> str:
    """A fresh code such as ``K7QF-3MZC-9TXA-W2RD``: 80 bits from ``secrets``."""
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def normalize_receipt_code(text: str) -> str | None:
    """The canonical form of a code as typed by a person, or None if it cannot be one.

    Case, spaces and dashes do not matter, and O, I and L count as 0, 1 and 1.
    """
    if len(text) > _MAX_INPUT_LENGTH:
        return None
    # NFKC turns full-width letters from an Asian keyboard into plain ones.
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not compact.isascii():
        return None
    compact = compact.upper().translate(_LOOK_ALIKES)
    if len(compact) != CODE_LENGTH or not all(char in ALPHABET for char in compact):
        return None
    return _grouped(compact)


def receipt_digests(code: str) -> list[str]:
    """Hex HMAC-SHA256 digests of ``code``, one per server secret.

    The first is made with SECRET_KEY and is the one to store; the others use
    SECRET_KEY_FALLBACKS, so receipts issued before a key rotation are still
    found. Look a report up with ``digest__in=receipt_digests(code)``.
    Raises ValueError if ``code`` is not a receipt code.
    """
    canonical = normalize_receipt_code(code)
    if canonical is None:
        # The text may be someone's secret: do not repeat it in the error.
        raise ValueError("not a receipt code")
    message = canonical.replace("-", "")
    secret_keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [
        salted_hmac(_RECEIPT_KEY_SALT, message, secret=key, algorithm="sha256").hexdigest()
        for key in secret_keys
    ]


def _grouped(compact: str) -> str:
    return "-".join(
        compact[start : start + GROUP_LENGTH] for start in range(0, len(compact), GROUP_LENGTH)
    )


# Passphrases

MIN_PASSPHRASE_LENGTH = 8
MAX_PASSPHRASE_LENGTH = 200
# Six groups of three digits: 18 random digits, log2(10**18) = 59.8 bits. Digits
# type on any phone keypad in any language, and the shape differs from a
# receipt code so the two are not mixed up.
_GIVEN_GROUPS = 6
_GIVEN_GROUP_DIGITS = 3

_ARGON2ID_PREFIX = "$argon2id$"


def _hasher() -> PasswordHasher:
    """Argon2id with the parameters of settings (PASSPHRASE_ARGON2_*; why: docs/reports.md)."""
    return _hasher_for(
        settings.PASSPHRASE_ARGON2_MEMORY_KIB,
        settings.PASSPHRASE_ARGON2_TIME_COST,
        settings.PASSPHRASE_ARGON2_PARALLELISM,
    )


@functools.lru_cache(maxsize=4)
def _hasher_for(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost,
        memory_cost=memory_kib,
        parallelism=parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


def new_passphrase() -> str:
    """A passphrase for a tipster who does not choose one, e.g. ``482 093 755 128 820 417``."""
    digit_count = _GIVEN_GROUPS * _GIVEN_GROUP_DIGITS
    digits = f"{secrets.randbelow(10**digit_count):0{digit_count}d}"
    return " ".join(
        digits[start : start + _GIVEN_GROUP_DIGITS]
        for start in range(0, digit_count, _GIVEN_GROUP_DIGITS)
    )


def validate_chosen_passphrase(passphrase: str) -> None:
    length = len(_canonical_passphrase(passphrase))
    if length < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            _("Choose a passphrase of at least %(min_length)d letters or digits."),
            code="passphrase_too_short",
            params={"min_length": MIN_PASSPHRASE_LENGTH},
        )
    if length > MAX_PASSPHRASE_LENGTH:
        raise ValidationError(
            _("Choose a passphrase of at most %(max_length)d letters or digits."),
            code="passphrase_too_long",
            params={"max_length": MAX_PASSPHRASE_LENGTH},
        )


def hash_passphrase(passphrase: str) -> str:
    """An Argon2id hash (``$argon2id$...``) of the passphrase, to store."""
    canonical = _canonical_passphrase(passphrase)
    if not canonical:
        raise ValueError("an empty passphrase cannot protect anything")
    return _hasher().hash(canonical)


def check_passphrase(passphrase: str, encoded: str | None) -> bool:
    """Whether ``passphrase`` matches the stored hash ``encoded``.

    Takes as long when ``encoded`` is None or empty (no such tip, or a tip
    without a passphrase) as when it is a real hash, so the time of an answer
    does not tell whether a tip exists.
    """
    canonical = _canonical_passphrase(passphrase)
    if not encoded or not encoded.startswith(_ARGON2ID_PREFIX):
        with contextlib.suppress(VerificationError):
            _hasher().verify(_dummy_hash(), canonical)
        return False
    try:
        return _hasher().verify(encoded, canonical)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(encoded: str) -> bool:
    """Whether a stored hash was made with other parameters than settings' (older ones).

    reports/tracking.py rehashes it when its tipster's passphrase has just matched:
    the only moment the passphrase is known.
    """
    try:
        return _hasher().check_needs_rehash(encoded)
    except InvalidHashError:
        return False


def _canonical_passphrase(passphrase: str) -> str:
    """The form that is hashed: what a person means, not how their phone typed it.

    Phones capitalise the first word, add a space after each word they
    complete, and Vietnamese keyboards compose accents in different Unicode
    forms. A tipster who cannot get back in loses their thread, and the
    receipt code already carries 80 bits, so these differences are ignored.
    """
    # Normalise again after folding: casefold() can undo a composed form.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", passphrase).casefold())
    return _SEPARATORS.sub("", folded)


def _dummy_hash() -> str:
    return _dummy_hash_for(_hasher())


@functools.lru_cache(maxsize=4)
def _dummy_hash_for(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))
