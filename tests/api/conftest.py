"""API fixtures: JSON clients per role (session or token), a registered household, cache reset."""

import json

import pytest


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    """The token throttle counts in the cache; each test starts with a clean count."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class JsonClient:
    """Django's test client speaking JSON, signed in as one user."""

    def __init__(self, client):
        self.client = client

    def get(self, url, params=None, **extra):
        return self.client.get(url, params or {}, **extra)

    def post(self, url, body=None, **extra):
        return self.client.post(
            url,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            **extra,
        )

    def patch(self, url, body, **extra):
        return self.client.patch(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def api_as(make_user):
    """``api_as("camp_manager", facility=camp)`` -> (user, JsonClient signed in as them).

    Each call has its own client, so one test can act as several officers.
    """
    from django.test import Client

    from muster.access.middleware import SECOND_FACTOR_OK

    def make(*roles, facility=None):
        user = make_user(*roles, facility=facility)
        client = Client()
        client.force_login(user)
        # As if the officer had typed their authenticator code at sign-in (roles that need one).
        session = client.session
        session[SECOND_FACTOR_OK] = True
        session.save()
        return user, JsonClient(client)

    return make


@pytest.fixture
def members(registered):
    return list(registered.members.order_by("id"))
