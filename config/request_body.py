"""What a request body must be before anything reads it.

- No larger than MAX_REQUEST_BODY_BYTES. Django limits only the non-file part
  of a body (DATA_UPLOAD_MAX_MEMORY_SIZE); an upload of any size would
  otherwise be read to a temporary file before the photo form refuses it. The
  declared Content-Length is enough: the body is never read and the client
  gets our 413 page. In production nginx refuses larger bodies first
  (client_max_body_size, docs/operations.md); this is the same limit without it.
- UTF-8 (or ASCII), if it names a charset at all: our pages send UTF-8 only,
  and a body declared in another charset (utf-7 decodes `+ADw-` as `<`) is
  refused with 400 instead of being decoded.
- As long as it said: a body that ends before its Content-Length (a client
  that gave up half-way through an upload) is refused with 400, instead of
  the fields that did arrive being taken for the whole form.

Errors are raised as Django's own exceptions, so that they reach our 400/413
pages (config/errors.py) and the security log the same way as Django's.
"""

import codecs

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig

ACCEPTED_CHARSETS = frozenset({"utf-8", "ascii"})


class RequestBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if length > settings.MAX_REQUEST_BODY_BYTES:
            _never_read(request)
            raise RequestDataTooBig("The request body exceeds MAX_REQUEST_BODY_BYTES.")
        charset = request.content_params.get("charset")
        if charset is not None and _codec_name(charset) not in ACCEPTED_CHARSETS:
            _never_read(request)
            raise BadRequest("The request body declares a charset other than UTF-8.")
        if length and hasattr(request, "_stream"):
            # Django reads the body through request._stream (HttpRequest.read).
            request._stream = _WholeBody(request._stream, length)
        return self.get_response(request)


def _never_read(request) -> None:
    # What reads request.POST after the refusal (DEBUG's technical error page,
    # an error report) gets it empty, as Django leaves it after a multipart
    # parse error, instead of reading the body or failing on it again.
    request._mark_post_parse_error()


def _declared_length(request) -> int:
    declared = request.META.get("CONTENT_LENGTH") or ""
    # ASCII digits only ("²".isdigit() is True); anything else Django reads as 0.
    if not (declared.isascii() and declared.isdigit()):
        return 0
    if len(declared) > 18:  # past what int() parses by default and any real body
        return settings.MAX_REQUEST_BODY_BYTES + 1
    return int(declared)


def _codec_name(charset: str) -> str:
    try:
        return codecs.lookup(charset.strip().strip('"')).name
    except LookupError:
        return ""


class _WholeBody:
    """A body stream that raises BadRequest when it ends before ``length`` bytes."""

    def __init__(self, stream, length: int):
        self._stream = stream
        self._remaining = length

    def read(self, size=-1, /):
        wanted = self._remaining if size is None or size < 0 else min(size, self._remaining)
        data = self._stream.read(wanted)
        self._remaining -= len(data)
        if len(data) < wanted:
            raise BadRequest("The request body ended before its declared length.")
        return data

    def readline(self, size=-1, /):
        line = self._stream.readline(size)
        self._remaining -= len(line)
        if not line and self._remaining > 0 and size != 0:
            raise BadRequest("The request body ended before its declared length.")
        return line

    def close(self):
        self._stream.close()
