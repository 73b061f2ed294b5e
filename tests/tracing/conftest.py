import pytest

from muster.scenario.tracing import tracing_set


@pytest.fixture(scope="session")
def background():
    """A small registry of evacuees, abducted persons among them, for the matcher to search."""
    return tracing_set(registered=2000, requests=40, seed=11)


# A Yazidi girl taken from Kocho at 9 in August 2014, registered in 2019 under the name her captors
# gave (Aisha bint Abdullah), with her mother's name kept; an adult woman taken from the same
# village, registered under her own name.
CAPTORS_HOUSEHOLD = [
    {
        "given_name": "Abdullah",
        "father_name": "Hamid",
        "family_name": "al-Rawi",
        "sex": "M",
        "birth_year": "1975",
        "nationality": "IRQ",
        "relationship_to_head": "head",
    },
    {
        "given_name": "Aisha",
        "father_name": "Abdullah",
        "family_name": "al-Rawi",
        "mother_name": "Gulistan",
        "sex": "F",
        "birth_year": "2007",
        "place_of_origin": "Kocho",
        "relationship_to_head": "daughter",
    },
]
WOMAN = [
    {
        "given_name": "Nadia",
        "father_name": "Murad",
        "grandfather_name": "Basee",
        "family_name": "Taha",
        "mother_name": "Shami",
        "sex": "F",
        "birth_year": "1993",
        "place_of_origin": "Kocho",
        "relationship_to_head": "head",
    }
]
GIRL_REQUEST = {
    "given_name": "Jamila",
    "father_name": "Khalaf",
    "family_name": "Hesso",
    "mother_name": "Gulîstan",
    "other_names": "Aisha",
    "sex": "F",
    "age_at_separation": "9",
    "separation_date": "2014-08-15",
    "separation_place": "Koço",
    "requester_name": "Gulistan Hesso",
    "requester_relationship": "mother",
    "requester_contact": "+964 750 000 0000",
    "office": "Office of Kidnapped Affairs, Duhok",
}
WOMAN_REQUEST = {
    "given_name": "Nadia",
    "father_name": "Murad",
    "grandfather_name": "Basî",
    "family_name": "Taha",
    "mother_name": "Şamî",
    "sex": "F",
    "birth_year": "1993",
    "separation_date": "2014-08-15",
    "separation_place": "Kocho",
    "requester_name": "Elias Taha",
    "requester_relationship": "brother",
    "requester_contact": "+964 750 111 1111",
}


@pytest.fixture(autouse=True)
def _matching_runs_at_once(settings):
    """Matching runs in the background worker (tests/tracing/test_background.py shows it queued);
    here each job runs as it is queued, after the commit, as the worker would."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_tracing_index():
    yield
    from muster.tracing import services

    services.reset()


@pytest.fixture
def caseworkers(make_user):
    return (
        make_user("tracing_caseworker", username="tracer-one"),
        make_user("tracing_caseworker", username="tracer-two"),
    )


@pytest.fixture
def registry(db, background):
    """The background registry in the database (the matcher weighs a name by its frequency among
    the registered: three persons alone would make every name common)."""
    return register_records(background.registry)


@pytest.fixture
def small_registry(db, background):
    """A tenth of the background registry: enough for name frequencies where a test only needs a
    request's own person found (and rebuilds the index more than once)."""
    return register_records(background.registry[:200])


def register_records(records):
    from django.utils import timezone

    from muster.core.numbering import new_number
    from muster.people.models import Person

    now = timezone.now()
    rows = []
    for rec in records:
        year = rec.get("birth_year") or (rec.get("date_of_birth") or "")[:4]
        rows.append(
            Person(
                number=new_number("P"),
                given_name=rec["given_name"] or "?",
                father_name=rec.get("father_name", ""),
                grandfather_name=rec.get("grandfather_name", ""),
                family_name=rec.get("family_name", ""),
                mother_name=rec.get("mother_name", ""),
                alias=rec.get("alias", ""),
                sex=rec.get("sex") or "U",
                birth_year=int(year) if year else None,
                place_of_origin=rec.get("place_of_origin", ""),
                registered_at=now,
            )
        )
    return Person.objects.bulk_create(rows, batch_size=1000)


@pytest.fixture
def abducted(registry, facilities, make_user):
    """The girl and the woman registered at the reception point: (girl, woman)."""
    from tests import factories

    by = make_user("registration_officer")
    captors = factories.household(
        [dict(m) for m in CAPTORS_HOUSEHOLD], reception_point=facilities["reception"], by=by
    )
    woman = factories.household(
        [dict(m) for m in WOMAN], reception_point=facilities["reception"], by=by
    )
    girl = next(p for p in captors.members.all() if p.given_name == "Aisha")
    return girl, woman.members.get()
