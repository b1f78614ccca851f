"""Photos keep their pixels and lose everything else; anything odd is refused.

Every image here is made with Pillow in the test, metadata included, so each
assertion that a marker is gone is preceded by one that it was there.
"""

import io
import stat
import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from reports.photos import MAX_BYTES, clean_photo
from reports.storage import report_photo_storage

XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">tuquan-xmp-marker</x:xmpmeta>'
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F

# Byte strings that betray metadata in any of the three formats: EXIF and
# its GPS values, XMP, ICC profiles, PNG text and EXIF chunks, WebP chunks.
METADATA_MARKERS = [
    b"Exif",
    b"EXIF",
    b"TuquanCam",
    b"WGS-84",
    b"tuquan-xmp-marker",
    b"tuquan-text-marker",
    b"tuquan-comment-marker",
    b"ICC_PROFILE",
    b"iCCP",
    b"ICCP",
    b"tEXt",
    b"iTXt",
    b"zTXt",
    b"eXIf",
    b"XMP ",
]
# What Pillow reports about a file it wrote from bare pixels.
STRUCTURAL_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "loop", "background"}


def _exif_with_gps(*, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE] = "TuquanCam"
    exif[ORIENTATION] = orientation
    # Hạ Long, to the metre: exactly what must never leave the reporter's phone.
    exif[GPS_IFD] = {
        1: "N",
        2: (20.0, 57.0, 5.5),
        3: "E",
        4: (107.0, 4.0, 48.25),
        18: "WGS-84",
    }
    return exif


def _encode(image: Image.Image, image_format: str, **options) -> bytes:
    output = io.BytesIO()
    image.save(output, image_format, **options)
    return output.getvalue()


def _noise(size=(64, 48)) -> Image.Image:
    # Noise does not compress, so a cut file really lacks pixel data.
    return Image.effect_noise(size, 64).convert("RGB")


def _upload(content: bytes, *, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _refusal_code(content: bytes, **upload_options) -> str:
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload=_upload(content, **upload_options))
    return refused.value.code


def _assert_pixels_only(cleaned: bytes) -> Image.Image:
    for marker in METADATA_MARKERS:
        assert marker not in cleaned, marker
    image = Image.open(io.BytesIO(cleaned))
    assert set(image.info) <= STRUCTURAL_INFO
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    return image


def test_jpeg_loses_exif_gps_xmp_icc_and_comment():
    original = _encode(
        _noise(),
        "JPEG",
        exif=_exif_with_gps(),
        xmp=XMP,
        icc_profile=ICC,
        comment="tuquan-comment-marker",
    )
    assert all(marker in original for marker in (b"WGS-84", b"tuquan-xmp-marker", b"ICC_PROFILE"))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)[18] == "WGS-84"

    cleaned = clean_photo(upload=_upload(original))

    image = _assert_pixels_only(cleaned.read())
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert cleaned.name.endswith(".jpg")


def test_png_loses_text_xmp_exif_and_icc_chunks():
    chunks = PngImagePlugin.PngInfo()
    chunks.add_text("Comment", "tuquan-text-marker")
    chunks.add_itxt("XML:com.adobe.xmp", XMP.decode())
    original = _encode(_noise(), "PNG", pnginfo=chunks, exif=_exif_with_gps(), icc_profile=ICC)
    assert {"Comment", "XML:com.adobe.xmp", "exif", "icc_profile"} <= set(
        Image.open(io.BytesIO(original)).info
    )

    cleaned = clean_photo(upload=_upload(original, name="photo.png", content_type="image/png"))

    image = _assert_pixels_only(cleaned.read())
    assert image.format == "PNG"
    assert cleaned.name.endswith(".png")


def test_webp_loses_exif_xmp_and_icc_chunks():
    original = _encode(_noise(), "WEBP", exif=_exif_with_gps(), xmp=XMP, icc_profile=ICC)
    assert {"exif", "xmp", "icc_profile"} <= set(Image.open(io.BytesIO(original)).info)

    cleaned = clean_photo(upload=_upload(original, name="photo.webp", content_type="image/webp"))

    image = _assert_pixels_only(cleaned.read())
    assert image.format == "WEBP"
    assert cleaned.name.endswith(".webp")


