"""Signing in (password, then the second factor), enrolment, and one's own account.

A user whose second factor is asked for (groups/second_factor.py) is not signed
in after the password: the session only remembers, for
settings.SECOND_FACTOR_PENDING_SECONDS, who passed it. The second step signs
them in; a wrong code counts as a failed sign-in for the lock
(groups/sign_in_lock.py).
"""

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from groups import second_factor, sign_in_lock, staff_sessions
from groups.models import ApiToken
from groups.token_views import NewTokenForm

PENDING = "tuquan_pending_sign_in"


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - pending.get("at", 0)
    if not 0 <= age <= settings.SECOND_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def _start_over(request):
    request.session.pop(PENDING, None)
    messages.info(request, _("Your sign-in took too long. Please start again."))
    return redirect("login")


def _complete(request, user, device):
    next_url = request.session.get(PENDING, {}).get("next") or reverse(settings.LOGIN_REDIRECT_URL)
    login(request, user, backend=user.backend)
    django_otp.login(request, device)
    request.session.pop(PENDING, None)
    return next_url


@sensitive_post_parameters()
@csrf_protect
@never_cache
def sign_in(request):
    form = AuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if not second_factor.is_asked(user):
            login(request, user)
            return redirect(next_url)
        # A fresh key: whatever was in the session before does not carry over.
        request.session.cycle_key()
        request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": timezone.now().timestamp(),
            "next": next_url,
        }
        if second_factor.has_device(user):
            return redirect("second_factor")
        return redirect("enrol_second_factor")
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters()
@csrf_protect
@never_cache
def second_step(request):
    user = _pending_user(request)
    if user is None:
        return _start_over(request)
    if not second_factor.has_device(user):
        return redirect("enrol_second_factor")
    if sign_in_lock.is_locked(request, username=user.username):
        return sign_in_lock.lockout_response(request)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify(user=user, token=form.cleaned_data["token"], request=request)
        if device is not None:
            return redirect(_complete(request, user, device))
        sign_in_lock.record_failure(request, username=user.username)
        form.add_error(
            "token",
            _(
                "This code is not right. Type the six digits your authenticator app shows "
                "now, or one of your recovery codes."
            ),
        )
    return render(request, "registration/second_step.html", {"form": form})


@sensitive_post_parameters()
@csrf_protect
@never_cache
def enrol(request):
    """Set up an authenticator: during a sign-in that requires one, or from one's account."""
    signing_in = not request.user.is_authenticated
    if signing_in:
        user = _pending_user(request)
        if user is None:
            return _start_over(request)
        if second_factor.has_device(user):
            # Someone who only knows the password must not replace the phone.
            return redirect("second_factor")
    else:
        user = request.user
        if second_factor.has_device(user) and not user.is_verified():
            return redirect("account_security")
    device = second_factor.pending_authenticator(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(
            user=user, token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            device.refresh_from_db()
            if signing_in:
                next_url = _complete(request, user, device)
            else:
                django_otp.login(request, device)
                next_url = reverse("account_security")
            return render(
                request, "registration/recovery_codes.html", {"codes": codes, "next": next_url}
            )
        form.add_error("token", _("This code is not right. Check the time on your phone."))
    return render(
        request,
        "registration/enrol.html",
        {
            "form": form,
            "qr_code": second_factor.qr_code_data_uri(device),
            "secret": second_factor.secret_for_typing(device),
            "required": second_factor.is_required(user),
        },
    )


@login_required
@never_cache
def account_security(request):
    user = request.user
    sessions = staff_sessions.active_sessions(user)
    return render(
        request,
        "registration/account_security.html",
        {
            "has_device": second_factor.has_device(user),
            "required": second_factor.is_required(user),
            "codes_left": second_factor.recovery_codes_left(user),
            "sessions": sessions,
            "current_key": request.session.session_key,
            "idle_minutes": int(staff_sessions.idle_limit(user).total_seconds() // 60),
            "absolute_hours": settings.SESSION_ABSOLUTE_HOURS,
            "api_tokens": ApiToken.objects.filter(user=user).live().order_by("-created", "-pk"),
            "token_form": NewTokenForm(),
            "token_needs_second_factor": second_factor.is_required(user),
        },
    )


@login_required
@require_POST
@never_cache
def renew_recovery_codes(request):
    if not request.user.is_verified():
        return redirect("account_security")
    codes = second_factor.renew_recovery_codes(user=request.user, request=request)
    return render(
        request,
        "registration/recovery_codes.html",
        {"codes": codes, "next": reverse("account_security")},
    )


@login_required
@require_POST
def sign_out_everywhere(request):
    staff_sessions.sign_out_everywhere(user=request.user, by=request.user, request=request)
    logout(request)
    messages.info(request, _("You have been signed out everywhere."))
    return redirect("login")


def admin_sign_in(request):
    """The admin's sign-in is the site's: one form, one second step, one lock."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{_query(next_url)}")


def _query(next_url: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": next_url})
