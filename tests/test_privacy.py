"""Tests for VIN masking and hashing of personal data."""

import pandas as pd

from kpitools.privacy import hash_series, mask_vin, mask_vins

# A made-up VIN: 17 characters, not a real vehicle.
FAKE_VIN = "TESTVIN0000012345"


def test_mask_vin_keeps_maker_and_last_four():
    assert mask_vin(FAKE_VIN) == "TES**********2345"


def test_mask_vin_short_value_fully_masked():
    assert mask_vin("AB12") == "****"


def test_mask_vins_matches_scalar_version():
    vins = pd.Series([FAKE_VIN, None, "AB12", "ABCDEFGH"])
    masked = mask_vins(vins)
    assert masked.iloc[0] == mask_vin(FAKE_VIN)
    assert pd.isna(masked.iloc[1])
    assert masked.iloc[2] == "****"
    assert masked.iloc[3] == "ABC*EFGH"
    assert not masked.dropna().str.contains(FAKE_VIN).any()


def test_hash_is_stable_and_hides_value():
    hashed = hash_series(pd.Series(["13800138000", "13800138000", None]))
    assert hashed.iloc[0] == hashed.iloc[1]
    assert hashed.iloc[0] != "13800138000"
    assert len(hashed.iloc[0]) == 16
    assert pd.isna(hashed.iloc[2])


def test_hash_depends_on_salt():
    plain = hash_series(pd.Series(["x"]))
    salted = hash_series(pd.Series(["x"]), salt="store-group")
    assert plain.iloc[0] != salted.iloc[0]
