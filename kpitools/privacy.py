"""Masking and hashing of personal data: VINs, names, phones."""

from __future__ import annotations

import hashlib

import pandas as pd

__all__ = ["hash_series", "mask_vin", "mask_vins"]


def mask_vin(vin: object) -> object:
    """Mask a VIN for display: the maker code and the last four characters stay.

    ``"KNDJ23AU5P7123456"`` becomes ``"KND**********3456"``. Missing values are
    returned unchanged; a value shorter than eight characters is masked whole.
    """
    if vin is None or vin is pd.NA or (isinstance(vin, float) and pd.isna(vin)):
        return vin
    text = str(vin)
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_vins(vins: pd.Series) -> pd.Series:
    """Vectorised :func:`mask_vin` over a Series of VINs."""
    text = vins.astype("string")
    masked = (
        text.str.slice(0, 3)
        + text.str.len()
        .sub(7)
        .clip(lower=0)
        .map(lambda n: "*" * int(n) if pd.notna(n) else pd.NA)
        .astype("string")
        + text.str.slice(-4)
    )
    short = text.str.len() < 8
    masked = masked.mask(short, text.str.replace(r".", "*", regex=True))
    return masked


def hash_series(values: pd.Series, *, salt: str = "") -> pd.Series:
    """Replace personal values with a SHA-256 digest (first 16 hex characters).

    The same value and salt always give the same digest, so hashed columns can
    still be matched across files. Missing values stay missing.
    """
    text = values.astype("string")
    return text.map(
        lambda v: (
            hashlib.sha256((salt + v).encode("utf-8")).hexdigest()[:16]
            if pd.notna(v)
            else pd.NA
        )
    ).astype("string")
