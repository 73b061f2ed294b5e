"""Helpers for driving the web UI through Django's test client."""

import pytest


@pytest.fixture
def officer(make_user):
    return make_user("registration_officer")


@pytest.fixture
def officer_client(login, officer):
    return login(officer)
