"""The generated population: deterministic, realistic in shape, and coherent within households."""

import datetime
from collections import Counter

import pytest

from muster.scenario import FacilitySpec, HouseholdSpec, PersonSpec, generate
from muster.scenario.model import (
    CATEGORIES,
    DOCUMENT_TYPES,
    FACILITY_KINDS,
    RELATIONSHIPS,
    VULNERABILITIES,
)


def test_same_seed_gives_the_same_population():
    a = list(generate(persons=800, seed=11).persons)
    b = list(generate(persons=800, seed=11).persons)
    assert a == b
    c = list(generate(persons=800, seed=12).persons)
    assert [p.given_name for p in a] != [p.given_name for p in c]


def test_exactly_the_requested_number_of_persons(scenario, persons):
    assert len(persons) == 5000 == scenario.person_count
    assert len({p.key for p in persons}) == 5000
    assert all(
        isinstance(h, HouseholdSpec) and isinstance(p, PersonSpec)
        for h in scenario.households
        for p in h.members
    )


def test_categories_are_roughly_60_10_30(persons):
    shares = {k: v / len(persons) for k, v in Counter(p.category for p in persons).items()}
    assert set(shares) == set(CATEGORIES)
    assert shares["civilian"] == pytest.approx(0.60, abs=0.06)
    assert shares["held"] == pytest.approx(0.10, abs=0.03)
    assert shares["family_of_held"] == pytest.approx(0.30, abs=0.05)


def test_held_are_men_some_of_them_adolescents(persons):
    held = [p for p in persons if p.category == "held"]
    assert all(p.sex == "M" for p in held)
    assert all(p.age >= 15 for p in held)
    # The child-protection safeguard needs held adolescents to act on.
    assert any(15 <= p.age < 18 for p in held)


def test_family_of_held_share_a_household_with_a_held_man_or_his_widow(scenario):
    for h in scenario.households:
        cats = {p.category for p in h.members if not p.kidnapped}
        if "held" in cats:
            assert cats <= {"held", "family_of_held"}, h.key


def test_households_are_1_to_12_with_the_head_first(scenario):
    sizes = [len(h.members) for h in scenario.households]
    assert min(sizes) >= 1 and max(sizes) <= 12
    assert 4.0 <= sum(sizes) / len(sizes) <= 6.5
    for h in scenario.households:
        assert h.members[0].relationship_to_head == "head"
        assert all(p.relationship_to_head != "head" for p in h.members[1:])
        assert all(p.household_key == h.key and p.arrival_date == h.arrival_date for p in h.members)


def test_children_carry_their_fathers_chain(scenario):
    checked = 0
    for h in scenario.households:
        head = h.members[0]
        if head.sex != "M":
            continue
        for p in h.members:
            if p.relationship_to_head in ("son", "daughter"):
                assert p.canonical.father_name is head.canonical.given_name
                assert p.canonical.grandfather_name is head.canonical.father_name
                assert p.canonical.family_name.latin in (
                    head.canonical.family_name.latin,
                    head.canonical.family_name.feminine.latin,
                )
                checked += 1
    assert checked > 1000


def test_siblings_share_their_mothers_name(scenario):
    """The sibling trap: full siblings differ only by given name, sex and date of birth."""
    for h in scenario.households:
        spouses = [p for p in h.members if p.relationship_to_head == "spouse"]
        kids = [p for p in h.members if p.relationship_to_head in ("son", "daughter")]
        if len(spouses) == 1 and kids:
            assert {k.canonical.mother_name.latin for k in kids} == {
                spouses[0].canonical.given_name.latin
            }
        brothers = [p for p in h.members if p.relationship_to_head in ("brother", "sister")]
        head = h.members[0]
        for b in brothers:
            assert b.canonical.father_name is head.canonical.father_name
            assert b.canonical.mother_name is head.canonical.mother_name


def test_name_frequencies_are_skewed(persons):
    men = Counter(p.canonical.given_name.latin for p in persons if p.sex == "M")
    top = men.most_common(1)[0]
    assert top[0] == "Muhammad"
    assert top[1] > 3 * men["Omar"] > 0


def test_entered_names_follow_the_officers_script(persons):
    arabic = [p for p in persons if p.script == "arabic"]
    latin = [p for p in persons if p.script == "latin"]
    assert 0.15 < len(arabic) / len(persons) < 0.35
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in p.given_name) for p in arabic)
    assert all(
        p.given_name.isascii() or not any("\u0600" <= ch <= "\u06ff" for ch in p.given_name)
        for p in latin
    )


