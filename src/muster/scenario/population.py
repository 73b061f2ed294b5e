"""The generator: households with coherent kinship, categories, dates, documents and arrival waves.

One :class:`random.Random` seeded by the caller drives everything, so a seed always yields the same
population. Hot paths use precomputed cumulative weights with ``bisect`` (``random.choices`` is
several times slower) and share :class:`~muster.scenario.names.Name` objects between persons.
"""

from __future__ import annotations

import datetime
import random
from bisect import bisect
from itertools import accumulate

from muster.scenario import names as N
from muster.scenario import places as P
from muster.scenario.facilities import build_facilities
from muster.scenario.freeze import _day_weights, _freeze_household
from muster.scenario.households import _FOREIGN_CODES, _FOREIGN_CUM, _HouseholdShapes
from muster.scenario.model import (
    KidnapRecord,
    Scenario,
)
from muster.scenario.names import EMPTY, Name, NameTable
from muster.scenario.shape import DEFAULT_SHAPE, PopulationShape, fashion_names, skewed_tables

DEFAULT_START = datetime.date(2019, 1, 20)
DEFAULT_DAYS = 49

_ARAB_FOREIGN = {"TUN", "MAR", "DZA", "EGY", "SAU", "JOR"}


# Probability that a single man of this origin is held after screening (a head of family:
# muster.scenario.households).
_P_HELD_SINGLE = {"SYR": 0.75, "IRQ": 0.85, "FOREIGN": 0.95}


class _Draft:
    """A person under construction (mutable, cheap); frozen into a PersonSpec at the end."""

    __slots__ = ("rel", "sex", "age", "nat", "canon", "cat", "vuln", "kidnap", "origin")

    def __init__(self, rel: str, sex: str, age: int, nat: str, canon: list[Name]) -> None:
        self.rel = rel
        self.sex = sex
        self.age = age
        self.nat = nat
        self.canon = canon  # given, father, grandfather, family, mother, alias
        self.cat = "civilian"
        self.vuln: list[str] = []
        self.kidnap: KidnapRecord | None = None
        self.origin: P.Place | None = None


class _Clan:
    """Brothers and cousins: the patriarch, his father, the family name and his sons' names."""

    __slots__ = ("patriarch", "elder", "family", "sons", "households")

    def __init__(self, patriarch: Name, elder: Name, family: Name) -> None:
        self.patriarch = patriarch
        self.elder = elder
        self.family = family
        self.sons: list[Name] = []
        self.households = 0


