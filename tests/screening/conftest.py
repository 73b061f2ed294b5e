"""Screening fixtures: a fresh in-memory index per test, officers, and persons registered on demand."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_screening_index():
    # The registry index is process-wide; each test has its own database, so its own index.
    from muster.screening import matching

    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def officer(make_user):
    return make_user("screening_officer")


@pytest.fixture
def second_officer(make_user):
    return make_user("screening_officer")


@pytest.fixture
def register(facilities, make_user, django_capture_on_commit_callbacks):
    """register(members) -> household, with the after-commit screening hook run like in production."""
    from muster.people import services as people
    from muster.people.validation import clean_household

    clerk = make_user("registration_officer")

    def do(members, reception=None):
        with django_capture_on_commit_callbacks(execute=True):
            return people.register_household(
                clean_household(members),
                reception_point=reception or facilities["reception"],
                by=clerk,
            )

    return do
