"""The password rules (settings.AUTH_PASSWORD_VALIDATORS) refusing in Muster's words and languages.

Django's own refusals were read in English on Arabic, Sorani and Kurmanji pages: its catalogues
still translate the short password's sentence as it was worded before Django 5.2, and it has no
Kurmanji catalogue at all. The rules are Django's; only what they say is ours.
"""

from django.contrib.auth import password_validation as django_rules
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(django_rules.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "The password is too short: it needs at least %(n)d character.",
            "The password is too short: it needs at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}

    def get_help_text(self) -> str:
        return self.get_error_message()


class CommonPasswordValidator(django_rules.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("The password is one of the most common ones: anyone would guess it.")

    def get_help_text(self) -> str:
        return self.get_error_message()


class UserAttributeSimilarityValidator(django_rules.UserAttributeSimilarityValidator):
    """Configured with the username only: the one attribute a new account has."""

    def get_error_message(self) -> str:
        return _("The password is too like the username.")

    def get_help_text(self) -> str:
        return self.get_error_message()
