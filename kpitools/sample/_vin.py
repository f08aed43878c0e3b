"""Synthetic but well-formed VINs: 17 characters with a valid check digit."""

from __future__ import annotations

import numpy as np

# ISO 3779 / 49 CFR 565: letters I, O and Q are never used.
VIN_CHARACTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2])
_TRANSLITERATION = np.zeros(128, dtype=np.int64)
for _letters, _start in (("ABCDEFGH", 1), ("JKLMN", 1), ("P", 7), ("R", 9)):
    _TRANSLITERATION[[ord(c) for c in _letters]] = np.arange(
        _start, _start + len(_letters)
    )
_TRANSLITERATION[[ord(c) for c in "STUVWXYZ"]] = np.arange(2, 10)
_TRANSLITERATION[[ord(c) for c in "0123456789"]] = np.arange(10)
# Position 10 encodes the model year in a 30-year cycle starting at 1980 (A).
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def vin_check_digit(vins: np.ndarray) -> np.ndarray:
    """Compute the check digit (position 9) of each 17-character VIN.

    The method is the North American one (49 CFR 565.15): transliterate each
    character to a number, weight by position, sum, and take the remainder
    modulo 11, written ``X`` when it is 10.
    """
    codes = np.frombuffer(
        np.asarray(vins, dtype="S17").tobytes(), dtype=np.uint8
    ).reshape(-1, 17)
    remainder = (_TRANSLITERATION[codes] * _WEIGHTS).sum(axis=1) % 11
    return np.where(remainder == 10, "X", remainder.astype(str))


def make_vins(
    rng: np.random.Generator, wmi: np.ndarray, model_year: np.ndarray
) -> np.ndarray:
    """Draw one unique VIN per vehicle.

    Positions 1-3 are the given maker code (WMI), 4-8 random descriptor
    characters, 9 the check digit, 10 the model year, 11 a plant letter and
    12-17 a serial number. Serial numbers are the vehicle's position, so the
    VINs are unique for up to ten million vehicles.
    """
    n_vehicles = len(wmi)
    alphabet = np.array(list(VIN_CHARACTERS))
    serial = np.arange(n_vehicles) + int(rng.integers(0, 1000))
    serial_text = np.char.zfill((serial % 1_000_000).astype(str), 6)

    chars = np.empty((n_vehicles, 17), dtype="U1")
    chars[:, :3] = np.asarray(wmi, dtype="U3").view("U1").reshape(-1, 3)
    chars[:, 3:8] = alphabet[rng.integers(0, len(alphabet), size=(n_vehicles, 5))]
    chars[:, 8] = "0"
    chars[:, 9] = np.array(list(_YEAR_CODES))[(model_year - 1980) % 30]
    chars[:, 10] = np.array(list("ABCDEFGHJK"))[(serial // 1_000_000) % 10]
    chars[:, 11:] = serial_text.astype("U6").view("U1").reshape(-1, 6)

    chars[:, 8] = vin_check_digit(_join(chars))
    return _join(chars)


def _join(chars: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(chars).view("U17").ravel()
