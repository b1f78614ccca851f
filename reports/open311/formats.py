"""The specification's two formats: JSON, and XML with its element names.

Every answer, errors included, is written here, so that a client gets the same
fields in either format: a list of ``request`` elements under
``service_requests``, of ``service`` under ``services``, of ``error`` under
``errors``, and the plural/singular pairs below for nested lists.
"""

import json
import re
from xml.etree import ElementTree

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

JSON, XML = "json", "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# The element of each item of a nested list (discovery's, a definition's).
_ITEM_TAGS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot hold, even escaped.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(payload, *, fmt: str, root: str, item: str | None = None, status: int = 200):
    """``payload`` (a dict, or a list of dicts whose elements are ``item``) as ``fmt``."""
    if fmt == JSON:
        body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False)
    else:
        element = ElementTree.Element(root)
        if isinstance(payload, list):
            for entry in payload:
                _fill(ElementTree.SubElement(element, item), entry)
        else:
            _fill(element, payload)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(
            element, encoding="unicode"
        )
    return HttpResponse(body.encode(), status=status, content_type=CONTENT_TYPES[fmt])


def errors(pairs, *, fmt: str, status: int):
    """The specification's error list: one ``{code, description}`` per problem."""
    payload = [{"code": status, "description": str(description)} for description in pairs]
    return render(payload, fmt=fmt, root="errors", item="error", status=status)


def _fill(element, value):
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ElementTree.SubElement(element, key), inner)
    elif isinstance(value, list):
        tag = _ITEM_TAGS.get(element.tag, "item")
        for inner in value:
            _fill(ElementTree.SubElement(element, tag), inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_IN_XML.sub("", str(value))
