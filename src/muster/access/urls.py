from django.urls import path

from muster.access import views
from muster.access.views import users

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.totp_verify, name="totp-verify"),
    path("2fa/enrol/", views.totp_enrol, name="totp-enrol"),
    path("password/", views.password_change, name="password-change"),
    # The administrator's pages (user.manage); by the account's id: any username stays reachable.
    path("users/", users.user_list, name="user-list"),
    path("users/new/", users.user_create, name="user-create"),
    path("users/<int:user_id>/", users.user_detail, name="user-detail"),
    path("users/<int:user_id>/grant/", users.user_grant, name="user-grant"),
    path("users/<int:user_id>/revoke/", users.user_revoke, name="user-revoke"),
    path("users/<int:user_id>/deactivate/", users.user_deactivate, name="user-deactivate"),
    path("users/<int:user_id>/reactivate/", users.user_reactivate, name="user-reactivate"),
    path("users/<int:user_id>/password/", users.user_set_password, name="user-set-password"),
    path("users/<int:user_id>/reset-2fa/", users.user_reset_totp, name="user-reset-totp"),
]
