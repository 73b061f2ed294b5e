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
from muster.scenario.model import (
    CanonicalName,
    Document,
    HouseholdSpec,
    KidnapRecord,
    PersonSpec,
    Scenario,
)
from muster.scenario.names import EMPTY, Name, NameTable
from muster.scenario.shape import DEFAULT_SHAPE, PopulationShape, fashion_names, skewed_tables

DEFAULT_START = datetime.date(2019, 1, 20)
DEFAULT_DAYS = 49

# Household nationality (PopulationShape.nationality_mix): most evacuees were Syrian or Iraqi.
_FOREIGN_W = {
    "TUN": 12, "MAR": 8, "DZA": 3, "EGY": 5, "SAU": 5, "JOR": 3, "TUR": 10, "RUS": 12,
    "UZB": 6, "TJK": 5, "KAZ": 4, "FRA": 8, "DEU": 5, "GBR": 3, "BEL": 3, "NLD": 3, "IDN": 5,
}  # fmt: skip
_FOREIGN_CODES = list(_FOREIGN_W)
_FOREIGN_CUM = list(accumulate(_FOREIGN_W.values()))
_ARAB_FOREIGN = {"TUN", "MAR", "DZA", "EGY", "SAU", "JOR"}

# How the reception officer typed names: Arabic script, or Latin in style A/B/C, or loosely (-1).
_OFFICER = [("arabic", 0), ("latin", 0), ("latin", 1), ("latin", 2), ("latin", -1)]
_OFFICER_CUM = list(accumulate([0.25, 0.36, 0.2, 0.1, 0.09]))

# Probability that a man of this origin heading a family is held after screening.
_P_HELD_HEAD = {"SYR": 0.3, "IRQ": 0.45, "FOREIGN": 0.85}
_P_HELD_SINGLE = {"SYR": 0.75, "IRQ": 0.85, "FOREIGN": 0.95}
# A widow's or a wife's household whose man was detained earlier counts as family of held.
_P_WIDOW_FOH = {"SYR": 0.15, "IRQ": 0.25, "FOREIGN": 0.85}

_KIDNAP_RATE = 0.0007  # a few dozen in 60,000


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


