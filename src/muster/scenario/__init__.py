"""Synthetic Baghouz-like evacuation population for `muster demo`, tests and the identity benchmark.

Pure Python (standard library only, no Django). ``generate(persons, seed)`` returns a
:class:`Scenario` of facilities and households of :class:`PersonSpec`, deterministic for a seed;
:mod:`muster.scenario.sources` renders the same people as noisy records from several registers.
``generate(..., shape=PopulationShape(...))`` changes the population's make-up, and
:mod:`muster.scenario.presets` names settings of shape and registers for generalisation benchmarks.
Everything is synthetic: no row describes a real person.
"""

from muster.scenario.model import (
    CanonicalName,
    Document,
    FacilitySpec,
    HouseholdSpec,
    KidnapRecord,
    PersonSpec,
    Scenario,
)
from muster.scenario.population import generate
from muster.scenario.shape import PopulationShape

__all__ = [
    "CanonicalName",
    "Document",
    "FacilitySpec",
    "HouseholdSpec",
    "KidnapRecord",
    "PersonSpec",
    "PopulationShape",
    "Scenario",
    "generate",
]
