"""Persons registered twice (again at another reception point), so that screening finds duplicates."""

import random

from django.utils.translation import gettext as _

from muster.custody.models import Facility

RE_REGISTRATION_FIELDS = ("given_name", "father_name", "grandfather_name", "family_name",
                          "mother_name", "alias", "sex", "date_of_birth", "birth_year",
                          "place_of_origin", "nationality")  # fmt: skip


def _re_registrations(scenario, facilities, registrar, seed: int) -> None:
    """A few adults come back to a reception point today and are registered again, spelled as
    another register would (the camp's Latin habits, or Arabic script): registered through the
    reception service, so that screening finds them as it would on the day (duplicate hits)."""
    from django.core.exceptions import ValidationError

    from muster.intake import services as intake
    from muster.people.validation import clean_household
    from muster.scenario.sources import render_records

    rng = random.Random(seed + 11)
    adults = [p for p in scenario.persons if not p.is_child and p.father_name and p.family_name]
    count = max(3, min(40, len(adults) // 500))
    chosen = rng.sample(adults, min(count, len(adults)))
    points = sorted(
        (f for f in facilities.values() if f.kind == Facility.Kind.RECEPTION_POINT),
        key=lambda f: f.name,
    )
    for i, spec in enumerate(chosen):
        source = "camp" if i % 2 else "authority_ar"
        record, _truth = next(iter(render_records([spec], {source: 1.0}, seed=seed + i)))
        member = {k: record[k] for k in RE_REGISTRATION_FIELDS if record.get(k)}
        if member.get("date_of_birth"):
            member.pop("birth_year", None)
        member["relationship_to_head"] = "head"
        try:
            intake.register_household(
                clean_household([member]),
                reception_point=points[i % len(points)],
                by=registrar,
                override_reason=_("Demo scenario load"),
            )
        except ValidationError:
            # A rendering the reception form would refuse (a register's impossible date): the
            # officer would have corrected it; the demo skips that person.
            continue
