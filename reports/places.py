"""Finding a commune/ward by its official code, as apps and other systems name it
(the public API's places, Open311's jurisdiction_id)."""

from groups.models import Area

# Official codes are five digits; anything much longer is not one.
_MAX_CODE_LENGTH = 20


def commune_by_code(code) -> Area | None:
    if not isinstance(code, str) or not code or len(code) > _MAX_CODE_LENGTH:
        return None
    if not code.isascii():
        return None
    return Area.objects.communes().exclude(code="").filter(code=code).first()
