"""The identity library's docstring examples run, so the documentation cannot drift from the code."""

import doctest
import importlib

import pytest

# Modules with runnable examples (pipeline's need data files and are marked +SKIP).
MODULES = [
    "muster.identity.internals.cluster",
    "muster.identity.internals.comparisons",
    "muster.identity.internals.model",
    "muster.identity.internals.names",
    "muster.identity.internals.places",
    "muster.identity.internals.records",
    "muster.identity.internals.screening",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
