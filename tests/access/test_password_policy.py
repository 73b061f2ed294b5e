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
