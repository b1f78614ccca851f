"""What a group document's file may be: the formats a group keeps its conventions,
handbooks and scenarios in, up to MAX_DOCUMENT_BYTES.

The model field's validator, so that the admin's upload and the API's are held to
the same rule. A new file must also begin as its format does: a page of HTML named
``quy-uoc.pdf`` would otherwise be served to every member who downloads it.
"""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
_ZIP = b"PK\x03\x04"
# The formats, by suffix, and how a file of each begins (None: plain text, checked
# as UTF-8 instead).
FORMATS = {
    ".pdf": b"%PDF-",
    ".docx": _ZIP,
    ".odt": _ZIP,
    ".xlsx": _ZIP,
    ".doc": b"\xd0\xcf\x11\xe0",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".txt": None,
}


def check_document_file(file) -> None:
    suffix = PurePath(file.name or "").suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            _("Upload a PDF, Word, OpenDocument, Excel, JPEG, PNG or text file."),
            code="format",
        )
    if getattr(file, "_committed", False):
        return  # a file stored before, not a new upload
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is larger than %(limit)s."),
            code="size",
            params={"limit": filesizeformat(MAX_DOCUMENT_BYTES)},
        )
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    signature = FORMATS[suffix]
    if signature is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the head is still text.
            if error.start < len(head) - 3:
                raise _not_what_it_says(suffix) from error
    elif not head.startswith(signature):
        raise _not_what_it_says(suffix)


def _not_what_it_says(suffix: str) -> ValidationError:
    return ValidationError(
        _("This file is not a %(format)s file inside, whatever its name says."),
        code="content",
        params={"format": suffix[1:].upper()},
    )
