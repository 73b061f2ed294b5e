from django.urls import path

from muster.access import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("2fa/", views.totp_verify, name="totp-verify"),
    path("2fa/enrol/", views.totp_enrol, name="totp-enrol"),
    path("password/", views.password_change, name="password-change"),
]
