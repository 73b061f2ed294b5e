"""Screening fixtures: a fresh in-memory index per test, officers, and persons registered on demand."""

import pytest

from tests import factories


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
    from muster.intake import services as intake
    from muster.people.validation import clean_household

    clerk = make_user("registration_officer")

    def do(members, reception=None, *, screened=True):
        from muster.screening.models import ScreeningRun

        before = set(ScreeningRun.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            household = intake.register_household(
                clean_household(members),
                reception_point=reception or facilities["reception"],
                by=clerk,
            )
        if screened:
            # A test that finds no hit must know screening ran: a crash is not "no hits".
            runs = ScreeningRun.objects.exclude(pk__in=before)
            assert [r.status for r in runs] == ["done"], [(r.status, r.error) for r in runs]
        return household

    return do


@pytest.fixture
def api_as(db):
    """``api_as("screening_officer")`` -> (user, JSON client signed in as them, second factor done)."""
    return factories.api_as


@pytest.fixture
def web_as(db):
    """``web_as("screening_officer")`` -> (user, test client signed in, second factor done)."""
    return factories.web_as
