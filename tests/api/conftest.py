"""API fixtures: JSON clients per role (session or token), a registered household, cache reset."""

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    """The token throttle counts in the cache; each test starts with a clean count."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as(db):
    """``api_as("camp_manager", facility=camp)`` -> (user, JsonClient signed in as them).

    Each call has its own client, so one test can act as several officers.
    """
    return factories.api_as


@pytest.fixture
def members(registered):
    return list(registered.members.order_by("id"))
