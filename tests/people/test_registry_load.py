"""The load benchmark's bulk loader (bench/registry_load.py): the persons it adds are found by the
one search (their stored key is the services' key), have a current placement, and each batch is
one audit event on an intact chain."""

import importlib.util
from pathlib import Path

import pytest

from muster.audit import services as audit
from muster.audit.audit_actions import AuditAction
from muster.audit.models import AuditEvent
from muster.custody.models import Placement
from muster.people.models import Person
from muster.people.search import filter_by_query, person_name_key

pytestmark = pytest.mark.django_db


def _loader():
    path = Path(__file__).resolve().parents[2] / "bench" / "registry_load.py"
    spec = importlib.util.spec_from_file_location("registry_load", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_registry_load_grows_the_demo_with_searchable_placed_persons():
    from muster.demo import load_demo

    load_demo(persons=60, seed=3, progress=False)
    before = Person.objects.count()
    result = _loader().grow(before + 150, seed=1, progress=False, batch=60)

    assert Person.objects.count() == before + 150 == result["persons"]
    added = Person.objects.filter(pk__gt=Person.objects.order_by("pk")[before - 1].pk)
    assert added.count() == 150
    assert len(set(Person.objects.values_list("number", flat=True))) == before + 150
    for p in added:
        key = person_name_key(p.given_name, p.father_name, p.grandfather_name, p.family_name)
        assert p.name_key == key
    assert Placement.objects.filter(person__in=added, is_current=True).count() == 150
    one = added.order_by("?").first()
    assert (
        filter_by_query(Person.objects.all(), one.given_name, match_documents=True)
        .filter(pk=one.pk)
        .exists()
    )
    loads = AuditEvent.objects.filter(
        action=AuditAction.SCENARIO_LOAD, detail__bench="registry_load"
    )
    # One event per batch (a batch ends after the household that fills it).
    assert sum(e.detail["persons"] for e in loads) == 150 and loads.count() >= 2
    assert audit.verify().ok
    # The sitrep's counters follow the bulk load (the database's triggers), exactly.
    from muster.reports import counters

    assert counters.differences() == []
    active = Person.objects.filter(merged_into__isnull=True).count()
    assert sum(counters.registered_by_category().values()) == active
