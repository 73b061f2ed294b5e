"""The API token endpoint's request and response shapes."""

from rest_framework import serializers

from muster.api.serializers import StrictCharField, StrictSerializer


class TokenInputSerializer(StrictSerializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=256, trim_whitespace=False)
    totp_code = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="Current authenticator code, for roles that sign in with a second factor",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class PasswordChangeInputSerializer(StrictSerializer):
    old_password = StrictCharField(max_length=256, trim_whitespace=False)
    new_password = StrictCharField(max_length=256, trim_whitespace=False)


class PasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