class _Generator:
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

    def family_household(self, nat: str, group: str, origin_group: str) -> list[_Draft]:
        rand = self.rand
        r = self.r
        head_age = int(r.triangular(18, 72, 30))
        if self.shape.clan_share and rand() < self.shape.clan_share:
            head = self.person("head", "M", head_age, nat, group, *self.clan_head(group))
        else:
            head = self.person("head", "M", head_age, nat, group)
        g, f, gf, fam, m = head.canon[:5]
        members = [head]
        taken: set[int] = set()
        wives = 1 if rand() < 0.90 else (2 if rand() < 0.8 else 3)
        if head_age < 21 and rand() < 0.5:
            wives = 0
        for w in range(wives):
            age = max(15, head_age - 2 - int(rand() * 9) - 6 * w)
            if origin_group == "FOREIGN" and rand() < 0.4:
                # Wives of foreign fighters: often Syrian/Iraqi, sometimes another foreigner.
                wnat = (
                    "SYR"
                    if rand() < 0.6
                    else _FOREIGN_CODES[bisect(_FOREIGN_CUM, rand() * _FOREIGN_CUM[-1])]
                )
            else:
                wnat = nat
            wgroup = group if wnat == nat else wnat
            # Cousin marriage is common: a wife of the same tribe is frequent.
            wfam = fam if rand() < 0.3 and wnat == nat else None
            wife = self.person("spouse", "F", age, wnat, wgroup, family=wfam)
            members.append(wife)
            members.extend(self.children(age, head, g, f, fam, wife.canon[0], nat, group, taken, f))
        if wives == 0 and head_age >= 25:
            # A widower with his children: their mother's name is known but she is not here.
            members.extend(self.children(head_age - 3, head, g, f, fam, self.female_given(group),
                                         nat, group, taken, f))  # fmt: skip
        x = rand()
        if x < 0.10 and head_age < 50:
            members.append(
                self.person(
                    "mother", "F", min(95, head_age + 18 + int(rand() * 12)), nat, group, given=m
                )
            )
            if rand() < 0.35:
                members.append(self.person("father", "M", min(98, head_age + 22 + int(rand() * 12)), nat, group,
                                           given=f, father=gf, family=fam))  # fmt: skip
        if rand() < 0.12:
            # The sibling trap: same father, grandfather, family and mother as the head.
            for _ in range(1 + (rand() < 0.3)):
                sex = "M" if rand() < 0.5 else "F"
                sib_age = max(8, head_age + int(rand() * 16) - 8)
                given = self.pick_distinct(N.MALE if sex == "M" else N.FEMALE, taken | {id(g)})
                members.append(self.person("brother" if sex == "M" else "sister", sex, sib_age, nat, group,
                                           given, f, gf, fam, m))  # fmt: skip
        if head_age >= 48 and rand() < 0.25:
            # Grandchildren whose father (a son of the head) was killed or detained.
            son = self.pick_distinct(N.MALE, taken)
            dil = self.female_given(group)
            for _ in range(1 + int(rand() * 3)):
                sex = "M" if rand() < 0.5 else "F"
                members.append(self.person("grandson" if sex == "M" else "granddaughter", sex, int(rand() * 12),
                                           nat, group, None, son, g, fam, dil))  # fmt: skip
        if rand() < 0.05:
            brother = self.pick_distinct(N.MALE, taken)
            sil = self.female_given(group)
            for _ in range(1 + int(rand() * 2)):
                sex = "M" if rand() < 0.5 else "F"
                members.append(self.person("nephew" if sex == "M" else "niece", sex, int(rand() * 16),
                                           nat, group, None, brother, f, fam, sil))  # fmt: skip
        if rand() < 0.02:
            members.append(
                self.person(
                    "other", "M" if rand() < 0.4 else "F", int(r.triangular(5, 70, 25)), nat, group
                )
            )
        del members[self.shape.household_cap :]
        if head_age < 65 and rand() < _P_HELD_HEAD[origin_group]:
            head.cat = "held"
            for p in members[1:]:
                if p.sex == "M" and p.rel in ("son", "brother", "nephew") and p.age >= 15:
                    # Adolescents 15-17 are sometimes held: the child-protection safeguard must see them.
                    if p.age >= 18 and rand() < 0.8 or p.age < 18 and rand() < 0.35:
                        p.cat = "held"
                        continue
                p.cat = "family_of_held"
        return members

    def widow_household(self, nat: str, group: str, origin_group: str) -> list[_Draft]:
        """A woman heading her children: husband killed, missing or detained earlier."""
        rand = self.rand
        age = int(self.r.triangular(17, 65, 28))
        husband = self.person("other", "M", age + 5, nat, group)
        hg, hf, _, hfam = husband.canon[:4]
        head = self.person("head", "F", age, nat, group, family=hfam if rand() < 0.3 else None)
        members = [head]
        taken: set[int] = set()
        members.extend(self.children(age, None, hg, hf, hfam, head.canon[0], nat, group, taken, hf))
        if rand() < 0.15:
            # Her mother-in-law came with her: the children's grandmother.
            members.append(
                self.person(
                    "other",
                    "F",
                    min(95, age + 25 + int(rand() * 10)),
                    nat,
                    group,
                    given=husband.canon[4],
                    family=hfam,
                )
            )
        del members[self.shape.household_cap :]
        if rand() < _P_WIDOW_FOH[origin_group]:
            for p in members:
                p.cat = "family_of_held"
        return members

    def children_alone(self, nat: str, group: str) -> list[_Draft]:
        """Siblings who arrive without any adult."""
        rand = self.rand
        father, gf, fam, mother = (
            self.male_given(group),
            self.male_given(group),
            self.family(group),
            self.female_given(group),
        )
        taken: set[int] = set()
        members = []
        age = 10 + int(rand() * 8)
        for i in range(1 + int(rand() * rand() * 3)):
            sex = "M" if rand() < 0.6 else "F"
            given = self.pick_distinct(N.MALE if sex == "M" else N.FEMALE, taken)
            rel = "head" if i == 0 else ("brother" if sex == "M" else "sister")
            members.append(
                self.person(rel, sex, max(2, age), nat, group, given, father, gf, fam, mother)
            )
            age -= 1 + int(rand() * 4)
        return members

    # --- kidnapped persons --------------------------------------------------------------------
    def kidnapped(self, host: list[_Draft] | None) -> _Draft:
        """A Yazidi woman or child taken from Sinjar in August 2014, possibly renamed by the captors."""
        rand = self.rand
        r = self.r
        child = rand() < 0.55
        sex = "F" if not child or rand() < 0.6 else "M"
        years_held = 4 + (self.start.month >= 8)
        age_taken = int(3 + rand() * 10) if child else int(14 + rand() * 20)
        age = age_taken + years_held
        birth = self.person("other", sex, age, "IRQ", "ku", family=self.pick(N.YAZIDI_FAMILY))
        birth_name = CanonicalName(*birth.canon)
        renamed = rand() < 0.65
        if renamed:
            given = self.pick(N.MALE if sex == "M" else N.FEMALE)
            if host:
                # The captor's family name and chain become hers on paper.
                h = host[0].canon
                canon = [
                    given,
                    h[0],
                    h[1],
                    h[3].feminine if sex == "F" else h[3],
                    self.pick(N.FEMALE),
                    EMPTY,
                ]
            else:
                canon = [
                    given,
                    self.pick(N.MALE),
                    self.pick(N.MALE),
                    self.pick(N.FAMILY),
                    self.pick(N.FEMALE),
                    EMPTY,
                ]
            birth.canon = canon
        place = P.SINJAR[bisect(P.SINJAR_CUM, rand() * P.SINJAR_CUM[-1])]
        taken_on = datetime.date(2014, 8, 3) + datetime.timedelta(days=int(rand() * rand() * 20))
        birth.kidnap = KidnapRecord(
            birth_name, place.name, place.pcode, taken_on, age_taken, renamed
        )
        birth.origin = None if (renamed and host) else place
        if host is None:
            birth.rel = "head"
        _ = r
        return birth


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
    n_kidnapped = min(persons, max(3, round(persons * _KIDNAP_RATE))) if persons >= 50 else 0
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
    held = foh = foreign_foh = 0
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
                if p.nationality not in ("SYR", "IRQ"):
                    foreign_foh += 1
        households.append(hh)
    facilities = build_facilities(persons, held, foh, foreign_foh)
    return Scenario(seed, start_date, facilities, households, next_person - 1)
