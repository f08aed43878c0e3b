import pandas as pd
import pytest

from kpitools.exceptions import SmallSampleWarning
from kpitools.rootcause import stratify


def _table():
    # T1: 10 of 100 came back, T2: 2 of 100, T3: 1 of 5 (sparse)
    rows = (
        [("T1", True)] * 10
        + [("T1", False)] * 90
        + [("T2", True)] * 2
        + [("T2", False)] * 98
        + [("T3", True)] * 1
        + [("T3", False)] * 4
    )
    return pd.DataFrame(rows, columns=["technician_id", "is_comeback_confirmed"])


def test_stratify_counts_and_flags():
    with pytest.warns(SmallSampleWarning, match="fewer than 30 ROs"):
        strata = stratify(_table(), "technician").set_index("level")
    assert strata.loc["T1", "n_events"] == 10
    assert strata.loc["T1", "rate"] == pytest.approx(0.10)
    # overall 13/205, hand calculation
    assert strata.loc["T1", "overall_rate"] == pytest.approx(13 / 205)
    assert strata.loc["T1", "expected_events"] == pytest.approx(100 * 13 / 205)
    # Wilson 95% for 2/100 by hand, z = 1.96: centre (2 + z^2/2) / (100 + z^2)
    # = 0.03776, half-width z sqrt(2 * 98 / 100 + z^2 / 4) / (100 + z^2) = 0.03226.
    assert strata.loc["T2", "ci_low"] == pytest.approx(0.0055, abs=0.0002)
    assert strata.loc["T2", "ci_high"] == pytest.approx(0.0700, abs=0.0005)
    assert strata.loc["T3", "flag"] == "too few data"
    assert strata.loc["T2", "flag"] == "no evidence"
    assert strata.loc["T1", "rank"] == 1
    assert strata.loc["T3", "rank"] == 3


def test_stratify_flags_higher_level():
    rows = [("A", True)] * 40 + [("A", False)] * 60 + [("B", False)] * 900
    rows += [("B", True)] * 20
    table = pd.DataFrame(rows, columns=["advisor_id", "is_comeback_confirmed"])
    strata = stratify(table, "advisor").set_index("level")
    assert strata.loc["A", "flag"] == "higher"
    assert strata.loc["B", "flag"] == "lower"


def test_stratify_keeps_band_order_and_missing():
    table = pd.DataFrame(
        {
            "mileage_band": ["30-60k km", "<10k km", None, "30-60k km"],
            "is_comeback_confirmed": [True, False, False, False],
        }
    )
    with pytest.warns(SmallSampleWarning):
        strata = stratify(table, "mileage_band")
    assert strata["level"].tolist() == ["<10k km", "30-60k km", "(missing)"]


def test_unknown_factor_names_choices():
    with pytest.raises(ValueError, match="Unknown factor 'colour'.*technician"):
        stratify(_table(), "colour")