def test_kidnapped_women_and_children_keep_their_birth_name():
    kidnapped = [p for p in generate(persons=5000, seed=7).persons if p.kidnapped]
    assert len(kidnapped) >= 3
    for p in kidnapped:
        assert p.kidnap is not None and p.kidnap.taken_on.year == 2014
        assert p.sex == "F" or p.kidnap.age_when_taken < 15
        assert p.birth_name.given_name.kind == "ku"
        if p.kidnap.renamed:
            assert p.canonical.given_name is not p.birth_name.given_name


@pytest.mark.slow
def test_sixty_thousand_persons_include_a_few_dozen_kidnapped():
    sc = generate(persons=60000, seed=1)
    assert sc.person_count == 60000
    assert 20 <= sum(p.kidnapped for p in sc.persons) <= 80


def test_foreign_nationals_are_about_one_in_eight(persons):
    nat = Counter(p.nationality for p in persons)
    assert nat["SYR"] > nat["IRQ"] > 0
    foreign = sum(v for k, v in nat.items() if k not in ("SYR", "IRQ"))
    assert 0.08 <= foreign / len(persons) <= 0.17
    assert all(len(k) == 3 and k.isupper() for k in nat)


def test_dates_of_birth_are_partial_as_in_the_field(persons):
    for p in persons:
        assert p.dob_precision in ("day", "year", "estimated")
        if p.dob_precision == "day":
            assert p.date_of_birth is not None and p.birth_year == p.date_of_birth.year
        elif p.dob_precision == "year":
            assert p.date_of_birth is None and p.birth_year is not None
        else:
            assert p.date_of_birth is None and p.estimated_age is not None
    adults = [p for p in persons if p.age >= 18]
    children = [p for p in persons if p.age < 18]
    jan1 = sum(
        1
        for p in adults
        if p.date_of_birth and (p.date_of_birth.month, p.date_of_birth.day) == (1, 1)
    )
    assert jan1 / len(adults) > 0.15
    assert sum(p.dob_precision == "day" for p in children) / len(children) > 0.7
    assert sum(p.dob_precision == "year" for p in adults) / len(adults) > 0.25


def test_codes_are_from_the_documented_vocabularies(scenario, persons):
    for p in persons:
        assert p.relationship_to_head in RELATIONSHIPS
        assert p.sex in ("M", "F")
        assert set(p.vulnerabilities) <= set(VULNERABILITIES)
        for doc in p.documents:
            assert doc.doc_type in DOCUMENT_TYPES and doc.number and len(doc.issuing_country) == 3
    assert {f.kind for f in scenario.facilities} == set(FACILITY_KINDS)


def test_vulnerable_people_are_flagged(persons):
    flags = Counter(v for p in persons for v in p.vulnerabilities)
    assert all(flags[v] > 0 for v in VULNERABILITIES)
    for p in persons:
        if "pregnant" in p.vulnerabilities:
            assert p.sex == "F" and 15 <= p.age <= 45
        if "unaccompanied_child" in p.vulnerabilities or "separated_child" in p.vulnerabilities:
            assert p.age < 18


def test_arrivals_come_in_waves_over_seven_weeks(scenario):
    per_day = Counter()
    for h in scenario.households:
        per_day[h.arrival_date] += len(h.members)
    span = (max(per_day) - min(per_day)).days
    assert 35 <= span <= 56
    assert max(per_day.values()) > 1.5 * (5000 / len(per_day))
    assert all(isinstance(d, datetime.date) for d in per_day)
    assert {h.reception_point for h in scenario.households} <= {
        f.name for f in scenario.facilities if f.kind == "reception_point"
    }


def test_facilities_fit_roughly_with_at_least_one_near_capacity(scenario, persons):
    assert all(
        isinstance(f, FacilitySpec) and f.capacity > 0 and f.pcode.startswith("SY")
        for f in scenario.facilities
    )
    kinds = Counter(f.kind for f in scenario.facilities)
    assert 2 <= kinds["reception_point"] <= 3 and kinds["screening_site"] == 1
    assert 2 <= kinds["holding_facility"] <= 3 and kinds["family_camp"] == 1
    held = sum(p.category == "held" for p in persons)
    holding = sum(f.capacity for f in scenario.facilities if f.kind == "holding_facility")
    assert 0.8 * held <= holding <= 1.05 * held
    # Every family of a held person goes to the family camp: it is near capacity, not three times
    # over it with a displacement camp left empty.
    families = sum(p.category == "family_of_held" for p in persons)
    family_camp = sum(f.capacity for f in scenario.facilities if f.kind == "family_camp")
    assert 0.8 * families <= family_camp <= 1.05 * families