class _Generator(_HouseholdShapes):
    def __init__(self, seed: int, start: datetime.date, days: int,
                 shape: PopulationShape = DEFAULT_SHAPE) -> None:  # fmt: skip
        self.r = random.Random(seed)
        self.rand = self.r.random
        self.start = start
        self.days = days
        # Every knob below is consulted only when it differs from its default, so that a default
        # shape draws exactly the random numbers it always drew (same population for a seed).
        self.shape = shape
        self.skewed = skewed_tables(shape.name_skew) if shape.name_skew != 1.0 else None
        self.fashion = fashion_names() if shape.fashion_children else None
        self.clans: dict[str, list[_Clan]] = {}
        mix = shape.nationality_mix
        self.nat_cut = (mix[0], mix[0] + mix[1])
        self.nat_scale = sum(mix) if mix != DEFAULT_SHAPE.nationality_mix else None
        self.kinds = shape.household_kinds

    # --- sampling helpers --------------------------------------------------------------------
    def pick(self, table: NameTable) -> Name:
        if self.skewed is not None:
            view = self.skewed.get(id(table))
            if view is not None:
                return view.names[bisect(view.cum, self.rand() * view.total)]
        return table.names[bisect(table.cum, self.rand() * table.total)]

    def pick_distinct(self, table: NameTable, avoid: set[int]) -> Name:
        for _ in range(8):
            name = self.pick(table)
            if id(name) not in avoid:
                avoid.add(id(name))
                return name
        return name

    def male_given(self, group: str) -> Name:
        if group == "ku":
            return self.pick(N.KURDISH_MALE)
        if group in N.FOREIGN:
            f = N.FOREIGN[group]
            if f.male.names and self.rand() >= f.arabic_given_share:
                return self.pick(f.male)
        return self.pick(N.MALE)

    def female_given(self, group: str) -> Name:
        if group == "ku":
            return self.pick(N.KURDISH_FEMALE)
        if group in N.FOREIGN:
            f = N.FOREIGN[group]
            if f.female.names and self.rand() >= f.arabic_given_share:
                return self.pick(f.female)
        return self.pick(N.FEMALE)

    def family(self, group: str) -> Name:
        if group in N.FOREIGN:
            return self.pick(N.FOREIGN[group].family)
        if group == "ku":
            return self.pick(N.YAZIDI_FAMILY) if self.rand() < 0.3 else self.pick(N.FAMILY)
        return self.pick(N.FAMILY)

    def origin(self, nat: str) -> P.Place:
        if nat == "SYR":
            return P.SYRIA[bisect(P.SYRIA_CUM, self.rand() * P.SYRIA_CUM[-1])]
        if nat == "IRQ":
            return P.IRAQ[bisect(P.IRAQ_CUM, self.rand() * P.IRAQ_CUM[-1])]
        town = self.r.choice(P.FOREIGN_TOWNS[nat])
        return P.Place(town, "", "", 1.0)

    def person(self, rel: str, sex: str, age: int, nat: str, group: str, given: Name | None = None,
               father: Name | None = None, grandfather: Name | None = None, family: Name | None = None,
               mother: Name | None = None) -> _Draft:  # fmt: skip
        """A person whose unknown name parts are drawn fresh for ``group``."""
        given = given or (self.male_given(group) if sex == "M" else self.female_given(group))
        family = family or self.family(group)
        if sex == "F":
            family = family.feminine
        canon = [
            given,
            father or self.male_given(group),
            grandfather or self.male_given(group),
            family,
            mother or self.female_given(group),
            EMPTY,
        ]
        return _Draft(rel, sex, age, nat, canon)

    def fashion_given(self, sex: str, taken: set[int], fallback: Name) -> Name:
        """One of the cohort's fashionable names not yet given to a sibling."""
        assert self.fashion is not None
        view = self.fashion[0] if sex == "M" else self.fashion[1]
        for _ in range(4):
            name = view.names[bisect(view.cum, self.rand() * view.total)]
            if id(name) not in taken:
                taken.add(id(name))
                return name
        return fallback

    def clan_head(self, group: str) -> tuple[Name, Name, Name, Name]:
        """Given, father, grandfather and family name of a man heading a household of his clan.

        He is a son of the clan's patriarch (a brother of the other sons) or a grandson through
        one of those sons; grandsons are often named after the patriarch, so cousins share their
        given name, their grandfather's name and the family name.
        """
        rand = self.rand
        open_clans = self.clans.setdefault(group, [])
        if open_clans and rand() < 0.85:
            clan = open_clans[int(rand() * len(open_clans))]
        else:
            clan = _Clan(self.male_given(group), self.male_given(group), self.family(group))
            open_clans.append(clan)
        clan.households += 1
        if clan.households >= self.shape.clan_households:
            open_clans.remove(clan)
        if not clan.sons or (len(clan.sons) < 6 and rand() < 0.4):
            taken = {id(s) for s in clan.sons} | {id(clan.patriarch)}
            son = self.pick_distinct(N.KURDISH_MALE if group == "ku" else N.MALE, taken)
            clan.sons.append(son)
            return son, clan.patriarch, clan.elder, clan.family
        father = clan.sons[int(rand() * len(clan.sons))]
        if rand() < self.shape.first_son_after_grandfather:
            given = clan.patriarch
        else:
            given = self.male_given(group)
        return given, father, clan.patriarch, clan.family

    # --- households ---------------------------------------------------------------------------
    def household(self) -> tuple[list[_Draft], str]:
        """One household (head first) and its origin group (SYR / IRQ / FOREIGN)."""
        rand = self.rand
        x = rand()
        if self.nat_scale is not None:
            x *= self.nat_scale
        if x < self.nat_cut[0]:
            nat, origin_group = "SYR", "SYR"
        elif x < self.nat_cut[1]:
            nat, origin_group = "IRQ", "IRQ"
        else:
            nat = _FOREIGN_CODES[bisect(_FOREIGN_CUM, rand() * _FOREIGN_CUM[-1])]
            origin_group = "FOREIGN"
        group = "ku" if nat in ("SYR", "IRQ") and rand() < 0.03 else nat
        kind = rand()
        kinds = self.kinds
        if kind < kinds[0]:
            members = self.family_household(nat, group, origin_group)
        elif kind < kinds[1]:
            members = self.widow_household(nat, group, origin_group)
        elif kind < kinds[2]:
            head = self.person("head", "M", int(self.r.triangular(15, 60, 23)), nat, group)
            held = rand() < _P_HELD_SINGLE[origin_group]
            head.cat = "held" if held else "civilian"
            members = [head]
        elif kind < kinds[3]:
            head = self.person(
                "head", "M" if rand() < 0.4 else "F", 60 + int(rand() * 25), nat, group
            )
            members = [head]
        else:
            members = self.children_alone(nat, group)
        return members, origin_group

    def children(self, mother_age: int, father: _Draft | None, fathers_given: Name,
                 grandfather: Name, family: Name, mother: Name, nat: str, group: str,
                 taken: set[int], first_son_after: Name | None) -> list[_Draft]:  # fmt: skip
        """Children of one mother: ages spaced 1-3 years, names chained to their father."""
        rand = self.rand
        fertile_years = max(0, min(mother_age, 44) - 17)
        count = min(int(rand() * rand() * self.shape.children_spread) + 1, fertile_years // 2 + 1)
        ages = []
        age = int(rand() * 2.5)
        for _ in range(count):
            if age > mother_age - 15:
                break
            ages.append(age)
            age += 1 + int(rand() * rand() * 4)
        if group not in N.FOREIGN or rand() < 0.85:
            # Children born in the "caliphate" to foreign fathers mostly carry Arabic names.
            kid_group = "SYR" if group in N.FOREIGN else group
        else:
            kid_group = group
        kids = []
        named_after_grandfather = False
        for age in reversed(
            ages
        ):  # eldest first: the eldest son is the one named after his grandfather
            sex = "M" if rand() < 0.51 else "F"
            if sex == "M" and first_son_after is not None and not named_after_grandfather:
                named_after_grandfather = True
                if (
                    rand() < self.shape.first_son_after_grandfather
                    and id(first_son_after) not in taken
                ):
                    # The first son is often named after his paternal grandfather.
                    given = first_son_after
                    taken.add(id(given))
                else:
                    given = self.pick_distinct(
                        N.KURDISH_MALE if kid_group == "ku" else N.MALE, taken
                    )
            elif sex == "M":
                given = self.pick_distinct(N.KURDISH_MALE if kid_group == "ku" else N.MALE, taken)
            else:
                given = self.pick_distinct(
                    N.KURDISH_FEMALE if kid_group == "ku" else N.FEMALE, taken
                )
            if self.fashion is not None and age < 10 and kid_group != "ku":
                if rand() < self.shape.fashion_children:
                    given = self.fashion_given(sex, taken, given)
            kids.append(
                self.person(
                    "son" if sex == "M" else "daughter",
                    sex,
                    age,
                    nat,
                    group,
                    given,
                    fathers_given,
                    grandfather,
                    family,
                    mother,
                )  # fmt: skip
            )
        return kids


def generate(persons: int = 5000, seed: int = 7, start_date: datetime.date = DEFAULT_START,
             days: int = DEFAULT_DAYS, shape: PopulationShape | None = None) -> Scenario:  # fmt: skip
    """A synthetic Baghouz-like evacuation of exactly ``persons`` people, deterministic for ``seed``.

    ``shape`` changes the population's make-up (:class:`~muster.scenario.shape.PopulationShape`);
    without it, or with every knob at its default, a seed gives the population it always gave.
    """
    if persons < 1:
        raise ValueError(f"persons must be at least 1, got {persons}")
    shape = shape or DEFAULT_SHAPE
    if shape.household_cap < 1:
        raise ValueError(f"household_cap must be at least 1, got {shape.household_cap}")
    gen = _Generator(seed, start_date, days, shape)
    rand = gen.rand
    n_kidnapped = (
        min(persons, max(3, round(persons * shape.kidnapped_share))) if persons >= 50 else 0
    )
    budget = persons - n_kidnapped
    drafts: list[tuple[list[_Draft], str]] = []
    count = 0
    while count < budget:
        members, group = gen.household()
        if count + len(members) > budget:
            del members[budget - count :]
        drafts.append((members, group))
        count += len(members)
    for _ in range(n_kidnapped):
        if drafts and rand() < 0.7:
            # Most arrive embedded in their captors' household (often a held man's).
            host, _g = drafts[int(rand() * len(drafts))]
            if len(host) < 12:
                host.append(gen.kidnapped(host))
                continue
        drafts.append(([gen.kidnapped(None)], "IRQ"))
    # Arrival waves: households sorted by arrival day so keys read chronologically.
    weights = _day_weights(days, rand)
    cum = list(accumulate(weights))
    total = cum[-1]
    day_of = [bisect(cum, rand() * total) for _ in drafts]
    order = sorted(range(len(drafts)), key=day_of.__getitem__)
    reception_points = [
        "Reception point 1 (Baghouz)",
        "Reception point 2 (Al-Marashida)",
        "Reception point 3 (Al-Sousa)",
    ]
    rp_cum = [0.5, 0.8, 1.0]
    dates = [start_date + datetime.timedelta(days=d) for d in range(days)]
    households = []
    next_person = 1
    held = foh = 0
    for n, idx in enumerate(order, start=1):
        members, group = drafts[idx]
        rp = reception_points[bisect(rp_cum, rand())]
        hh = _freeze_household(
            gen, f"H{n:06d}", members, group, dates[day_of[idx]], rp, next_person
        )
        next_person += len(hh.members)
        for p in hh.members:
            if p.category == "held":
                held += 1
            elif p.category == "family_of_held":
                foh += 1
        households.append(hh)
    facilities = build_facilities(persons, held, foh)
    return Scenario(seed, start_date, facilities, households, next_person - 1)
