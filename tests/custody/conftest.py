"""Fixtures the roll call's tests share: a camp manager at Reception Point 1 and the usual household."""

import pytest


@pytest.fixture
def point(facilities):
    return facilities["reception"]


@pytest.fixture
def manager(make_user, point):
    return make_user("camp_manager", facility=point)


@pytest.fixture
def family(registered):
    """The usual household of three, placed at Reception Point 1: head, spouse, son."""
    return list(registered.members.order_by("id"))
