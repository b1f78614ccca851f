"""Who may open the dashboard: the commune/ward police and the province administrators.

Group leaders have their inbox; the dashboard shows anonymous tips and a whole
ward's figures, which are for the police.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect


def may_use_dashboard(user) -> bool:
    return user.is_active and (user.is_province_admin or user.is_ward_police)


def dashboard_view(view):
    """Signed in, and police or province administrator; 403 for anyone else."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _sign_in_first(request)
        if not may_use_dashboard(request.user):
            raise PermissionDenied(
                _("The dashboard is for the police and province administrators.")
            )
        return view(request, *args, **kwargs)

    return wrapped


def _sign_in_first(request):
    if request.htmx:
        # A panel polling after the session expired: send the whole page to the
        # sign-in form instead of swapping the form into the panel.
        back = request.htmx.current_url_abs_path or request.get_full_path()
        return HttpResponseClientRedirect(redirect_to_login(back).url, status=204)
    return redirect_to_login(request.get_full_path())
