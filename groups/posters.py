"""Tip-box posters: one A4 page per group or commune/ward, with a QR code that opens
the report form with the place chosen (groups/place_links.py).

Posters hang in the street, so they say only what the public directory says:
who runs the service, the place, the group's public contact if it gave one, the
ward police's duty number and 113/114/115; where the deployment takes reports by
SMS or Zalo (reports/inbound/), the number, the Official Account and the place's
short code (groups/short_codes.py) to write first, and the tip keyword. They are
drawn in Vietnamese, the language of the street, with xhtml2pdf and DejaVu Serif
as the mediation documents are; the QR code is a PNG drawn by segno.

Who prints: anyone who sees a group (``visible_to``) prints its poster; a whole
commune/ward's posters in one PDF are for province administrators and that
ward's police.
"""

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from groups import directory
from groups.identity import service_identity
from groups.models import Area, SelfManagementGroup
from groups.place_links import report_path
from groups.short_codes import short_code_for

POSTER_LANGUAGE = "vi"
TEMPLATE = "directory/posters.html"
FONT = "fonts/dejavu/DejaVuSerif.ttf"
# Module size of the PNG in pixels; the poster scales it to about 9 cm, so a phone
# reads it from an arm's length.
QR_SCALE = 10


class PosterError(Exception):
    pass


@dataclass(frozen=True)
class Poster:
    heading: str  # the group's name, or the commune/ward's
    place: str  # what the group covers; empty for a commune/ward
    ward_name: str
    url: str  # what the QR code opens
    public_contact: str
    police_phone: str
    # What to type first in an SMS or Zalo message (reports/inbound/); empty when
    # the deployment takes no messages.
    short_code: str = ""

    @property
    def ward_in_sentence(self) -> str:
        # "Phường Hạ Long" reads "phường Hạ Long" after "Công an".
        return self.ward_name[:1].lower() + self.ward_name[1:]

    @property
    def qr_png(self) -> bytes:
        out = io.BytesIO()
        qr_code(self.url).save(out, kind="png", scale=QR_SCALE, border=4)
        return out.getvalue()

    @property
    def qr_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.qr_png).decode("ascii")


def qr_code(url: str) -> segno.QRCode:
    # Level M survives a scratch or a raindrop and keeps the code coarse enough
    # for a cheap phone's camera.
    return segno.make_qr(url, error="m")


def absolute_report_url(area_id: int) -> str:
    return settings.SITE_URL + report_path(area_id)


# Who may print -------------------------------------------------------------


def printable_groups(user):
    """Groups whose poster the user may print: those they see."""
    return SelfManagementGroup.objects.visible_to(user).active()


def printable_group_ids(user, *, ward: Area) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(printable_groups(user).filter(ward=ward).values_list("pk", flat=True))


def may_print_ward(user, *, ward: Area) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_province_admin:
        return True
    return user.is_ward_police and user.police_ward_id == ward.pk


# What is printed -----------------------------------------------------------


def group_poster(group: SelfManagementGroup) -> Poster:
    return Poster(
        heading=group.name,
        place=group.unit.name if group.unit_id else "",
        ward_name=group.ward.name,
        url=absolute_report_url(group.unit_id or group.ward_id),
        public_contact=group.public_contact,
        police_phone=group.ward.police_phone,
        short_code=_short_code(group.unit if group.unit_id else group.ward),
    )


@dataclass(frozen=True)
class MessageChannels:
    """How residents may also write in, from settings (reports/inbound/, docs/inbound.md)."""

    sms_number: str
    sms_keyword: str
    zalo_name: str

    @property
    def any(self) -> bool:
        return bool(self.sms_number or self.zalo_name)


def message_channels() -> MessageChannels:
    return MessageChannels(
        sms_number=settings.SMS_INBOUND_NUMBER if settings.SMS_INBOUND_SECRET else "",
        sms_keyword=settings.SMS_INBOUND_KEYWORD,
        zalo_name=settings.ZALO_OA_NAME if settings.ZALO_OA_SECRET_KEY else "",
    )


def _short_code(area: Area) -> str:
    # Only a deployment that takes messages gives its places codes.
    return short_code_for(area) if message_channels().any else ""


def ward_posters(ward: Area) -> list[Poster]:
    """The commune/ward's own poster, then one for each of its active groups."""
    posters = [
        Poster(
            heading=ward.name,
            place="",
            ward_name=ward.name,
            url=absolute_report_url(ward.pk),
            public_contact="",
            police_phone=ward.police_phone,
            short_code=_short_code(ward),
        )
    ]
    for group in directory.public_groups(ward):
        group.ward = ward  # already at hand: no query per group
        posters.append(group_poster(group))
    return posters


def render_posters(posters: list[Poster]) -> bytes:
    """One A4 page per poster, as a PDF."""
    with translation.override(POSTER_LANGUAGE):
        html = render_to_string(
            TEMPLATE,
            {
                "posters": posters,
                "identity": service_identity(),
                "emergency_numbers": directory.EMERGENCY_NUMBERS,
                "channels": message_channels(),
            },
        )
    fonts = _font_folder()
    out = io.BytesIO()
    result = pisa.CreatePDF(
        html,
        dest=out,
        encoding="utf-8",
        link_callback=_static_file,
        # The posters read the fonts and nothing else: no network, no other file.
        resource_policy=ResourceAccessPolicy.server(base_dir=fonts),
    )
    if result.err:
        raise PosterError(f"{result.err} error(s) while drawing the posters")
    return out.getvalue()


def _font_folder() -> Path:
    found = finders.find(FONT)
    if not found:
        raise PosterError(f"static file {FONT} is missing")
    return Path(found).parent


def _static_file(uri: str, rel: str | None) -> str | None:
    # The template names the fonts by their static names; the QR code is a data: URI.
    if uri.startswith("data:"):
        return uri
    return finders.find(uri)
