"""Freezing a generated household into records: how the reception officer wrote each name (script,
style, slips), documents, dates of birth as told, categories as decided; and the arrival waves.

Split from :mod:`muster.scenario.population` (the generator), whose single random stream drives
these functions too: the order of draws is the population's, so a seed gives the same records.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from itertools import accumulate
from typing import TYPE_CHECKING

from muster.scenario import names as N
from muster.scenario.model import CanonicalName, Document, HouseholdSpec, PersonSpec
from muster.scenario.names import Name

if TYPE_CHECKING:
    from muster.scenario.population import _Draft, _Generator

# How the reception officer typed names: Arabic script, or Latin in style A/B/C, or loosely (-1).
_OFFICER = [("arabic", 0), ("latin", 0), ("latin", 1), ("latin", 2), ("latin", -1)]
_OFFICER_CUM = list(accumulate([0.25, 0.36, 0.2, 0.1, 0.09]))


def _freeze_household(gen: _Generator, key: str, drafts: list[_Draft], origin_group: str,
                      arrival: datetime.date, reception: str, next_person: int) -> HouseholdSpec:  # fmt: skip
    rand = gen.rand
    r = gen.r
    script, style = _OFFICER[bisect(_OFFICER_CUM, rand() * _OFFICER_CUM[-1])]
    head = drafts[0]
    home = head.origin or gen.origin(head.nat)
    adults = sum(1 for d in drafts if d.age >= 18)
    size = len(drafts)
    arr_ord = arrival.toordinal()
    sons = [d for d in drafts if d.rel == "son"]
    eldest_son = max(sons, key=lambda d: d.age).canon[0] if sons else None
    members = []
    for i, d in enumerate(drafts):
        c = d.canon
        # Kunya: from the eldest son when there is one; held men often also carry a nisba.
        if d.age >= 20 and d.kidnap is None:
            p_alias = 0.85 if d.cat == "held" else (0.4 if d.sex == "M" else 0.35)
            if rand() < p_alias:
                child = (
                    eldest_son if (eldest_son and d.rel in ("head", "spouse")) else gen.pick(N.MALE)
                )
                nisba = None
                if (
                    d.cat == "held"
                    and d.nat not in ("SYR",)
                    and rand() < (0.7 if d.nat != "IRQ" else 0.2)
                ):
                    nisba = N.NISBA.get(d.nat)
                c[5] = N.kunya(d.sex, child, nisba)
        canonical = CanonicalName(*c)
        # What the officer typed.
        if script == "arabic":
            typed = [n.arabic for n in c]
        elif style >= 0:
            typed = [n.styled[style] if rand() < 0.92 else _variant(n, rand) for n in c]
        else:
            typed = [_variant(n, rand) for n in c]
        if rand() < 0.03:
            typed[1] = ""
        if rand() < (0.12 if d.age >= 18 else 0.2):
            typed[2] = ""
        if rand() < 0.15:
            typed[4] = ""
        # Dates of birth: children mostly have a full date; adults often a year or a 1 January default.
        dob_true = arr_ord - int(d.age * 365.2425) - int(rand() * 365)
        true_date = datetime.date.fromordinal(dob_true)
        x = rand()
        dob: datetime.date | None
        est: int | None = None
        if d.age < 18:
            bands = (0.72, 0.82, 0.95)
        else:
            bands = (0.22, 0.47, 0.85)
        if x < bands[0]:
            dob, year, precision = true_date, true_date.year, "day"
        elif x < bands[1]:
            dob, year, precision = datetime.date(true_date.year, 1, 1), true_date.year, "day"
        elif x < bands[2]:
            dob, year, precision = None, true_date.year, "year"
        else:
            est = d.age if d.age < 20 or rand() < 0.4 else 5 * round(d.age / 5)
            dob, year, precision = None, arrival.year - est, "estimated"
        origin = d.origin or home
        if d.nat != head.nat and d.origin is None:
            origin = gen.origin(d.nat)
        vuln = d.vuln
        if d.age < 18:
            if adults == 0:
                vuln.append("unaccompanied_child")
            elif d.rel in ("grandson", "granddaughter", "nephew", "niece", "other"):
                vuln.append("separated_child")
        elif d.age >= 60 and size == 1:
            vuln.append("elderly_alone")
        if rand() < (0.07 if d.sex == "M" and 16 <= d.age < 60 else 0.025):
            vuln.append("wounded")
        if rand() < (0.18 if d.age >= 60 else 0.04):
            vuln.append("medical")
        if rand() < 0.02:
            vuln.append("disability")
        if d.sex == "F" and 16 <= d.age <= 42 and d.rel in ("spouse", "head") and rand() < 0.13:
            vuln.append("pregnant")
        members.append(
            PersonSpec(
                f"P{next_person + i:06d}",
                key,
                d.rel,
                *typed,
                canonical,
                script,
                d.sex,
                dob,
                year,
                precision,
                est,
                d.age,
                true_date,
                d.nat,
                origin.name,
                origin.pcode,
                d.cat,
                d.kidnap is not None,
                d.kidnap,
                tuple(vuln),
                _documents(r, rand, d, i),
                arrival,
            )  # fmt: skip
        )
    return HouseholdSpec(key, members, arrival, reception)


def _variant(n: Name, rand) -> str:
    return n.variants[bisect(n.variant_cum, rand() * n.variant_cum[-1])]


_PASSPORT = {
    "FRA": "{d2}{L2}{d5}", "DEU": "C{a8}", "GBR": "{d9}", "BEL": "{L2}{d6}", "NLD": "{L2}{a6}{d1}",
    "RUS": "{d2} {d7}", "TUR": "U{d8}", "TUN": "{L1}{d6}", "MAR": "{L2}{d7}", "EGY": "A{d8}",
}  # fmt: skip
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_ALNUM = "0123456789CFGHJKLMNPRTVWXYZ"


def _pattern(r: random.Random, pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "{":
            kind, width = pattern[i + 1], int(pattern[i + 2])
            pool = "0123456789" if kind == "d" else (_LETTERS if kind == "L" else _ALNUM)
            out.append("".join(r.choice(pool) for _ in range(width)))
            i += 4
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _documents(r: random.Random, rand, d: _Draft, index: int) -> tuple[Document, ...]:
    docs = []
    if d.nat in ("SYR", "IRQ"):
        if d.age >= 16 and rand() < 0.3:
            digits = 11 if d.nat == "SYR" else 12
            docs.append(
                Document("national_id", str(r.getrandbits(40) % 10**digits).zfill(digits), d.nat)
            )
        if index == 0 and rand() < 0.25:
            docs.append(Document("family_booklet", str(r.getrandbits(24)).zfill(7), d.nat))
    elif d.age >= 16 and rand() < 0.3:
        docs.append(Document("passport", _pattern(r, _PASSPORT.get(d.nat, "{L1}{d7}")), d.nat))
    if d.age < 18 and rand() < 0.15:
        docs.append(
            Document(
                "birth_certificate",
                str(r.getrandbits(20)).zfill(6),
                d.nat if d.nat in ("SYR", "IRQ") else "SYR",
            )
        )
    return tuple(docs)


def _day_weights(days: int, rand) -> list[float]:
    """Arrivals by day: a base flow, three waves (heavy days), and a few pauses during fighting."""
    peaks = [(0.2, 0.6), (0.5, 0.9), (0.8, 0.75)]
    weights = []
    for day in range(days):
        t = day / max(1, days - 1)
        w = 0.7 + sum(h * pow(2.718281828, -(((t - c) * days / 3.0) ** 2)) for c, h in peaks)
        if rand() < 0.08:
            w *= 0.1  # a pause: fighting resumed, the corridor closed
        weights.append(w)
    return weights
