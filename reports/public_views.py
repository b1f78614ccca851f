"""The resident's side: report or tip without an account, get a receipt, follow it.

Nothing here writes who the sender is. The rate limit counts a keyed hash of
the address in Redis (reports/ratelimit.py), error reports for these URLs
leave the sender out (reports/privacy.py), the receipt waits for its page in
Redis only (reports/receipt_handoff.py), and the session holds only the id of
the report being followed.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups import reference_data
from groups.inputs import ascii_int
from groups.models import Area
from groups.place_links import PLACE_PARAM, chosen_place
from reports import ratelimit, receipt_handoff, receipts, tracking
from reports.forms import ReporterMessageForm, ReportForm, TrackForm, unit_choices
from reports.intake import submit_report
from reports.models import Channel, Report

TRACKING_SESSION_KEY = "reports.tracking"

LIMITED_MESSAGE = _(
    "Too many attempts from your connection. Please wait a while and try again. "
    "In an emergency, call the police on 113."
)
# One answer for a wrong code, a wrong passphrase and a code that does not exist.
FOLLOW_FIRST_MESSAGE = _("Open your report with its receipt code first.")
NOT_FOUND_MESSAGE = _(
    "No report matches this receipt code and passphrase. Check what you typed and try again."
)


# The report form ---------------------------------------------------------


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def new_report(request):
    if request.method != "POST":
        return _render_new(request, ReportForm(initial=_place_initial(request)))
    # The form and the intake read the category, the places, the routes and the
    # holidays; the generation they are kept by is read once for all of them.
    with reference_data.one_generation():
        return _take_report(request)


def _take_report(request):
    if not ratelimit.allow(request, scope=ratelimit.REPORT):
        # Keep what they typed (not the files), without validating or saving it.
        return _render_new(request, ReportForm(initial=_retypeable(request.POST)), limited=True)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_new(request, form, photos_lost=bool(request.FILES))
    if form.is_spam:
        # A bot gets what a person gets, so it learns nothing; nothing is saved.
        passphrase = None
        if form.cleaned_data["anonymous"]:
            passphrase = form.cleaned_data["passphrase"] or receipts.new_passphrase()
        return _hand_over(request, code=receipts.new_receipt_code(), passphrase=passphrase)
    receipt = submit_report(
        data=form.cleaned_data, channel=Channel.WEB, photos=form.cleaned_data["photos"]
    )
    return _hand_over(request, code=receipt.code, passphrase=receipt.passphrase)


def _hand_over(request, *, code: str, passphrase: str | None):
    """To the receipt page, which shows it once (reports/receipt_handoff.py).

    Without Redis the receipt is shown in this answer: the report is saved,
    and the resident must see the receipt whatever the store's state.
    """
    response = redirect("public:receipt")
    if receipt_handoff.hand_over(response, code=code, passphrase=passphrase, path=response.url):
        return response
    shown = receipt_handoff.HandedReceipt(code=code, passphrase=passphrase)
    return render(request, "reports/public/receipt.html", {"receipt": shown})


def _render_new(request, form, *, limited=False, photos_lost=False):
    return render(
        request,
        "reports/public/new.html",
        {
            "form": form,
            "limited_message": LIMITED_MESSAGE if limited else "",
            "photos_lost": photos_lost,
        },
        status=429 if limited else 200,
    )


def _place_initial(request) -> dict:
    # A poster's QR code or the public directory chose the place (groups/place_links.py).
    ward, unit = chosen_place(request.GET.get(PLACE_PARAM))
    if ward is None:
        return {}
    return {"ward": ward.pk, "unit": unit.pk if unit else None}


def _retypeable(post) -> dict:
    skip = {"csrfmiddlewaretoken", "website", "passphrase"}
    return {key: value for key, value in post.items() if key not in skip}


@require_GET
def unit_options(request):
    """The <option>s of the unit select for one ward (htmx swaps them in)."""
    ward = None
    ward_id = ascii_int(request.GET.get("ward"))
    if ward_id:
        ward = Area.objects.communes().filter(pk=ward_id).first()
    select = forms.Select(
        choices=unit_choices(ward=ward, empty_label=ReportForm.base_fields["unit"].empty_label)
    )
    return render(
        request,
        "reports/public/_unit_options.html",
        {"optgroups": select.optgroups("unit", [""])},
    )


@never_cache
@require_GET
def receipt(request):
    """Shows the receipt of the report just sent, once: it is kept nowhere else."""
    shown = receipt_handoff.take(request)
    response = render(request, "reports/public/receipt.html", {"receipt": shown})
    receipt_handoff.forget(request, response)
    return response


# Following a report ------------------------------------------------------


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    report = _followed_report(request)
    if request.method != "POST":
        if report is not None:
            return _render_thread(request, report, ReporterMessageForm())
        return _render_lookup(request, TrackForm())
    if not ratelimit.allow(request, scope=ratelimit.TRACK):
        return _render_lookup(request, TrackForm(), limited=True)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _render_lookup(request, form)
    found = tracking.find_by_receipt(
        code=form.cleaned_data["code"], passphrase=form.cleaned_data["passphrase"]
    )
    if found is None:
        form.add_error(None, NOT_FOUND_MESSAGE)
        return _render_lookup(request, form)
    # A new session key: whoever knew the old cookie does not follow this report.
    request.session.cycle_key()
    request.session[TRACKING_SESSION_KEY] = found.pk
    return redirect("public:track")


@sensitive_post_parameters()
@never_cache
@require_POST
def track_message(request):
    """The reporter's message; a client that asks for JSON (Accept) gets JSON answers."""
    as_json = _wants_json(request)
    report = _followed_report(request)
    if report is None:
        if as_json:
            return _json_error("not_following", FOLLOW_FIRST_MESSAGE, status=403)
        return redirect("public:track")
    if not ratelimit.allow(request, scope=ratelimit.TRACK):
        if as_json:
            return _json_error("rate_limited", LIMITED_MESSAGE, status=429)
        return _render_thread(request, report, ReporterMessageForm(request.POST), limited=True)
    form = ReporterMessageForm(request.POST)
    if not form.is_valid():
        if as_json:
            return JsonResponse(
                {"error": "invalid", "fields": form.errors.get_json_data()}, status=400
            )
        return _render_thread(request, report, form)
    try:
        tracking.add_reporter_message(report=report, text=form.cleaned_data["message"])
    except ValidationError as refused:
        # Closed (perhaps while the page was open): 409, as the thread has moved on.
        if as_json:
            return _json_error("closed", " ".join(refused.messages), status=409)
        return _render_thread(request, report, form, refused=refused.messages, status=409)
    if as_json:
        return JsonResponse({"sent": True}, status=201)
    messages.success(request, _("Your message was sent to the people handling your report."))
    return redirect("public:track")


