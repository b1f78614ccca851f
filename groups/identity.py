"""Who runs this deployment: the service's name, the issuing authority, its emblem and
a contact line, read from settings (SERVICE_*; see .env.example).

Residents decide whether to trust a tip box by who stands behind it, so every
public page (templates/base.html, through the context processor below), the
privacy notice, the accessibility statement and the posters (groups/posters.py)
show the same identity.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error, register
from django.utils.translation import gettext


@dataclass(frozen=True)
class ServiceIdentity:
    name: str
    authority: str
    emblem: str  # a static file name, e.g. "img/emblem.svg"; empty: none
    contact: str


def service_identity() -> ServiceIdentity:
    return ServiceIdentity(
        # Read per call: the generic name follows the language of the request.
        name=settings.SERVICE_NAME or gettext("Self-management for security and order"),
        authority=settings.SERVICE_AUTHORITY,
        emblem=settings.SERVICE_EMBLEM,
        contact=settings.SERVICE_CONTACT,
    )


def identity(request) -> dict:
    """Template context processor: ``identity`` on every page."""
    return {"identity": service_identity()}


@register()
def check_emblem(app_configs, **kwargs) -> list[Error]:
    # A missing static file makes {% static %} raise under the manifest storage,
    # on every page: refuse to start instead.
    name = settings.SERVICE_EMBLEM
    if name and not finders.find(name):
        return [
            Error(
                f"SERVICE_EMBLEM names the static file {name!r}, which does not exist.",
                hint="Put the emblem under static/ or leave SERVICE_EMBLEM empty.",
                id="groups.E001",
            )
        ]
    return []
