"""Shared scenario fixtures: one 5,000-person population per test session (generation is cheap)."""

import pytest

from muster.scenario import Scenario, generate


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return generate(persons=5000, seed=7)


@pytest.fixture(scope="session")
def persons(scenario):
    return list(scenario.persons)
