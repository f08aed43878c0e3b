"""The public API is what kpitools.__all__ lists, no more and no less."""

import types

import kpitools


def test_all_lists_every_public_name():
    public = {
        name
        for name, value in vars(kpitools).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(kpitools.__all__) == public


def test_all_is_sorted_and_unique():
    assert len(kpitools.__all__) == len(set(kpitools.__all__))
    assert list(kpitools.__all__) == sorted(kpitools.__all__)
