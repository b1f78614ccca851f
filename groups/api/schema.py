"""What drf-spectacular adds to every part's OpenAPI schema (settings SPECTACULAR_SETTINGS).

Only /api/v1/ is described (the deprecated first paths answer the same). Every
operation lists the error answers every view may give, in the one body shape of
groups/api/errors.py, so that a client (and the schema check in the tests) knows
them.
"""

from django.utils.translation import gettext_lazy as _

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "errors"],
    "properties": {
        "code": {"type": "string", "description": "Machine-readable, stable."},
        "message": {"type": "string", "description": "For people, translated."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "code", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "nullable": True,
                        "description": "Dotted for nested input; null for the input as a whole.",
                    },
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
        "wait": {"type": "integer", "description": "Seconds to wait, with a 429."},
    },
}

ERROR_ANSWERS = {
    "400": _("Invalid input: the fields and rules are named in `errors`."),
    "401": _("No valid token or session."),
    "403": _("Not allowed for this user."),
    "404": _("No such object, or not one this user may see."),
    "405": _("Method not allowed."),
    "406": _("Not acceptable."),
    "409": _("The object's current state does not allow this."),
    "415": _("Unsupported media type."),
    "429": _("Too many requests: wait the seconds in `wait` and the Retry-After header."),
}


def only_version_1(endpoints, **kwargs):
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def error_answers(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_ANSWERS.items():
                responses.setdefault(
                    status,
                    {
                        "description": str(description),
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
