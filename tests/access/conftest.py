import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Sign-in throttling counts in the cache: every test in tests/access starts and ends with none."""
    cache.clear()
    yield
    cache.clear()
