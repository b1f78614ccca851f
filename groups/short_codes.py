"""Short codes for places: what a resident types in an SMS or Zalo message.

A poster prints its place's code (a commune/ward's or a residential unit's);
a message that starts with it files the report there (reports/inbound/).
Codes are six characters from letters and digits that do not look alike on a
phone screen (no 0/O, 1/I/L), with at least one digit and one letter, so that
no Vietnamese word typed without diacritics ("TRONG", "NGUOI") is ever one.
A place gets its code the first time its poster is printed; it never changes,
since posters already hang in the street.
"""

import secrets

from django.db import IntegrityError, transaction

from groups.models import Area

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
_DIGITS = set("23456789")


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if _DIGITS & set(code) and set(code) - _DIGITS:
            return code


def normalized(text: str) -> str | None:
    """`text` as a code (upper case), or None when it cannot be one."""
    candidate = text.strip().upper()
    if len(candidate) != LENGTH or not candidate.isascii():
        return None
    if any(ch not in ALPHABET for ch in candidate):
        return None
    if not (_DIGITS & set(candidate)) or not (set(candidate) - _DIGITS):
        return None
    return candidate


def short_code_for(area: Area) -> str:
    """The area's code, given one now if it has none (a conditional UPDATE)."""
    if area.short_code:
        return area.short_code
    for _attempt in range(10):
        code = new_code()
        try:
            with transaction.atomic():
                Area.objects.filter(pk=area.pk, short_code__isnull=True).update(short_code=code)
        except IntegrityError:
            continue  # another place holds this code: draw again
        break
    area.short_code = Area.objects.values_list("short_code", flat=True).get(pk=area.pk)
    return area.short_code


def area_for_code(text: str) -> Area | None:
    """The commune/ward or residential unit whose code `text` is, or None."""
    code = normalized(text)
    if code is None:
        return None
    return Area.objects.filter(short_code=code, depth__in=(2, 3)).first()
