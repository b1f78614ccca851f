from django.contrib.auth import views as auth_views
from django.urls import path

from groups import account_views, token_views

urlpatterns = [
    path("login/", account_views.sign_in, name="login"),
    path("login/code/", account_views.second_step, name="second_factor"),
    path("login/authenticator/", account_views.enrol, name="enrol_second_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", account_views.account_security, name="account_security"),
    path(
        "security/recovery-codes/",
        account_views.renew_recovery_codes,
        name="renew_recovery_codes",
    ),
    path(
        "security/sign-out-everywhere/",
        account_views.sign_out_everywhere,
        name="sign_out_everywhere",
    ),
    path("security/api-tokens/", token_views.create_api_token, name="create_api_token"),
    path(
        "security/api-tokens/<str:pk>/revoke/",
        token_views.revoke_api_token,
        name="revoke_api_token",
    ),
]
