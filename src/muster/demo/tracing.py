"""Family tracing in the demo: abducted Yazidi women and children among the evacuees, some
registered under their captors' names, and their families' requests opened through the tracing
services, so a caseworker finds candidates ranked on day one.

The scenario's abducted persons are registered as :mod:`muster.scenario.tracing` has them (a
renamed child keeps the mother's name more often than the father's; the place of origin is the
village taken from or the captors' town); most of them have a request from the family, written
the way families write them (Kurmanji, English-style or Arabic spelling, an age at separation
rather than a birth year); a few are for a brother or sister taken the same day and still missing.
"""

from __future__ import annotations

import random
from dataclasses import replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from muster.scenario.shape import PopulationShape
from muster.scenario.tracing import HABITS, _as_registered, _request

# Abducted persons among the demo's evacuees: about 40 in the default 5,000.
DEMO_SHAPE = PopulationShape(kidnapped_share=0.008)
# Of the abducted, the share whose family has filed a request by the time of the demo.
REQUESTED = 0.8
# Of the requests, the share with a sibling's request too: a child taken the same day and not among
# the evacuees (still missing).
STILL_MISSING = 0.15
SISTERS = ("Rojin", "Sozdar", "Evîn", "Nergiz", "Dilan")
BROTHERS = ("Hozan", "Rênas", "Berzan", "Şêrzad", "Welat")
OFFICES = (  # in English here; opened in the demo's language
    gettext_noop("Dohuk tracing office"),
    gettext_noop("Sinjar office for Yazidi affairs"),
    gettext_noop("Zakho tracing office"),
)
# The scenario's marks and the requester's relationship, as the caseworker writes them: in the
# demo's language (a Sorani demo read "scar on the forehead" and "father" in English).
WRITTEN = {
    "scar on the left hand": gettext_noop("scar on the left hand"),
    "birthmark on the neck": gettext_noop("birthmark on the neck"),
    "mole under the right eye": gettext_noop("mole under the right eye"),
    "burn scar on the arm": gettext_noop("burn scar on the arm"),
    "missing front tooth": gettext_noop("missing front tooth"),
    "tattoo dots on the chin": gettext_noop("tattoo dots on the chin"),
    "scar on the forehead": gettext_noop("scar on the forehead"),
    "limps on the right leg": gettext_noop("limps on the right leg"),
    "mother": gettext_noop("mother"),
    "father": gettext_noop("father"),
}
REQUEST_FIELDS = (
    "given_name", "father_name", "grandfather_name", "family_name", "mother_name", "sex",
    "birth_year", "age_at_separation", "separation_date", "separation_place",
    "distinguishing_marks",
)  # fmt: skip


def register_abducted(scenario, seed: int) -> int:
    """Rewrite the abducted members as the registers hold them; returns how many there are."""
    r = random.Random(seed * 104_729 + 7)
    n = 0
    for household in scenario.households:
        for i, p in enumerate(household.members):
            if p.kidnap is None:
                continue
            reg = _as_registered(p, r, HABITS)
            c = reg.canonical
            typed = [part.arabic if p.script == "arabic" else part.latin for part in c]
            household.members[i] = replace(
                reg,
                given_name=typed[0],
                father_name=typed[1],
                grandfather_name=typed[2],
                family_name=typed[3],
                mother_name=typed[4],
                alias=typed[5],
            )
            n += 1
    return n


def family_requests(scenario, seed: int) -> list[dict[str, object]]:
    """The requests families filed for the abducted: request fields, the requester included."""
    r = random.Random(seed * 7_919 + 29)
    out = []
    for n, p in enumerate((p for p in scenario.persons if p.kidnap is not None), start=1):
        if r.random() >= REQUESTED:
            continue
        row = _request(p, f"demo-{n}", r, HABITS)
        fields: dict[str, object] = {k: row.get(k, "") for k in REQUEST_FIELDS}
        birth = p.kidnap.birth_name
        asker, relationship = (
            (birth.mother_name, "mother") if r.random() < 0.6 else (birth.father_name, "father")
        )
        fields["requester_name"] = f"{asker.latin} {birth.family_name.latin}".strip()
        fields["requester_relationship"] = _(WRITTEN[relationship])
        if fields["distinguishing_marks"]:
            fields["distinguishing_marks"] = _(WRITTEN[str(fields["distinguishing_marks"])])
        fields["requester_contact"] = (
            f"+964 750 {r.randrange(100, 1000)} {r.randrange(1000, 10000)}"
        )
        fields["office"] = _(OFFICES[r.randrange(len(OFFICES))])
        if p.kidnap.renamed:
            fields["notes"] = _("The family believes she or he was given another name.")
        out.append(fields)
        if r.random() < STILL_MISSING:
            out.append(_sibling_still_missing(fields, r, p.kidnap.taken_on.year))
    return out


def _sibling_still_missing(
    fields: dict[str, object], r: random.Random, taken_in: int
) -> dict[str, object]:
    """A brother or sister taken the same day and not among the evacuees: the same parents and
    place, another given name and age. The matcher may well propose the sibling who was found
    (renamed, the given name says little): the hard case a caseworker's verification settles.

    A sibling taken in ``taken_in`` was born by then: two or three years younger than a child
    taken at three or four (and written a year late by the family) would be born after it, a
    request the tracing services refuse, so that sibling is the older one."""
    sibling = dict(fields)
    sibling["sex"] = "F" if r.random() < 0.6 else "M"
    names = SISTERS if sibling["sex"] == "F" else BROTHERS
    sibling["given_name"] = names[r.randrange(len(names))]
    if sibling.get("birth_year"):
        year = int(str(sibling["birth_year"]))
        gap = r.choice((-3, -2, 2, 3))
        sibling["birth_year"] = str(year + gap if year + gap <= taken_in else year - gap)
    elif sibling.get("age_at_separation") not in ("", None):
        sibling["age_at_separation"] = str(max(1, int(str(sibling["age_at_separation"])) - 2))
    sibling["distinguishing_marks"] = ""
    sibling["notes"] = _("Taken the same day as a brother or sister; still missing.")
    return sibling


def load_tracing(scenario, caseworker, seed: int) -> int:
    """Open the families' requests and match each against the registry now, so that a caseworker
    finds candidates ranked on day one (opening also queues a match for the background worker,
    which finds the same); returns how many were opened."""
    from muster.tracing import services as tracing

    opened = 0
    for fields in family_requests(scenario, seed):
        req = tracing.open_request(fields, by=caseworker)
        tracing.find_candidates(req, by=caseworker)
        opened += 1
    return opened
