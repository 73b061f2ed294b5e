"""Named population settings for benchmarks that ask whether identity resolution generalises.

A :class:`Setting` is a population shape (:class:`~muster.scenario.shape.PopulationShape`) and a
set of registers (sources) with their habits. Each models a population written independently of
the project: other registries' spelling habits, family shapes and name frequencies, lists with no
lineage, samples in which most persons appear once. ``project`` and ``heldout`` are the identity
benchmark's own configurations.

``namesake`` is built to be hard on purpose: clans whose boys are named after the same elders,
cohorts of children given the same few names, and few duplicates, so that most candidate pairs
are different persons who share a given name, a birth year and often a father's name. A matcher
that learns its parameters without constraints can take those namesakes for the match class.

    records, truth = labelled_records("namesake", records=20_000, seed=1)
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from muster.scenario.noise import SPELLING_HABITS
from muster.scenario.population import generate
from muster.scenario.shape import DEFAULT_SHAPE, PopulationShape
from muster.scenario.sources import SOURCES, SourceStyle, render_records

DEV = {"reception": 0.9, "camp": 0.5, "authority_ar": 0.3, "ngo": 0.3}


@dataclass(frozen=True)
class Setting:
    name: str
    description: str
    sources: Mapping[str, float]
    shape: PopulationShape = field(default_factory=PopulationShape)
    styles: Mapping[str, SourceStyle] = field(default_factory=dict)
    duplicates_within_source: float = 0.01

    def records_per_person(self) -> float:
        """Expected records per person (every person appears in at least one source)."""
        probs = list(self.sources.values())
        none = 1.0
        for p in probs:
            none *= 1.0 - min(1.0, p)
        return (sum(min(1.0, p) for p in probs) + none) * (1.0 + self.duplicates_within_source)


def _style(base: str, name: str, **changes) -> SourceStyle:
    return replace(SOURCES[base], name=name, **changes)


_ARABIC_MIXED = _style("reception", "reception_mixed", p_arabic=0.5)
_CHECKPOINT = _style("camp", "checkpoint", p_sparse=0.7, p_typo=0.04, p_missing_mother=0.8)
_ESTIMATES = _style(
    "ngo", "estimates", p_age_rounded=0.45, p_year_only=0.4, p_jan1=0.2, p_date_missing=0.1,
    p_year_shift=0.15,
)  # fmt: skip
_CARELESS = _style(
    "reception", "careless", p_typo=0.05, p_swap_given_father=0.05,
    p_swap_father_grandfather=0.08, p_sex_wrong=0.03, p_nationality_default=0.2,
    p_daymonth_swap=0.1,
)  # fmt: skip
_FOREIGN_LIST = SourceStyle(
    "foreign_list", "latin", -1, p_styled=0.0, p_typo=0.03, lineage=False, respell="by_ear",
    p_respell=0.5, p_swap_given_family=0.03, p_missing_family=0.02, p_date_missing=0.02,
    p_year_only=0.1, p_jan1=0.1, p_daymonth_swap=0.05, p_year_shift=0.03, p_year_with_date=0.0,
    p_sex_missing=0.3, p_origin_missing=0.1, p_nationality_missing=1.0,
)  # fmt: skip
_TURKISH = _style("reception", "turkish_register", respell="turkish", p_styled=0.7,
                  p_missing_grandfather=0.4, p_alias=0.1)  # fmt: skip
_GERMAN = _style("reception", "german_office", respell="german", p_styled=0.7,
                 p_missing_grandfather=0.7, p_missing_mother=0.6, p_alias=0.05)  # fmt: skip
_RUSSIAN = _style("reception", "russian_passports", respell="russian", p_styled=0.6,
                  p_missing_grandfather=0.9, p_missing_mother=0.9, p_alias=0.0)  # fmt: skip
_BY_EAR = _style("ngo", "by_ear_list", respell="by_ear", p_respell=0.7)

SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("project", "the identity benchmark's dev configuration", DEV),
        Setting(
            "heldout",
            "the identity benchmark's held-back configuration",
            {"reception": 0.9, "camp": 0.4, "authority_ar": 0.3, "heldout": 0.4},
        ),
        Setting(
            "namesake",
            "clans and cohorts of namesake children; few duplicates (most persons once)",
            {"reception": 1.0, "camp": 0.05, "authority_ar": 0.04},
            PopulationShape(
                name_skew=1.3, clan_share=0.6, first_son_after_grandfather=0.7, fashion_children=0.7
            ),  # fmt: skip
            duplicates_within_source=0.005,
        ),
        Setting(
            "sample_once",
            "the project's population, a sample in which most persons appear once",
            {"reception": 1.0, "ngo": 0.08, "authority_ar": 0.04},
            duplicates_within_source=0.005,
        ),
        Setting(
            "skewed_names",
            "a few names dominate (name weights squared and more)",
            DEV,
            PopulationShape(name_skew=1.6),
        ),
        Setting(
            "flat_names",
            "names spread out, more foreign households",
            DEV,
            PopulationShape(name_skew=0.4, nationality_mix=(0.3, 0.3, 0.4)),
        ),
        Setting(
            "arabic_heavy",
            "most records in Arabic script (half of a Latin register too)",
            {"reception_mixed": 0.9, "authority_ar": 0.8, "camp": 0.3},
            styles={"reception_mixed": _ARABIC_MIXED},
        ),
        Setting(
            "sparse",
            "checkpoint lists with a given name, one more name and a year",
            {"reception": 0.9, "checkpoint": 0.6},
            styles={"checkpoint": _CHECKPOINT},
        ),
        Setting(
            "coarse_dates",
            "estimated ages rounded to five years, years only, missing dates",
            {"camp": 0.9, "estimates": 0.6, "reception": 0.3},
            styles={"estimates": _ESTIMATES},
        ),
        Setting(
            "swaps",
            "a careless register: given and father swapped, wrong sex, default nationality",
            {"reception": 0.9, "careless": 0.6},
            styles={"careless": _CARELESS},
        ),
        Setting(
            "big_families",
            "more families, of 1 to 15, some of them in clans",
            DEV,
            PopulationShape(
                household_kinds=(0.82, 0.88, 0.96, 0.985),
                household_cap=15,
                children_spread=19,
                clan_share=0.3,
            ),  # fmt: skip
        ),
        Setting(
            "clans",
            "tribal clans: cousins named after the same grandfather",
            DEV,
            PopulationShape(clan_share=0.7, first_son_after_grandfather=0.6),
        ),
        Setting(
            "no_lineage",
            "a foreign authority's Latin list: given, family, date of birth, town",
            {"reception": 0.9, "foreign_list": 0.6},
            styles={"foreign_list": _FOREIGN_LIST},
        ),
        Setting(
            "turkish_german",
            "a Turkish civil register and a German residents' office",
            {"turkish_register": 0.8, "german_office": 0.5, "authority_ar": 0.2},
            PopulationShape(nationality_mix=(0.4, 0.2, 0.4)),
            styles={"turkish_register": _TURKISH, "german_office": _GERMAN},
        ),
        Setting(
            "russian_by_ear",
            "Russian passports and a list spelled by ear",
            {"russian_passports": 0.7, "by_ear_list": 0.6, "reception": 0.3},
            styles={"russian_passports": _RUSSIAN, "by_ear_list": _BY_EAR},
        ),
    )
}


# Styles a drawn setting picks its registers from (each then has some of its habits redrawn).
_DRAW_POOL: tuple[SourceStyle, ...] = (
    *SOURCES.values(), _ARABIC_MIXED, _CHECKPOINT, _ESTIMATES, _CARELESS, _FOREIGN_LIST, _TURKISH,
    _GERMAN, _RUSSIAN, _BY_EAR,
)  # fmt: skip
# Habits that stay near 1 by nature (a share of records that follow the register's own spelling
# or carry a year beside a date): redrawing them by a factor would only clip them.
_NEAR_ONE = {"p_styled", "p_year_with_date", "p_respell"}
DRAWN = "drawn"


def drawn_setting(draw: int) -> Setting:
    """A population shape and registers drawn at random (``draw`` seeds the draw), for benchmarks.

    No engine constant was tuned on these: each draw picks 2 to 4 registers from the named
    settings' styles, redraws about a third of each register's habits (a probability scaled by
    0.3 to 2.5, a register that loses its lineage, sparse records, a spelling habit), how often a
    person appears in each register (some draws are samples in which most persons appear once),
    and the population's name skew, clans, namesake cohorts, family sizes and nationalities.
    """
    if draw < 0:
        raise ValueError(f"draw must be 0 or more, got {draw}")
    r = random.Random(f"muster-drawn-{draw}")
    styles: dict[str, SourceStyle] = {}
    sources: dict[str, float] = {}
    for k, base in enumerate(r.sample(_DRAW_POOL, r.randint(2, 4))):
        changes: dict[str, object] = {}
        for f in fields(SourceStyle):
            value = getattr(base, f.name)
            if not isinstance(value, float) or f.name in _NEAR_ONE or r.random() > 0.33:
                continue
            if value == 0.0:
                value = r.choice((0.0, 0.0, 0.02, 0.05))
            changes[f.name] = round(min(0.9, value * r.uniform(0.3, 2.5)), 3)
        if r.random() < 0.12:
            changes["lineage"] = not base.lineage
        if r.random() < 0.12:
            changes["p_sparse"] = round(r.uniform(0.1, 0.6), 2)
        if base.script == "latin" and r.random() < 0.25:
            changes["respell"] = r.choice(SPELLING_HABITS)
        name = f"{base.name}_{k}"
        styles[name] = replace(base, name=name, **changes)
        sources[name] = round(r.uniform(0.6, 1.0) if k == 0 else r.uniform(0.04, 0.8), 2)
    mix = [r.uniform(0.05, 1.0) for _ in range(3)]
    big = r.random() < 0.25
    shape = PopulationShape(
        name_skew=round(r.uniform(0.5, 1.6), 2),
        nationality_mix=tuple(round(m / sum(mix), 3) for m in mix),
        household_kinds=(0.82, 0.88, 0.96, 0.985) if big else DEFAULT_SHAPE.household_kinds,
        household_cap=15 if big else 12,
        children_spread=19 if big else 15,
        first_son_after_grandfather=round(r.uniform(0.2, 0.7), 2),
        clan_share=r.choice((0.0, 0.0, 0.3, 0.6)),
        fashion_children=r.choice((0.0, 0.0, 0.3, 0.7)),
    )
    return Setting(
        f"{DRAWN}{draw}",
        "drawn at random: " + ", ".join(f"{n} {p}" for n, p in sources.items()),
        sources,
        shape,
        styles,
        duplicates_within_source=round(r.uniform(0.003, 0.02), 4),
    )


def setting_named(name: str) -> Setting:
    """A named setting, or ``drawn<N>`` for :func:`drawn_setting` (N); ValueError otherwise."""
    if name in SETTINGS:
        return SETTINGS[name]
    if name.startswith(DRAWN) and name[len(DRAWN) :].isdigit():
        return drawn_setting(int(name[len(DRAWN) :]))
    raise ValueError(f"unknown setting {name!r}; known: {', '.join(SETTINGS)}, or drawn<N>")


def labelled_records(
    setting: str | Setting, records: int, seed: int
) -> tuple[list[dict[str, str]], list[str]]:
    """About ``records`` shuffled person records of a setting, and the true person key of each.

    The records are a random sample of every rendering of a population sized for the setting, so
    a person may lose some of their records (as in a sample of a larger list).
    """
    s = setting_named(setting) if isinstance(setting, str) else setting
    if records < 1:
        raise ValueError(f"records must be at least 1, got {records}")
    persons = max(10, int(records / s.records_per_person() * 1.03) + 1)
    rows = list(
        render_records(
            generate(persons=persons, seed=seed, shape=s.shape),
            s.sources,
            seed=seed + 1,
            duplicates_within_source=s.duplicates_within_source,
            styles=s.styles,
        )
    )
    random.Random(seed).shuffle(rows)  # a person's records come out together
    rows = rows[:records]
    return [r for r, _ in rows], [t for _, t in rows]
