"""Signing in to the API with a token (django-rest-knox; groups/api/tokens.py).

``Authorization: Token <token>``. A token of a user who must have a second factor
(police, administrators, staff) is refused while that user has none (after a
reset, until they enrol again); second_factor.reset also deletes their tokens.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from groups import second_factor


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token):
        try:
            token.decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from error
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if second_factor.is_required(user) and not second_factor.has_device(user):
            raise exceptions.AuthenticationFailed(
                _("This account must set up its second factor again before its tokens work.")
            )
        return user, auth_token


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema (groups/api/schema.py) describes the token."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`: make one on your account page (docs/api.md).",
        }
