"""The shapes of household the generator draws: a family (with its clan's chain of names, sons
and daughters, a held head), a widow's household, children alone, and the abducted (Yazidi women
and children from Sinjar, renamed by their captors).

A mixin of :class:`muster.scenario.population._Generator`: the methods draw from its one random
stream (``self.rand``) and build persons with its helpers (``self.person``, ``self.children``).
"""

from __future__ import annotations

import datetime
from bisect import bisect
from itertools import accumulate
from typing import TYPE_CHECKING

from muster.scenario import names as N
from muster.scenario import places as P
from muster.scenario.model import CanonicalName, KidnapRecord
from muster.scenario.names import EMPTY

if TYPE_CHECKING:
    from muster.scenario.population import _Draft

# Household nationality (PopulationShape.nationality_mix): most evacuees were Syrian or Iraqi.
_FOREIGN_W = {
    "TUN": 12, "MAR": 8, "DZA": 3, "EGY": 5, "SAU": 5, "JOR": 3, "TUR": 10, "RUS": 12,
    "UZB": 6, "TJK": 5, "KAZ": 4, "FRA": 8, "DEU": 5, "GBR": 3, "BEL": 3, "NLD": 3, "IDN": 5,
}  # fmt: skip
_FOREIGN_CODES = list(_FOREIGN_W)
_FOREIGN_CUM = list(accumulate(_FOREIGN_W.values()))

# Probability that a man of this origin heading a family is held after screening.
_P_HELD_HEAD = {"SYR": 0.3, "IRQ": 0.45, "FOREIGN": 0.85}
# A widow's or a wife's household whose man was detained earlier counts as family of held.
_P_WIDOW_FOH = {"SYR": 0.15, "IRQ": 0.25, "FOREIGN": 0.85}


class _HouseholdShapes:
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
