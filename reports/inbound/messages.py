"""What a resident's SMS or Zalo message says.

    [KEYWORD] [TOGIAC|TIP] [PLACE CODE] what happened

In any order at the start: the gateway's keyword (SMS_INBOUND_KEYWORD, when the
number is shared with other services), a tip keyword (an anonymous tip: no
number is kept), and the short code printed on the poster (groups/short_codes.py).
The rest is the report's text. Keywords are matched without diacritics and case,
so "Tố giác", "TOGIAC" and "to giac" are the same.
"""

import unicodedata
from dataclasses import dataclass

from groups import short_codes

MAX_TEXT_LENGTH = 2000
TIP_KEYWORDS = ("TOGIAC", "TIP", "TO GIAC")


@dataclass(frozen=True)
class Message:
    tip: bool
    code: str | None  # what stood where a code goes, normalized; it may name no place
    text: str


def plain(text: str) -> str:
    """Upper case without diacritics: "Tố giác" → "TO GIAC"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def printable(text: str) -> str:
    """`text` with control characters (NUL fails in PostgreSQL) and lone surrogates as spaces."""
    kept = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return unicodedata.normalize("NFC", kept)


def parse(text: str, *, keyword: str = "") -> Message:
    words = printable(text).split()
    keyword = plain(keyword.strip())
    tip = False
    code = None
    # The keywords and the code come first, in any order, each at most once.
    while words:
        word = plain(words[0])
        if keyword and word == keyword:
            keyword = ""
        elif not tip and word in TIP_KEYWORDS:
            tip = True
        elif not tip and len(words) > 1 and f"{word} {plain(words[1])}" in TIP_KEYWORDS:
            tip = True
            words = words[1:]
        elif code is None and short_codes.normalized(word):
            code = short_codes.normalized(word)
        else:
            break
        words = words[1:]
    return Message(tip=tip, code=code, text=" ".join(words)[:MAX_TEXT_LENGTH])
