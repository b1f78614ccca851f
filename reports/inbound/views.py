"""The two webhooks: verify, parse, take in (reports/inbound/intake.py), answer JSON.

No session, no CSRF token: the provider proves itself by its signature, compared
in constant time. A webhook whose secret is not configured does not exist (404).
A bad signature is 403, a payload that is not what the provider sends 400, and
everything taken in (or ignored, or repeated) 200, so that providers stop retrying.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from reports.inbound import sms, zalo
from reports.inbound.intake import take_in


def _refused(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)


@csrf_exempt
@never_cache
@require_POST
def sms_webhook(request):
    if not settings.SMS_INBOUND_SECRET:
        raise Http404
    if not sms.is_signed(request.body, request.headers.get(sms.SIGNATURE_HEADER, "")):
        return _refused(403, "signature")
    try:
        message = sms.parse_payload(request.body)
    except sms.BadPayload as error:
        return _refused(400, f"payload: {error}")
    return JsonResponse({"outcome": take_in(message=message)})


@csrf_exempt
@never_cache
@require_POST
def zalo_webhook(request):
    if not settings.ZALO_OA_SECRET_KEY:
        raise Http404
    header = request.headers.get(zalo.SIGNATURE_HEADER, "")
    # The signature covers fields of the body: an unsigned request is refused
    # before it is read, a signed one once they are known.
    if not header.startswith("mac="):
        return _refused(403, "signature")
    try:
        event = zalo.read_event(request.body)
    except sms.BadPayload as error:
        return _refused(400, f"payload: {error}")
    if not zalo.is_signed(event, request.body, header):
        return _refused(403, "signature")
    if not zalo.is_text(event):
        return JsonResponse({"outcome": "ignored"})
    try:
        message = zalo.text_message(event)
    except sms.BadPayload as error:
        return _refused(400, f"payload: {error}")
    return JsonResponse({"outcome": take_in(message=message)})
