"""The printable documents of grassroots mediation, as print-ready HTML and as PDF.

One template per document serves both: the browser prints the HTML with the
print stylesheet, and xhtml2pdf (pure Python on ReportLab, so ``make`` needs no
system library) draws the same markup into a PDF. The PDF embeds DejaVu Serif,
vendored under static/fonts/dejavu, which covers every Vietnamese letter.

Documents are drawn in Vietnamese, the language of the forms, whatever language
the page around them is in; ``language`` exists for readers of an English copy.
"""

import io
import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from mediation.intake import groups_open_to
from mediation.models import CaseParty, MediationCase, Status

logger = logging.getLogger(__name__)

DOCUMENT_LANGUAGE = "vi"
STYLESHEET = "mediation/documents.css"
FONT = "fonts/dejavu/DejaVuSerif.ttf"


class DocumentError(Exception):
    pass


@dataclass(frozen=True)
class CaseDocument:
    template: str
    title: Promise
    statuses: tuple[str, ...]  # the case statuses in which it may be printed; empty: any


CASE_DOCUMENTS = {
    "sheet": CaseDocument("mediation/documents/case_sheet.html", _("Case sheet"), ()),
    "success": CaseDocument(
        "mediation/documents/success_record.html",
        _("Record of successful mediation"),
        (Status.SUCCESSFUL,),
    ),
    "failure": CaseDocument(
        "mediation/documents/failure_record.html",
        _("Record of unsuccessful mediation"),
        (Status.UNSUCCESSFUL,),
    ),
}
LOGBOOK_TEMPLATE = "mediation/documents/logbook.html"


def documents_for(case: MediationCase) -> list[tuple[str, CaseDocument]]:
    return [
        (name, document)
        for name, document in CASE_DOCUMENTS.items()
        if not document.statuses or case.status in document.statuses
    ]


def logbook_groups(user):
    """Groups whose logbook the user may print: those they may open cases in."""
    return groups_open_to(user)


def sides(parties) -> list[tuple[int, list[CaseParty]]]:
    """Parties grouped by side, in side order: [(1, [...]), (2, [...])]."""
    grouped: dict[int, list[CaseParty]] = {}
    for party in parties:
        grouped.setdefault(party.side, []).append(party)
    return sorted(grouped.items())


def case_context(case: MediationCase) -> dict:
    """What every case document shows; ``case`` fetched through ``visible_to``."""
    sessions = list(case.sessions.prefetch_related("parties_present", "mediators_present__member"))
    mediators = list(case.mediators.select_related("member"))
    return {
        "case": case,
        "group": case.group,
        "sides": sides(case.parties.all()),
        "mediators": [m for m in mediators if m.is_active],
        "recused": [m for m in mediators if not m.is_active],
        "sessions": sessions,
        "last_session": sessions[-1] if sessions else None,
    }


def render_html(*, template: str, context: dict, language: str = DOCUMENT_LANGUAGE) -> str:
    with translation.override(language):
        return render_to_string(template, {**context, "pdf": False})


def render_pdf(*, template: str, context: dict, language: str = DOCUMENT_LANGUAGE) -> bytes:
    with translation.override(language):
        html = render_to_string(template, {**context, "pdf": True})
    resolver = _StaticFiles()
    out = io.BytesIO()
    result = pisa.CreatePDF(
        html,
        dest=out,
        encoding="utf-8",
        link_callback=resolver,
        # The document reads our stylesheet and fonts and nothing else: no network,
        # no file outside the two folders, even if a party's name held markup
        # (it cannot: templates escape it).
        resource_policy=ResourceAccessPolicy.server(
            base_dir=resolver.folder(FONT), extra_roots=(resolver.folder(STYLESHEET),)
        ),
    )
    if result.err:
        raise DocumentError(f"{template}: {result.err} error(s) while drawing the PDF")
    return out.getvalue()


class _StaticFiles:
    """Finds the stylesheet and the fonts the PDF markup names by their static names.

    The markup links ``mediation/documents.css`` by its static name (not its URL,
    which is hashed in production); the stylesheet names the fonts relative to
    itself, as a browser reads it. xhtml2pdf asks with the folder of the file that
    names them, so the folders already seen map back to static names.
    """

    def __init__(self):
        self.names_of_folders: dict[str, str] = {}

    def folder(self, name: str) -> Path:
        found = finders.find(name)
        if not found:
            raise DocumentError(f"static file {name} is missing")
        return Path(found).parent

    def __call__(self, uri: str, rel: str | None) -> str | None:
        base = self.names_of_folders.get(str(rel), "") if rel else ""
        name = posixpath.normpath(posixpath.join(base, uri))
        found = finders.find(name)
        if not found:
            logger.warning("The PDF names a static file that does not exist: %s", name)
            return None
        self.names_of_folders[str(Path(found).parent)] = posixpath.dirname(name)
        return found
