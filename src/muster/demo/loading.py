"""Loading the whole demo in one go (nothing when the database already holds persons)."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation

from muster.audit import services as audit
from muster.audit.audit_actions import AuditAction
from muster.custody.models import Facility
from muster.demo.departures import load_departures
from muster.demo.duplicates import _re_registrations
from muster.demo.lists import _load_reference_lists, _screen
from muster.demo.population import _load_facilities, _load_people
from muster.demo.rollcalls import load_roll_call
from muster.demo.tracing import DEMO_SHAPE, load_tracing, register_abducted
from muster.demo.users import DemoSummary, _progress, demo_users, managed_facilities
from muster.people.models import Household, Person


def load_demo(
    persons: int = 5000, seed: int = 1, progress: bool = True, language: str = ""
) -> DemoSummary:
    """Load the demo; what its officers write (notes, reasons, authorities, list names) is in
    ``language`` (one of ``settings.LANGUAGES``; default ``settings.LANGUAGE_CODE``), as one
    team's officers would write it, whatever language each reader then chooses."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return _load_demo(persons, seed, progress)


class DemoLoadFailed(Exception):
    """A step of the load failed: ``step`` names it (the progress line it began with, without
    its dots); the error that stopped it is the cause. What earlier steps saved stays."""

    def __init__(self, step: str):
        super().__init__(step)
        self.step = step


class _Steps:
    """The step under way: announced on the progress output, named if it fails."""

    def __init__(self, progress: bool):
        self.progress = progress
        self.current = "Looking for demo data already loaded"

    def __call__(self, message: str) -> None:
        self.current = message.rstrip("…").strip()
        _progress(self.progress, message)


def _load_demo(persons: int, seed: int, progress: bool) -> DemoSummary:
    step = _Steps(progress)
    try:
        return _load_steps(persons, seed, step)
    except Exception as exc:
        raise DemoLoadFailed(step.current) from exc


def _load_steps(persons: int, seed: int, step: _Steps) -> DemoSummary:
    from muster.scenario import generate

    started = time.monotonic()
    existing = Person.objects.count()
    if existing:
        camp = (
            Facility.objects.filter(kind=Facility.Kind.DISPLACEMENT_CAMP)
            .order_by("-capacity")
            .first()
        )
        logins = demo_users(camp, managed_facilities())
        return DemoSummary(False, existing, Household.objects.count(), 0.0, logins)

    step(f"Generating a synthetic evacuation of {persons} persons (seed {seed})…")
    scenario = generate(persons=persons, seed=seed, shape=DEMO_SHAPE)
    register_abducted(scenario, seed)
    step("Loading the facilities, households and persons…")
    with transaction.atomic():
        facilities = _load_facilities(scenario)
        camp = max(
            (f for f in facilities.values() if f.kind == Facility.Kind.DISPLACEMENT_CAMP),
            key=lambda f: f.capacity or 0,
            default=None,
        )
        logins = demo_users(camp, managed_facilities())
        User = get_user_model()
        officers = {
            u.username: u for u in User.objects.filter(username__in=[login[1] for login in logins])
        }
        n_persons, n_households = _load_people(scenario, facilities, officers, seed, step.progress)
        audit.record(
            AuditAction.SCENARIO_LOAD,
            detail={"persons": n_persons, "households": n_households, "seed": seed},
        )
        step("The reference lists…")
        _load_reference_lists(scenario, officers["screening-officer"], seed)
    step("Screening the registry against the reference lists…")
    _screen(officers["screening-officer"])
    step("Persons registered twice…")
    _re_registrations(scenario, facilities, officers["registration-officer"], seed)
    step("Departures: return convoys, a handover in batches, repatriations…")
    load_departures(officers, seed)
    step("Family tracing: the families' requests, matched against the registry…")
    load_tracing(scenario, officers["tracing-caseworker"], seed)
    step("A roll call at the largest camp…")
    load_roll_call(camp, officers.get("camp-manager"), seed)
    return DemoSummary(True, n_persons, n_households, time.monotonic() - started, logins)
