"""The API token endpoint's request and response shapes."""

from rest_framework import serializers

from muster.api.serializers import StrictSerializer


class TokenInputSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    totp_code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=12,
        help_text="Current authenticator code, for roles that sign in with a second factor",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class PasswordChangeInputSerializer(StrictSerializer):
    old_password = serializers.CharField(max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(max_length=256, trim_whitespace=False)


class PasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
