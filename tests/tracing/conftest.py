import pytest

from muster.scenario.tracing import tracing_set


@pytest.fixture(scope="session")
def background():
    """A small registry of evacuees, abducted persons among them, for the matcher to search."""
    return tracing_set(registered=2000, requests=40, seed=11)
