"""API tokens on one's account page: make one (shown once), revoke one.

The rules are in groups/api/tokens.py; the list is on the account page
(account_views.account_security).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from groups.api import tokens
from groups.inputs import ascii_int
from groups.models import ApiToken


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What will use the token"),
        max_length=tokens.MAX_NAME_LENGTH,
        help_text=gettext_lazy("E.g. the ward's reporting app. Only you see this name."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Days until it expires"),
        min_value=1,
        max_value=settings.API_TOKEN_DAYS,
        initial=settings.API_TOKEN_DAYS,
    )


@login_required
@require_POST
@never_cache
def create_api_token(request):
    form = NewTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = tokens.create_token(
                owner=request.user,
                by=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("account_security")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(
                request, "registration/api_token_created.html", {"token": token, "secret": secret}
            )
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("account_security")


@login_required
@require_POST
def revoke_api_token(request, pk):
    if ascii_int(pk, minimum=1) is None:
        return redirect("account_security")
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    tokens.revoke_token(token=token, by=request.user)
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("account_security")