def test_the_pixels_survive_cleaning():
    original = Image.new("RGB", (40, 30), (200, 30, 40))

    cleaned = clean_photo(upload=_upload(_encode(original, "PNG"), name="a.png"))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.size == (40, 30)
    assert image.getpixel((20, 15)) == (200, 30, 40)


def test_a_sideways_phone_photo_is_turned_upright_and_loses_its_orientation_tag():
    # Stored 80x40 with red on the left and "rotate 90 degrees clockwise to
    # display" (orientation 6), as a phone held upright writes it.
    sideways = Image.new("RGB", (80, 40), "blue")
    sideways.paste((255, 0, 0), (0, 0, 40, 40))
    original = _encode(sideways, "JPEG", exif=_exif_with_gps(orientation=6))

    cleaned = clean_photo(upload=_upload(original))

    image = _assert_pixels_only(cleaned.read())
    assert image.size == (40, 80)
    top_red, _, top_blue = image.getpixel((20, 10))
    bottom_red, _, bottom_blue = image.getpixel((20, 70))
    assert top_red > 200 and top_blue < 60
    assert bottom_blue > 200 and bottom_red < 60
    assert ORIENTATION not in image.getexif()


def test_the_kind_of_image_is_read_from_the_bytes_not_the_name_or_declared_type():
    original = _encode(_noise(), "PNG")

    cleaned = clean_photo(upload=_upload(original, name="photo.jpg", content_type="image/jpeg"))

    assert Image.open(io.BytesIO(cleaned.read())).format == "PNG"
    assert cleaned.name.endswith(".png")


def test_every_cleaned_photo_gets_a_new_random_name():
    original = _encode(_noise(), "JPEG")

    names = {clean_photo(upload=_upload(original, name="IMG_2024_home.jpg")).name for _ in range(3)}

    assert len(names) == 3
    assert not any("IMG" in name or "home" in name for name in names)
    assert all(len(name.removesuffix(".jpg")) >= 20 for name in names)


def test_a_phone_jpeg_with_a_second_picture_keeps_only_the_first():
    first, second = Image.new("RGB", (30, 20), "red"), Image.new("RGB", (10, 10), "blue")
    original = _encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(original)).format == "MPO"

    cleaned = clean_photo(upload=_upload(original))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (30, 20), 1)
    assert cleaned.name.endswith(".jpg")


def test_an_animated_webp_keeps_only_its_first_frame():
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "blue", "green")]
    original = _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])

    cleaned = clean_photo(upload=_upload(original, name="a.webp"))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert getattr(image, "n_frames", 1) == 1
    red, _, blue = image.convert("RGB").getpixel((8, 8))
    assert red > 200 and blue < 60


def test_a_png_keeps_its_transparency():
    original = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    original.paste((0, 128, 0, 255), (0, 0, 5, 10))

    cleaned = clean_photo(upload=_upload(_encode(original, "PNG"), name="a.png"))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.mode == "RGBA"
    assert image.getpixel((2, 5)) == (0, 128, 0, 255)
    assert image.getpixel((8, 5))[3] == 0


def test_a_16_bit_greyscale_png_keeps_its_grey_instead_of_turning_white():
    original = Image.new("I;16", (8, 8), 40000)  # 40000 / 65535 is about 61 % grey

    cleaned = clean_photo(upload=_upload(_encode(original, "PNG"), name="a.png"))

    red, green, blue = Image.open(io.BytesIO(cleaned.read())).getpixel((4, 4))
    assert 150 <= red <= 160 and red == green == blue


def test_a_cmyk_jpeg_is_saved_as_rgb():
    original = Image.new("CMYK", (8, 8), (0, 255, 255, 0))  # pure red in print colours

    cleaned = clean_photo(upload=_upload(_encode(original, "JPEG")))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((4, 4))
    assert red > 200 and green < 60 and blue < 60


def test_a_text_file_named_like_a_photo_is_not_an_image():
    assert _refusal_code(b"Hello, this is not a photo at all.\n" * 10) == "not_an_image"


def test_an_empty_file_is_not_an_image():
    assert _refusal_code(b"") == "not_an_image"


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF"])
def test_other_kinds_of_image_are_refused_as_unsupported(image_format):
    original = _encode(Image.new("RGB", (10, 10), "red"), image_format)

    assert _refusal_code(original) == "unsupported_format"


