"""The plain data the scenario generator produces: facilities, households, persons and their ground truth.

These are frozen, slotted dataclasses with no behaviour beyond a few derived properties, so that a
million of them fit in memory and any consumer (Django loader, tests, benchmarks) can read them
without importing the generator.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from muster.scenario.names import Name

FACILITY_KINDS = (
    "reception_point",
    "screening_site",
    "displacement_camp",
    "holding_facility",
    "family_camp",
)
CATEGORIES = ("civilian", "held", "family_of_held")
RELATIONSHIPS = (
    "head",
    "spouse",
    "son",
    "daughter",
    "father",
    "mother",
    "brother",
    "sister",
    "grandson",
    "granddaughter",
    "nephew",
    "niece",
    "other",
)
VULNERABILITIES = (
    "unaccompanied_child",
    "separated_child",
    "disability",
    "medical",
    "pregnant",
    "elderly_alone",
    "wounded",
)
DOCUMENT_TYPES = ("national_id", "passport", "family_booklet", "birth_certificate")


class CanonicalName(NamedTuple):
    """Ground truth of a person's name parts; each part is a shared :class:`Name` (``.latin``, ``.arabic``).

    Every part is known in truth (a grandfather always existed) even when the reception record left it
    empty; ``alias`` is :data:`muster.scenario.names.EMPTY` for persons without a kunya.
    """

    given_name: Name
    father_name: Name
    grandfather_name: Name
    family_name: Name
    mother_name: Name
    alias: Name

    def latin(self) -> tuple[str, str, str, str, str, str]:
        return tuple(p.latin for p in self)  # type: ignore[return-value]

    def arabic(self) -> tuple[str, str, str, str, str, str]:
        return tuple(p.arabic for p in self)  # type: ignore[return-value]


class Document(NamedTuple):
    doc_type: str
    number: str
    issuing_country: str


@dataclass(frozen=True, slots=True)
class KidnapRecord:
    """Who a kidnapped person was before capture: the name a tracing request from the family would use."""

    birth_name: CanonicalName
    taken_from: str
    taken_from_pcode: str
    taken_on: datetime.date
    age_when_taken: int
    renamed: bool


@dataclass(frozen=True, slots=True)
class FacilitySpec:
    name: str
    kind: str
    capacity: int
    pcode: str
    location_name: str


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """One evacuee as registered at reception, with the truth alongside.

    Name fields hold what the officer typed (Latin in the officer's transliteration style, or Arabic
    script; ``""`` when unknown); ``canonical`` holds the truth. ``script`` says which script the
    officer used. ``true_date_of_birth`` is the truth, known to no register. Dates: ``dob_precision`` is ``"day"`` (``date_of_birth`` set, often a 1 January
    default), ``"year"`` (``birth_year`` only) or ``"estimated"`` (``estimated_age`` and the derived
    ``birth_year``). ``age`` is the true age in whole years on the arrival date.
    """

    key: str
    household_key: str
    relationship_to_head: str
    given_name: str
    father_name: str
    grandfather_name: str
    family_name: str
    mother_name: str
    alias: str
    canonical: CanonicalName
    script: str
    sex: str
    date_of_birth: datetime.date | None
    birth_year: int | None
    dob_precision: str
    estimated_age: int | None
    age: int
    true_date_of_birth: datetime.date
    nationality: str
    place_of_origin: str
    origin_pcode: str
    category: str
    kidnapped: bool
    kidnap: KidnapRecord | None
    vulnerabilities: tuple[str, ...]
    documents: tuple[Document, ...]
    arrival_date: datetime.date

    @property
    def birth_name(self) -> CanonicalName:
        """The name the person was born with (differs from ``canonical`` for renamed kidnap victims)."""
        return self.kidnap.birth_name if self.kidnap else self.canonical

    @property
    def is_child(self) -> bool:
        return self.age < 18


@dataclass(frozen=True, slots=True)
class HouseholdSpec:
    key: str
    members: list[PersonSpec]
    arrival_date: datetime.date
    reception_point: str

    @property
    def head(self) -> PersonSpec:
        return self.members[0]


@dataclass(slots=True)
class Scenario:
    """A generated population: where people go, who came together, and when."""

    seed: int
    start_date: datetime.date
    facilities: list[FacilitySpec]
    households: list[HouseholdSpec]
    person_count: int = field(default=0)

    @property
    def persons(self) -> Iterator[PersonSpec]:
        for household in self.households:
            yield from household.members

    def facility(self, name: str) -> FacilitySpec:
        for f in self.facilities:
            if f.name == name:
                return f
        raise KeyError(f"no facility named {name!r} in this scenario")
