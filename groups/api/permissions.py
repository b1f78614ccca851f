from rest_framework import permissions


class SessionOnly(permissions.BasePermission):
    """Only a browser session, not a token: a token cannot make more tokens."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.auth is None)
