"""Fixed inputs of the synthetic dealer group: stores, models, operations, holidays.

Money in the operation and recommendation catalogues is in CNY; a store in
another currency scales it by its ``price_factor``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpitools.schemas import SYSTEM_GROUPS


@dataclass(frozen=True)
class StoreProfile:
    """Everything that makes one synthetic store differ from another."""

    name: str
    region: str
    brand: str
    country: str
    currency: str
    door_labor_rate: float
    labor_cost_rate: float
    price_factor: float
    mileage_unit: str
    size: float
    n_advisors: int
    n_technicians: int
    appointment_share: float
    survey_send_share: float
    wmi: str
    models: tuple[str, ...]
    model_weights: tuple[float, ...]
    weekday_weights: tuple[float, ...]


_GAC_MODELS = ("Trumpchi GS4", "Trumpchi GS8", "Trumpchi M8", "Trumpchi Emkoo")
_GAC_WEIGHTS = (0.4, 0.25, 0.2, 0.15)
_AION_MODELS = ("Aion S", "Aion Y", "Aion V")
_AION_WEIGHTS = (0.4, 0.4, 0.2)
_KIA_MODELS = ("Sportage", "Telluride", "Sorento", "K5", "Soul")
_KIA_WEIGHTS = (0.3, 0.2, 0.2, 0.2, 0.1)
# Chinese 4S stores open every day and are busiest at the weekend; the US
# store is closed on Sunday. Monday first.
_CN_WEEK = (0.9, 0.85, 0.85, 0.9, 1.0, 1.35, 1.2)
_US_WEEK = (1.1, 1.0, 1.0, 1.0, 1.05, 0.6, 0.0)


def _cn_store(
    name: str,
    region: str,
    brand: str,
    door_rate: float,
    size: float,
    staff: tuple[int, int],
    models: tuple[tuple[str, ...], tuple[float, ...]] = (_GAC_MODELS, _GAC_WEIGHTS),
) -> StoreProfile:
    return StoreProfile(
        name=name,
        region=region,
        brand=brand,
        country="CN",
        currency="CNY",
        door_labor_rate=door_rate,
        labor_cost_rate=75.0,
        price_factor=1.0,
        mileage_unit="km",
        size=size,
        n_advisors=staff[0],
        n_technicians=staff[1],
        appointment_share=0.68,
        survey_send_share=0.92,
        wmi="LMG",
        models=models[0],
        model_weights=models[1],
        weekday_weights=_CN_WEEK,
    )


# Six stores: 36 advisors and 60 technicians in all. Stores beyond the sixth
# repeat the five Chinese profiles.
STORE_PROFILES: tuple[StoreProfile, ...] = (
    _cn_store("Guangzhou Tianhe", "South China", "GAC", 380.0, 0.22, (8, 13)),
    _cn_store("Shenzhen Nanshan", "South China", "GAC", 400.0, 0.19, (7, 12)),
    _cn_store("Foshan Chancheng", "South China", "GAC", 340.0, 0.17, (6, 10)),
    _cn_store(
        "Changsha Yuelu",
        "Central China",
        "GAC",
        300.0,
        0.16,
        (6, 10),
        (_AION_MODELS, _AION_WEIGHTS),
    ),
    _cn_store("Wuhan Hanyang", "Central China", "GAC", 280.0, 0.14, (5, 8)),
    StoreProfile(
        name="Columbus East",
        region="Midwest",
        brand="Kia",
        country="US",
        currency="USD",
        door_labor_rate=155.0,
        labor_cost_rate=38.0,
        price_factor=0.19,
        mileage_unit="mi",
        size=0.12,
        n_advisors=4,
        n_technicians=7,
        appointment_share=0.48,
        survey_send_share=0.85,
        wmi="KNA",
        models=_KIA_MODELS,
        model_weights=_KIA_WEIGHTS,
        weekday_weights=_US_WEEK,
    ),
)


def store_profiles(n_stores: int) -> list[StoreProfile]:
    """Return ``n_stores`` profiles: the six named ones, then Chinese repeats."""
    profiles = list(STORE_PROFILES[:n_stores])
    for index in range(len(STORE_PROFILES), n_stores):
        base = STORE_PROFILES[index % 5]
        profiles.append(
            StoreProfile(**{**base.__dict__, "name": f"{base.name} {index // 5 + 1}"})
        )
    return profiles


# One labour operation per row: system group, op code, description, standard
# hours and parts price in CNY.
OPERATIONS = pd.DataFrame(
    [
        ("maintenance", "MNT010", "Scheduled service: oil and filter", 1.0, 450),
        (
            "maintenance",
            "MNT020",
            "Major service: oil, filters, spark plugs",
            2.0,
            1200,
        ),
        ("maintenance", "MNT030", "Replace brake fluid", 0.8, 150),
        ("maintenance", "MNT040", "Replace coolant", 0.8, 200),
        ("maintenance", "MNT050", "Replace cabin air filter", 0.3, 120),
        ("engine", "ENG110", "Diagnose engine warning light", 1.0, 0),
        ("engine", "ENG120", "Replace ignition coil", 0.8, 450),
        ("engine", "ENG130", "Repair oil leak at valve cover", 2.0, 300),
        ("engine", "ENG140", "Replace timing belt", 3.5, 1200),
        ("engine", "ENG150", "Replace water pump", 2.5, 900),
        ("transmission", "TRN210", "Exchange transmission fluid", 1.2, 600),
        ("transmission", "TRN220", "Diagnose shift concern", 1.5, 0),
        ("transmission", "TRN230", "Replace CV axle", 1.8, 1100),
        ("transmission", "TRN240", "Replace clutch assembly", 4.0, 2500),
        ("electrical", "ELC310", "Replace 12 V battery", 0.4, 700),
        ("electrical", "ELC320", "Diagnose electrical fault", 1.5, 0),
        ("electrical", "ELC330", "Repair wiring harness", 2.5, 400),
        ("electrical", "ELC340", "Replace alternator", 1.8, 1800),
        ("electrical", "ELC350", "Update control module software", 0.8, 0),
        ("brakes", "BRK410", "Replace front brake pads", 1.2, 600),
        ("brakes", "BRK420", "Replace brake discs and pads", 2.0, 1500),
        ("brakes", "BRK430", "Diagnose brake noise", 0.8, 0),
        ("suspension_steering", "SUS510", "Four-wheel alignment", 1.0, 0),
        ("suspension_steering", "SUS520", "Replace shock absorbers", 2.5, 1800),
        ("suspension_steering", "SUS530", "Replace tie rod end", 1.2, 400),
        ("hvac", "HVC610", "Check and recharge A/C", 1.0, 250),
        ("hvac", "HVC620", "Replace A/C compressor", 3.5, 3500),
        ("hvac", "HVC630", "Clean evaporator", 1.2, 200),
        ("tyres_wheels", "TYR710", "Replace tyres (pair)", 0.8, 1400),
        ("tyres_wheels", "TYR720", "Rotate and balance tyres", 0.8, 40),
        ("tyres_wheels", "TYR730", "Repair puncture", 0.5, 30),
        ("body", "BDY810", "Repair and paint bumper", 6.0, 800),
        ("body", "BDY820", "Replace windscreen", 2.0, 1800),
        ("body", "BDY830", "Repair and paint door panel", 8.0, 600),
        ("body", "BDY840", "Paintless dent repair", 2.0, 0),
        ("other", "OTH910", "Install accessory", 1.0, 600),
        ("other", "OTH920", "Pre-sale inspection", 1.0, 0),
        ("other", "OTH930", "Wash and detail", 0.8, 50),
    ],
    columns=["system_group", "op_code", "description", "hours", "parts_price"],
)

COMPLAINTS = {
    "maintenance": "Scheduled maintenance due",
    "engine": "Engine warning light on",
    "transmission": "Harsh or delayed shifting",
    "electrical": "Electrical fault or warning",
    "brakes": "Brake noise or vibration",
    "suspension_steering": "Pulls to one side or knocks over bumps",
    "hvac": "A/C not cooling",
    "tyres_wheels": "Tyre worn or damaged",
    "body": "Body damage",
    "other": "Customer request",
}

# Main system group of a repair RO; the A/C share triples in June to August.
REPAIR_GROUP_WEIGHTS = {
    "engine": 0.20,
    "transmission": 0.08,
    "electrical": 0.20,
    "brakes": 0.15,
    "suspension_steering": 0.12,
    "hvac": 0.10,
    "tyres_wheels": 0.10,
    "other": 0.05,
}
# System group of an extra line on a maintenance or repair RO.
ADD_ON_GROUP_WEIGHTS = {
    "tyres_wheels": 0.30,
    "brakes": 0.25,
    "hvac": 0.15,
    "electrical": 0.15,
    "other": 0.15,
}

# Chance that a repair comes back with the same concern, by the main system
# group of the RO; about 3.5 % of all ROs overall.
COMEBACK_PROBABILITY = {
    "maintenance": 0.015,
    "engine": 0.085,
    "transmission": 0.085,
    "electrical": 0.07,
    "brakes": 0.05,
    "suspension_steering": 0.06,
    "hvac": 0.07,
    "tyres_wheels": 0.025,
    "body": 0.04,
    "other": 0.02,
}
COMEBACK_CAUSE_SHARES = {
    "workmanship": 0.30,
    "misdiagnosis": 0.20,
    "part_failure": 0.30,
    "intermittent": 0.15,
    "new_issue": 0.05,
}
PLANTED_CAUSE_SHARES = {
    "workmanship": 0.60,
    "misdiagnosis": 0.25,
    "part_failure": 0.10,
    "intermittent": 0.05,
    "new_issue": 0.0,
}

RECOMMENDATIONS = pd.DataFrame(
    [
        ("Replace wiper blades", 0.2, 180),
        ("Replace front brake pads", 1.2, 1100),
        ("Replace 12 V battery", 0.4, 900),
        ("Replace tyres (pair)", 0.8, 1500),
        ("Replace cabin air filter", 0.3, 150),
        ("Replace engine air filter", 0.3, 180),
        ("Four-wheel alignment", 1.0, 350),
        ("Replace brake fluid", 0.8, 400),
        ("Clean throttle body", 0.8, 380),
        ("Clean A/C system", 1.0, 450),
    ],
    columns=["description", "hours", "amount"],
)

WARRANTY_REJECT_REASONS = (
    "photos missing",
    "labour time above the standard",
    "replaced part not returned",
    "outside warranty coverage",
    "duplicate claim",
)

# Lunar New Year's Day; the week after it is the Spring Festival holiday.
LUNAR_NEW_YEAR = {
    2022: "2022-02-01",
    2023: "2023-01-22",
    2024: "2024-02-10",
    2025: "2025-01-29",
    2026: "2026-02-17",
    2027: "2027-02-06",
    2028: "2028-01-26",
    2029: "2029-02-13",
    2030: "2030-02-03",
}


def system_group_codes(groups: list[str] | tuple[str, ...]) -> np.ndarray:
    """Return the index of each system group in ``SYSTEM_GROUPS``."""
    return np.array([SYSTEM_GROUPS.index(group) for group in groups])
