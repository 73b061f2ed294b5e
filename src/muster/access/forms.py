"""The sign-in form in Muster's words: Django's refusal was half English on a Kurmanji page ("Please
enter a correct navê bikarhêner and password"), Django having no Kurmanji catalogue."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or the password is wrong. Capital and small letters count in both."
        ),
        "inactive": _("This account is closed: ask the administrator."),
    }
