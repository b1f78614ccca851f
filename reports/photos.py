"""Make an uploaded photo safe to keep.

Photos can carry the reporter's GPS position and the phone's make and serial
in their metadata, and the reporter's identity is the most sensitive thing we
hold. So nothing of the upload is kept except its pixels: the file is decoded
and re-encoded from scratch, and the new file gets a random name.

The report intake calls ``clean_photo`` for every photo before saving it to
``reports.storage.report_photo_storage``.
"""

import contextlib
import io
import secrets
import struct
import zlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_BYTES = 10 * 1024 * 1024
# 40 megapixels is more than any phone camera gives, and at 4 bytes a pixel a
# decoded photo stays under 160 MB of memory in the web process.
MAX_PIXELS = 40_000_000

# Pillow format name -> (format to save as, file extension). MPO is what Pillow
# calls a JPEG from a phone that stores a second picture (depth map, preview)
# after the first; only the first picture is kept.
_ACCEPTED = {
    "JPEG": ("JPEG", "jpg"),
    "MPO": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
}
_PILLOW_FORMATS = ["JPEG", "PNG", "WEBP"]

# The first bytes of the accepted kinds: a file that starts like one but that
# Pillow cannot open is damaged rather than not an image (Pillow reads a whole
# WebP file when opening it, so a truncated one fails there).
_ACCEPTED_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")

# Other image kinds are recognised by their first bytes only, never handed to a
# decoder: this just lets us tell the reporter which kind of file to send.
_OTHER_IMAGE_SIGNATURES = (
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"\x00\x00\x01\x00",  # ICO
    b"8BPS",  # Photoshop
)
# HEIC (iPhone photos) and AVIF: an ISO media file whose brand names the kind.
_ISO_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif"}

# What Pillow's decoders raise on hostile or broken input. Image.open turns most
# of them into UnidentifiedImageError (an OSError); load() raises OSError for a
# truncated file and the others for corrupt data inside it.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error, zlib.error)

_ERRORS = {
    "too_large": _("The photo is larger than %(limit)s MB. Please send a smaller photo."),
    "not_an_image": _("This file is not a photo. Please send a JPEG, PNG or WebP image."),
    "unsupported_format": _(
        "This kind of image is not accepted. Please send the photo as JPEG, PNG or WebP."
    ),
    "too_many_pixels": _(
        "The photo is too big (more than %(limit)s megapixels). Please send a smaller photo."
    ),
    "damaged": _("The photo could not be read; the file may be damaged. Please try another one."),
}


_LIMITS = {"too_large": MAX_BYTES // (1024 * 1024), "too_many_pixels": MAX_PIXELS // 1_000_000}


def _refuse(code: str) -> ValidationError:
    params = {"limit": _LIMITS[code]} if code in _LIMITS else None
    return ValidationError(_ERRORS[code], code=code, params=params)


def clean_photo(*, upload: UploadedFile) -> ContentFile:
    """Return a metadata-free copy of ``upload`` under a random file name.

    Raises ValidationError with code ``too_large``, ``not_an_image``,
    ``unsupported_format``, ``too_many_pixels`` or ``damaged``. The file name and
    the declared content type of the upload are ignored: only what Pillow finds
    in the bytes counts. Global Pillow settings are left alone.
    """
    data = _read_at_most(upload, limit=MAX_BYTES)
    with _open(data) as image:
        save_as, extension = _ACCEPTED[image.format]
        _decode_upright(image)
        pixels_only = _pixels_only(image, save_as=save_as)
    output = io.BytesIO()
    pixels_only.save(output, format=save_as, **_SAVE_OPTIONS[save_as])
    return ContentFile(output.getvalue(), name=f"{secrets.token_urlsafe(16)}.{extension}")


def _read_at_most(upload: UploadedFile, *, limit: int) -> bytes:
    # One byte more than the limit tells an oversized file from one exactly at
    # it, without ever holding more than that in memory.
    upload.seek(0)
    chunks = []
    remaining = limit + 1
    while remaining > 0:
        chunk = upload.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise _refuse("too_large")
    return b"".join(chunks)


def _open(data: bytes) -> Image.Image:
    """Identify the image and check its size; nothing is decoded yet."""
    try:
        image = Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own global guard (Image.MAX_IMAGE_PIXELS) fired first: it
        # raises above twice its limit, and warns above it, which is an error
        # wherever warnings are turned into errors.
        raise _refuse("too_many_pixels") from None
    except _DECODE_ERRORS:
        raise _refuse(_why_unreadable(data)) from None
    # Our own limit, checked from the header before a single pixel is decoded,
    # so it holds whatever other code does with Image.MAX_IMAGE_PIXELS.
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise _refuse("too_many_pixels")
    return image


def _why_unreadable(data: bytes) -> str:
    if data.startswith(_ACCEPTED_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "damaged"
    if data.startswith(_OTHER_IMAGE_SIGNATURES):
        return "unsupported_format"
    if data[4:8] == b"ftyp" and data[8:12] in _ISO_IMAGE_BRANDS:
        return "unsupported_format"
    return "not_an_image"


def _decode_upright(image: Image.Image) -> None:
    try:
        # Reads the whole first frame; a truncated file fails here, because
        # Pillow's LOAD_TRUNCATED_IMAGES is off (its default).
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("too_many_pixels") from None
    except _DECODE_ERRORS:
        raise _refuse("damaged") from None
    # Phones store the picture sideways and say so in EXIF; once the metadata
    # is gone the turn must already be in the pixels. In place: a 40-megapixel
    # photo should not be copied more than needed. A broken EXIF block is
    # thrown away below anyway; it should not cost the reporter their photo.
    with contextlib.suppress(*_DECODE_ERRORS):
        ImageOps.exif_transpose(image, in_place=True)


def _pixels_only(image: Image.Image, *, save_as: str) -> Image.Image:
    """A new image holding the same pixels and nothing else.

    A fresh Image has an empty ``info``, so no EXIF, GPS, XMP, ICC profile,
    text chunk or comment can ride along into the saved file.
    """
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit greyscale PNG: scale to 8 bits instead of clipping to white.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    keep_alpha = save_as != "JPEG" and image.has_transparency_data
    mode = "RGBA" if keep_alpha else "RGB"
    converted = image if image.mode == mode else image.convert(mode)
    fresh = Image.new(mode, converted.size)
    fresh.paste(converted)
    return fresh


_SAVE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True},
    "PNG": {},
    "WEBP": {"quality": 85},
}