def _wants_json(request) -> bool:
    # A browser accepts text/html (or */*); only a client asking for JSON alone gets it.
    return request.accepts("application/json") and not request.accepts("text/html")


def _json_error(code: str, message, *, status: int) -> JsonResponse:
    return JsonResponse({"error": code, "message": str(message)}, status=status)


@require_POST
def track_stop(request):
    request.session.pop(TRACKING_SESSION_KEY, None)
    messages.info(request, _("This browser no longer follows the report."))
    return redirect("public:track")


def _followed_report(request) -> Report | None:
    # The session holds this id only after tracking.find_by_receipt accepted the
    # receipt in this session: that is the reporter's proof of access.
    report_id = request.session.get(TRACKING_SESSION_KEY)
    if report_id is None:
        return None
    report = Report.objects.filter(pk=report_id).select_related("category", "ward", "unit").first()
    if report is None or not tracking.receipt_opens(report):
        # Gone, or its receipt has lived its life: this browser follows it no longer.
        request.session.pop(TRACKING_SESSION_KEY, None)
        return None
    return report


def _render_lookup(request, form, *, limited=False):
    return render(
        request,
        "reports/public/track.html",
        {"form": form, "limited_message": LIMITED_MESSAGE if limited else ""},
        status=429 if limited else 200,
    )


def _render_thread(request, report, form, *, limited=False, refused=(), status=200):
    context = {
        "thread": tracking.public_thread(report=report),
        "message_form": form,
        "limited_message": LIMITED_MESSAGE if limited else "",
        "refused": refused,
    }
    return render(request, "reports/public/thread.html", context, status=429 if limited else status)
