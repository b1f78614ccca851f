"""Refuses passwords made of a Vietnamese word or name people pick first.

Django's CommonPasswordValidator knows the world's common passwords but none of
ours ("matkhau", "anhyeuem", "hanoi1975"). Our list (groups/data/
vietnamese-passwords.txt) holds the words; a password that is one of them once
lower-cased, stripped of diacritics, spaces, digits and punctuation is refused, so
"Mật khẩu 2024!" falls as "matkhau" does.
"""

import functools
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WORDS_FILE = Path(__file__).resolve().parent / "data" / "vietnamese-passwords.txt"


@functools.cache
def _words() -> frozenset[str]:
    lines = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(_core(line) for line in lines if line.strip() and not line.startswith("#"))


def _core(password: str) -> str:
    # đ has no decomposition; it is the one Vietnamese letter NFKD leaves whole.
    text = unicodedata.normalize("NFKD", password.lower().replace("đ", "d"))
    return "".join(char for char in text if char.isascii() and char.isalpha())


class VietnamesePasswordValidator:
    def validate(self, password, user=None):
        core = _core(password)
        if core and core in _words():
            raise ValidationError(
                _("This password is a common Vietnamese word or name with digits added."),
                code="password_too_common_vietnamese",
            )

    def get_help_text(self):
        return _("Your password can't be a common Vietnamese word or name with digits added.")
