"""The facilities of the scenario, with capacities scaled to the population size.

Capacities are chosen so that the population roughly fits, but the large displacement camp and the
holding facilities sit near or over capacity, as al-Hol and the holding facilities did in 2019: the
demo must show capacity enforcement at work.
"""

from __future__ import annotations

from muster.scenario.model import FacilitySpec


def build_facilities(persons: int, held: int, family_of_held: int) -> list[FacilitySpec]:
    """Facilities for a population of ``persons`` with the given category counts."""

    def cap(share: float, base: int, minimum: int) -> int:
        # Round to tens: capacities on paper are round numbers.
        return max(minimum, int(round(share * base, -1)))

    civilians = persons - held - family_of_held
    # Families of held persons go to the family camp, all of them (not only the foreign ones): the
    # family camp is sized for them, the displacement camps for the civilians.
    camp_bound = civilians
    return [
        FacilitySpec(
            "Reception point 1 (Baghouz)",
            "reception_point",
            cap(0.03, persons, 60),
            "SY090301",
            "Baghouz Tahtani",
        ),
        FacilitySpec(
            "Reception point 2 (Al-Marashida)",
            "reception_point",
            cap(0.02, persons, 40),
            "SY090301",
            "Al-Marashida",
        ),
        FacilitySpec(
            "Reception point 3 (Al-Sousa)",
            "reception_point",
            cap(0.015, persons, 30),
            "SY090301",
            "Al-Sousa",
        ),
        FacilitySpec(
            "Al-Omar screening site",
            "screening_site",
            cap(0.05, persons, 100),
            "SY090202",
            "Al-Omar oil field",
        ),
        # Over capacity once the waves have come through, like al-Hol (built for 10,000, held 70,000).
        FacilitySpec(
            "Al-Hol camp", "displacement_camp", cap(0.85, camp_bound, 100), "SY080003", "Al-Hol"
        ),
        FacilitySpec(
            "Areesha camp", "displacement_camp", cap(0.12, camp_bound, 40), "SY080101", "Areesha"
        ),
        FacilitySpec(
            "Roj family camp",
            "family_camp",
            cap(0.95, family_of_held, 30),
            "SY080402",
            "Al-Malikiyah",
        ),
        FacilitySpec(
            "Hasakah central holding facility",
            "holding_facility",
            cap(0.55, held, 40),
            "SY080000",
            "Al-Hasakah",
        ),
        FacilitySpec(
            "Al-Shaddadi holding facility",
            "holding_facility",
            cap(0.25, held, 20),
            "SY080202",
            "Al-Shaddadi",
        ),
        FacilitySpec(
            "Derik holding facility",
            "holding_facility",
            cap(0.15, held, 20),
            "SY080400",
            "Al-Malikiyah (Derik)",
        ),
    ]