def test_an_iphone_heic_photo_is_refused_as_unsupported():
    # The start of a HEIC file: a box size, then "ftyp" and the "heic" brand.
    heic_start = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64

    assert _refusal_code(heic_start) == "unsupported_format"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_a_truncated_photo_is_refused_as_damaged(image_format):
    whole = _encode(_noise((256, 256)), image_format)

    assert _refusal_code(whole[: len(whole) * 2 // 3]) == "damaged"


def test_a_decompression_bomb_is_refused_and_pillows_global_limit_is_left_alone():
    limit_before = Image.MAX_IMAGE_PIXELS
    # 400 megapixels that compress to about 50 KB.
    bomb = _encode(Image.new("1", (20000, 20000)), "PNG")
    assert len(bomb) < 100_000

    assert _refusal_code(bomb, name="bomb.png") == "too_many_pixels"
    assert limit_before == Image.MAX_IMAGE_PIXELS


def test_an_image_over_40_megapixels_is_refused_although_pillow_would_allow_it():
    big = _encode(Image.new("1", (8000, 6000)), "PNG")  # 48 megapixels
    assert Image.MAX_IMAGE_PIXELS > 8000 * 6000

    assert _refusal_code(big, name="big.png") == "too_many_pixels"


@pytest.mark.parametrize("warning_filter", ["ignore", "error"])
def test_an_image_where_pillow_only_warns_is_refused_whatever_the_warning_filter(
    warning_filter,
):
    # 100 megapixels: above Pillow's warning limit, below its error limit.
    huge = _encode(Image.new("1", (10000, 10000)), "PNG")
    assert Image.MAX_IMAGE_PIXELS < 10000 * 10000 < 2 * Image.MAX_IMAGE_PIXELS

    with warnings.catch_warnings():
        warnings.simplefilter(warning_filter, Image.DecompressionBombWarning)
        assert _refusal_code(huge, name="huge.png") == "too_many_pixels"


def test_a_photo_of_exactly_10_mb_is_accepted():
    png = _encode(_noise(), "PNG")
    # Pillow ignores bytes after the end of a PNG; they only make it heavy.
    padded = png + b"\x00" * (MAX_BYTES - len(png))

    cleaned = clean_photo(upload=_upload(padded, name="a.png"))

    assert Image.open(io.BytesIO(cleaned.read())).size == (64, 48)


def test_a_photo_one_byte_over_10_mb_is_refused_as_too_large():
    png = _encode(_noise(), "PNG")
    padded = png + b"\x00" * (MAX_BYTES + 1 - len(png))

    assert _refusal_code(padded, name="a.png") == "too_large"


def test_an_11_mb_upload_on_disk_is_refused_as_too_large():
    # A sparse temporary file, as Django keeps large uploads: 11 MB long
    # without 11 MB ever being written or built in memory.
    upload = TemporaryUploadedFile("big.jpg", "image/jpeg", 11 * 1024 * 1024, None)
    upload.write(_encode(_noise(), "JPEG"))
    upload.truncate(11 * 1024 * 1024)
    # Left at the end, as after the upload handler wrote it: must be rewound.
    upload.seek(0, io.SEEK_END)

    with pytest.raises(ValidationError) as refused:
        clean_photo(upload=upload)

    assert refused.value.code == "too_large"
    upload.close()


def test_refusals_explain_themselves_with_the_limit():
    png = _encode(_noise(), "PNG")
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload=_upload(png + b"\x00" * MAX_BYTES, name="a.png"))

    assert "10 MB" in refused.value.messages[0]


def test_a_cleaned_photo_is_stored_privately_under_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    storage = report_photo_storage()
    cleaned = clean_photo(upload=_upload(_encode(_noise(), "JPEG")))

    name = storage.save(cleaned.name, cleaned)

    stored = tmp_path / "report-photos" / name
    assert stored.read_bytes()[:2] == b"\xff\xd8"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    with pytest.raises(NotImplementedError):
        storage.url(name)


def test_the_photo_directory_is_outside_everything_served_as_static_files():
    location = Path(report_photo_storage().location)

    assert location.name == "report-photos"
    for static_root in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not location.is_relative_to(Path(static_root).resolve())
        assert not Path(static_root).resolve().is_relative_to(location)
