"""The demo's overdue bus, which makes its unaccounted list, at every hour of the day the demo is
loaded (in a module of its own: the shared demo of test_sitrep_on_the_demo would be loaded first)."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from muster.demo import load_demo
from muster.reports import sitrep
from muster.screening import matching
from tests.reports.test_sitrep_on_the_demo import _assert_partition


@pytest.mark.parametrize("hour", [1, 9, 13, 21])
def test_the_demo_has_an_overdue_bus_at_every_hour_of_the_day(db, monkeypatch, hour):
    # Its riders were those of the last two days who had arrived before it left (13.5 h ago):
    # at some hours nobody, and the unaccounted list the demo promises was empty (CI at 09:25
    # UTC, not at 08:50).
    local = dt.datetime(2026, 12, 7, hour, 30, tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: local.astimezone(dt.UTC))
    matching.reset()
    with TestCase.captureOnCommitCallbacks(execute=True):
        load_demo(progress=False, persons=250, seed=2)
    report = sitrep.situation_report()
    assert report["unaccounted"] > 0 and report["in_transit"] > 0
    _assert_partition(report)
