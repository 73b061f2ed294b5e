"""Passwords: not the username in another case or with a few characters added."""

import pytest
from django.core.exceptions import ValidationError

from muster.access import services as access

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Amal.Hassan2024", "AMAL-HASSAN!!", "amalhassan123"])
def test_a_variant_of_the_username_is_refused(password):
    with pytest.raises(ValidationError) as exc:
        access.create_user("amal.hassan", password)
    assert "password" in exc.value.message_dict


def test_an_unrelated_long_password_is_accepted():
    assert access.create_user("amal.hassan", "tangerine orbit lantern")


def test_the_product_hashes_passwords_with_argon2():
    """The suite hashes with MD5 for speed (tests/conftest.py); Muster itself must not."""
    from django.contrib.auth.hashers import check_password, make_password
    from django.test import override_settings

    from muster import settings as product

    assert product.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=product.PASSWORD_HASHERS):
        stored = make_password("tangerine orbit lantern")
        assert stored.startswith("argon2$")
        assert check_password("tangerine orbit lantern", stored)
