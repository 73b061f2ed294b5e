"""End to end on the demo scenario: a person of the demo population comes back to a reception point
and is registered again, spelled by another register; screening finds them, an officer merges."""

from muster.people.models import Person
from muster.screening import services as screening
from muster.screening.models import Hit

SEED = 1
SIZE = 120


def _re_registration(source: str):
    """(demo Person, the same person as ``source`` writes them) for the first fully named adult."""
    from muster.scenario import generate
    from muster.scenario.sources import render_records

    for spec in list(generate(persons=SIZE, seed=SEED).persons):
        if spec.is_child:
            continue
        registered = Person.objects.filter(
            given_name=spec.given_name,
            father_name=spec.father_name,
            family_name=spec.family_name,
            birth_year=spec.birth_year,
        ).first()
        if registered is None or not (spec.father_name and spec.family_name):
            continue
        record, _ = next(iter(render_records([spec], {source: 1.0}, seed=SEED)))
        if record["father_name"] and (record["date_of_birth"] or record["birth_year"]):
            return registered, record
    raise AssertionError("no suitable person in the demo population")


def _as_member(record: dict) -> dict:
    fields = ("given_name", "father_name", "grandfather_name", "family_name", "mother_name",
              "alias", "sex", "date_of_birth", "birth_year", "place_of_origin", "nationality")  # fmt: skip
    member = {k: record[k] for k in fields if record[k]}
    if member.get("date_of_birth"):
        member.pop("birth_year", None)
    return {**member, "relationship_to_head": "head"}


def test_demo_person_registered_again_in_arabic_script_is_found_and_merged(
    db, register, officer, settings
):
    from muster.demo import load_demo

    load_demo(persons=SIZE, seed=SEED, progress=False)
    first, record = _re_registration("authority_ar")

    again = register([_as_member(record)]).members.get()

    hit = Hit.objects.get(person=again, kind=Hit.Kind.DUPLICATE, candidate=first)
    assert hit.band == Hit.Band.LIKELY, hit.explanation
    assert hit.explanation["given_name"]["level"] in {"transliteration", "arabic_script_equivalent"}
    screening.adjudicate(hit, "confirm", reason="same person, family booklet seen", by=officer)
    assert screening.registrations_of(first) == [first, again]
