"""Knobs that change the shape of a generated population, for benchmarks that must generalise.

A :class:`PopulationShape` with every field at its default changes nothing: the generator takes
exactly the random draws it took before these knobs existed, so the demo, the tests and earlier
benchmark figures keep their populations for a seed. Each knob models a population written
independently of the project: other name frequencies, other family shapes, clans whose boys are
named after the same grandfather, cohorts of children given the same few names.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from muster.scenario import names as N
from muster.scenario.names import Name, NameTable


@dataclass(frozen=True, slots=True)
class PopulationShape:
    """How the population is built; see the field comments. The defaults are the project's own."""

    # Exponent on every name table's weights: 1 keeps the tables, above 1 a few names dominate
    # (a region where every third man is Muhammad), below 1 names spread out (a mixed population).
    name_skew: float = 1.0
    # Shares of Syrian, Iraqi and foreign households.
    nationality_mix: tuple[float, float, float] = (0.545, 0.325, 0.13)
    # Cumulative shares of household kinds: family, widow with children, single man, elderly
    # alone; the rest are children alone.
    household_kinds: tuple[float, float, float, float] = (0.70, 0.79, 0.975, 0.99)
    household_cap: int = 12
    # Children of one mother: 1 + int(u1 * u2 * children_spread) before the fertility limit.
    children_spread: int = 15
    # Probability that a father names his first son after his own father.
    first_son_after_grandfather: float = 0.35
    # Share of family households whose head belongs to a clan: brothers and cousins who share a
    # father or grandfather and the family name, and whose boys are named after the same elders.
    clan_share: float = 0.0
    # Households per clan before a new clan starts (about; the clan is chosen at random).
    clan_households: int = 8
    # Share of children under ten whose given name is one of their cohort's few fashionable names
    # (namesake children: the same given name and birth year, often the same father's name).
    fashion_children: float = 0.0

    def is_default(self) -> bool:
        return all(getattr(self, f.name) == f.default for f in fields(self))


DEFAULT_SHAPE = PopulationShape()

# Names given to many children born in the same few years (companions of the Prophet and their
# wives were favoured names under the group's rule); weights are relative within each list.
FASHION_MALE = (("Abdullah", 5), ("Usama", 3), ("Hamza", 3), ("Omar", 3), ("Muhammad", 4),
                ("Abu Bakr", 2), ("Ali", 1))  # fmt: skip
FASHION_FEMALE = (("Aisha", 5), ("Khadija", 3), ("Safiyya", 3), ("Fatima", 3), ("Sumayya", 2),
                  ("Ruqayya", 2), ("Hafsa", 2), ("Maryam", 2))  # fmt: skip


class SkewedTable:
    """Names of a :class:`NameTable` with other weights (the same shared ``Name`` objects)."""

    __slots__ = ("names", "cum", "total")

    def __init__(self, names: list[Name], weights: list[float]) -> None:
        self.names = names
        cum, total = [], 0.0
        for w in weights:
            total += w
            cum.append(total)
        self.cum = cum
        self.total = total


def all_tables() -> list[NameTable]:
    tables = [N.MALE, N.FEMALE, N.FAMILY, N.KURDISH_MALE, N.KURDISH_FEMALE, N.YAZIDI_FAMILY]
    for f in N.FOREIGN.values():
        tables.extend((f.male, f.female, f.family))
    return [t for t in tables if len(t)]


def skewed_tables(skew: float) -> dict[int, SkewedTable]:
    """Every name table with its weights raised to ``skew``, keyed by ``id`` of the table."""
    return {id(t): SkewedTable(t.names, [n.weight**skew for n in t.names]) for t in all_tables()}


def fashion_table(table: NameTable, spec: tuple[tuple[str, float], ...]) -> SkewedTable:
    chosen = [(table.by_latin[name], w) for name, w in spec]
    return SkewedTable([n for n, _ in chosen], [w for _, w in chosen])


def fashion_names() -> tuple[SkewedTable, SkewedTable]:
    return fashion_table(N.MALE, FASHION_MALE), fashion_table(N.FEMALE, FASHION_FEMALE)
