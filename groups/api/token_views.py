"""One's own API tokens: list, make (shown once), revoke (groups/api/tokens.py)."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from groups.api import tokens
from groups.api.permissions import SessionOnly
from groups.inputs import ascii_int
from groups.models import ApiToken


class ApiTokenSerializer(serializers.ModelSerializer):
    # The first characters of the token, to recognise it; never the token or its hash.
    prefix = serializers.CharField(source="token_key", read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "expiry"]
        read_only_fields = fields


class NewApiTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=tokens.MAX_NAME_LENGTH)
    days = serializers.IntegerField(
        min_value=1, max_value=settings.API_TOKEN_DAYS, required=False, allow_null=True
    )


class CreatedApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown this once; keep it safe.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own tokens. Making one needs a browser session (a token
    cannot make tokens), and for police and administrators a recent second factor."""

    queryset = ApiToken.objects.none()  # the model, for the schema
    serializer_class = ApiTokenSerializer
    filterset_class = None
    ordering_fields = ["created", "expiry"]

    def get_queryset(self):
        # One's own only, here: a superuser manages others' tokens in the admin.
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user).live().order_by("-created", "-pk")

    def get_permissions(self):
        if self.action == "create":
            return [SessionOnly()]
        return super().get_permissions()

    @extend_schema(request=NewApiTokenSerializer, responses={201: CreatedApiTokenSerializer})
    def create(self, request):
        form = NewApiTokenSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        token, secret = tokens.create_token(
            owner=request.user,
            by=request.user,
            name=form.validated_data["name"],
            days=form.validated_data.get("days"),
            request=request,
        )
        token.token = secret
        return Response(CreatedApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        if ascii_int(pk, minimum=1) is None:
            raise NotFound
        token = get_object_or_404(self.get_queryset(), pk=pk)
        tokens.revoke_token(token=token, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
