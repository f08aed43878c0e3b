"""Definitional choices behind the KPIs, as one frozen settings object.

Sources disagree on windows, thresholds and denominators, so every such choice
is a named setting with a documented default. Every report prints the settings
it used (:meth:`KpiSettings.describe`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["CSI_FACTOR_COLUMNS", "SETTING_MEANINGS", "KpiSettings"]

CSI_FACTOR_COLUMNS = (
    "factor_service_initiation",
    "factor_service_advisor",
    "factor_service_facility",
    "factor_vehicle_pickup",
    "factor_service_quality",
)
CYCLE_TIME_ENDS = ("delivered_at", "completed_at", "closed_at")
FIRST_TIME_FIX_BASES = ("candidate", "confirmed")
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")

# name -> (English meaning, Chinese meaning)
SETTING_MEANINGS: dict[str, tuple[str, str]] = {
    "comeback_window_days": (
        "a return within this many days of the original RO can be a comeback",
        "原工单后多少天内的再次进厂可计为返修",
    ),
    "comeback_window_km": (
        "also require the return within this many km (None: days only)",
        "同时要求再次进厂在多少公里内（None 表示只看天数）",
    ),
    "comeback_same_system_group": (
        "a comeback candidate must share a system group with the original RO",
        "返修候选须与原工单属于同一系统组",
    ),
    "comeback_include_maintenance_returns": (
        "count a maintenance-only return visit as a comeback candidate",
        "纯保养的再次进厂也计为返修候选",
    ),
    "comeback_require_full_window": (
        "leave out ROs whose comeback window has not fully elapsed in the data",
        "剔除在数据截止日前返修观察期尚未结束的工单",
    ),
    "same_visit_hours": (
        "ROs of one vehicle opened within this many hours are one visit",
        "同一车辆在多少小时内开出的工单视为同一次进厂",
    ),
    "ftf_exclude_maintenance": (
        "leave maintenance-only ROs out of the first-time-fix denominator",
        "一次修复率的分母剔除纯保养工单",
    ),
    "first_time_fix_basis": (
        "first-time fix counts candidate or confirmed comebacks as failures",
        "一次修复率以返修候选还是确认返修作为失败",
    ),
    "pay_type_split": (
        "split every money and hours KPI by pay type even when not grouped by it",
        "即使未按结算方式分组，金额和工时类指标也按结算方式拆分",
    ),
    "retention_base_months": (
        "the service base at the period end: vehicles with a visit in these months",
        "期末的服务基盘：最近多少个月内有进厂记录的车辆",
    ),
    "retention_window_months": (
        "a base vehicle is retained if it had a customer-pay visit in these months",
        "基盘车辆在最近多少个月内有自费进厂视为保留",
    ),
    "churn_threshold_months": (
        "a base vehicle is churned if its last visit is older than these months",
        "基盘车辆最后一次进厂早于多少个月前视为流失",
    ),
    "cancellation_cutoff_hours": (
        "a cancellation at least this many hours before the slot is not a no-show",
        "在预约时间前至少多少小时取消的不计为爽约",
    ),
    "punctuality_minutes": (
        "service started within plus or minus this many minutes of the slot",
        "在预约时间前后多少分钟内开始服务视为准时",
    ),
    "labor_unit_minutes": (
        "minutes in one sold labour unit (60: hours; 6 or 5 for Chinese labour units)",
        "一个销售工时单位的分钟数（60 为小时）",
    ),
    "currency": (
        "currency code printed in the settings table, a label only: amounts are "
        "not converted (None: the stores table's currency)",
        "设置表中显示的币种代码，仅作标签，不做换算（None 表示使用门店表中的币种）",
    ),
    "door_labor_rate": (
        "posted customer-pay labour rate (None: stores.door_labor_rate)",
        "公示的自费工时单价（None 表示使用门店表中的值）",
    ),
    "top_box_threshold": (
        "lowest overall score on a 10-point scale counted as top box "
        "(None: 5 of 5, 9 of 10)",
        "按10分制计为满意顶格的最低总体评分（None 表示5分制的5分、10分制的9分）",
    ),
    "csi_mean_scale": (
        "overall scores are rescaled to this scale before averaging",
        "总体评分在求平均前换算到该分制",
    ),
    "csi_factor_weights": (
        "weights of the five CSI factors (None: equal weights)",
        "五个满意度因子的权重（None 表示等权）",
    ),
    "nps_promoter_min": (
        "lowest recommend score of a promoter",
        "推荐者的最低推荐评分",
    ),
    "nps_detractor_max": (
        "highest recommend score of a detractor",
        "贬损者的最高推荐评分",
    ),
    "cycle_time_end": (
        "timestamp that ends the cycle time (delivered_at, completed_at, closed_at)",
        "维修周期的结束时间字段",
    ),
    "cycle_time_quantile": (
        "upper quantile reported as cycle_time_p90",
        "维修周期上分位数",
    ),
    "followup_days": (
        "a follow-up counts if attempted within this many days of closing the RO",
        "结算后多少天内的回访计为完成",
    ),
}


@dataclass(frozen=True)
class KpiSettings:
    """Every definitional choice of the KPI catalogue, with its default.

    Parameters
    ----------
    comeback_window_days
        A return visit within this many days can be a comeback. 30 days follows
        Chinese practice (same fault within 30 days); a US dealer uses 90 days.
    comeback_window_km
        If set, the return must also fall within this many kilometres (a
        return with an unknown odometer is judged on days alone).
    comeback_same_system_group
        A comeback candidate shares a system group (engine, brakes, ...) with
        the original RO.
    comeback_include_maintenance_returns
        Count a maintenance-only return as a comeback candidate (default: no).
    comeback_require_full_window
        Leave out ROs opened less than ``comeback_window_days`` before the last
        RO in the data, because their return could not have been seen yet.
    same_visit_hours
        ROs of one vehicle opened within this many hours form one visit (a
        split into a customer-pay and a warranty RO is not a return).
    ftf_exclude_maintenance
        Leave maintenance-only ROs out of the first-time-fix denominator.
    first_time_fix_basis
        ``"candidate"`` or ``"confirmed"`` comebacks count as not fixed.
    pay_type_split
        Split money and hours KPIs by pay type even when ``by`` lacks it.
    retention_base_months
        Service base at the end of a month: vehicles of the store with any
        visit in this many months up to and including that month.
    retention_window_months
        A base vehicle is retained if it had a customer-pay visit in this many
        months up to and including the month.
    churn_threshold_months
        A base vehicle is churned if its last visit lies at least this many
        months before the month (so it must be below
        ``retention_base_months``).
    cancellation_cutoff_hours
        A cancellation at least this many hours before the slot removes the
        appointment from the show-rate denominator; a later one is a no-show.
    punctuality_minutes
        Tolerance around the slot for appointment punctuality. The GAC 4S
        standard sets a target of 90% punctual service starts.
    labor_unit_minutes
        Minutes in one sold labour unit. Importers normally convert Chinese
        工时 units to hours; set this only if the data still holds units.
    currency
        ISO 4217 code printed in the settings table (None: the stores
        table's currency). It is a label only: no amount is converted.
    door_labor_rate
        Posted customer-pay labour rate; overrides ``stores.door_labor_rate``.
    top_box_threshold
        Lowest overall score, on a 10-point scale (5-point scores are
        doubled), counted as top box when the survey has no ``is_top_box``
        flag. None takes the top of the scale: 5 of 5, 9-10 of 10.
    csi_mean_scale
        Overall scores are rescaled to this scale before averaging, so 1-5 and
        1-10 surveys can be combined.
    csi_factor_weights
        Weights of the five CSI factor columns (mapping of column name to
        weight). None gives equal weights.
    nps_promoter_min, nps_detractor_max
        NPS promoters answer 9-10 and detractors 0-6 (Reichheld, 2003).
    cycle_time_end
        Timestamp that ends the cycle time.
    cycle_time_quantile
        Upper quantile reported by ``cycle_time_p90``.
    followup_days
        Days after closing within which a follow-up attempt counts (Chinese
        service SOP: every customer called within 2-3 days).

    Examples
    --------
    >>> settings = KpiSettings().replace(comeback_window_days=90)
    >>> settings.comeback_window_days
    90
    """

    comeback_window_days: int = 30
    comeback_window_km: float | None = None
    comeback_same_system_group: bool = True
    comeback_include_maintenance_returns: bool = False
    comeback_require_full_window: bool = True
    same_visit_hours: float = 12.0
    ftf_exclude_maintenance: bool = True
    first_time_fix_basis: str = "candidate"
    pay_type_split: bool = False
    retention_base_months: int = 24
    retention_window_months: int = 12
    churn_threshold_months: int = 12
    cancellation_cutoff_hours: float = 24.0
    punctuality_minutes: float = 15.0
    labor_unit_minutes: float = 60.0
    currency: str | None = None
    door_labor_rate: float | None = None
    top_box_threshold: float | None = None
    csi_mean_scale: float = 10.0
    csi_factor_weights: Mapping[str, float] | None = field(default=None)
    nps_promoter_min: int = 9
    nps_detractor_max: int = 6
    cycle_time_end: str = "delivered_at"
    cycle_time_quantile: float = 0.9
    followup_days: int = 3

    def __post_init__(self) -> None:
        _check_positive(self, "comeback_window_days", "same_visit_hours")
        _check_positive(
            self,
            "retention_base_months",
            "retention_window_months",
            "churn_threshold_months",
        )
        if self.churn_threshold_months >= self.retention_base_months:
            raise ValueError(
                f"churn_threshold_months ({self.churn_threshold_months}) must be "
                f"below retention_base_months ({self.retention_base_months}), or "
                "no vehicle of the base could be churned."
            )
        _check_positive(self, "labor_unit_minutes", "followup_days", "csi_mean_scale")
        if self.comeback_window_km is not None and self.comeback_window_km <= 0:
            raise ValueError(
                f"comeback_window_km must be positive or None, got "
                f"{self.comeback_window_km!r}."
            )
        if self.currency is not None and not _CURRENCY_CODE.match(self.currency):
            raise ValueError(
                f"currency must be a three-letter ISO 4217 code such as CNY or "
                f"USD, got {self.currency!r}."
            )
        _check_choice(self, "first_time_fix_basis", FIRST_TIME_FIX_BASES)
        _check_choice(self, "cycle_time_end", CYCLE_TIME_ENDS)
        if not 0 < self.cycle_time_quantile < 1:
            raise ValueError(
                f"cycle_time_quantile must lie between 0 and 1, got "
                f"{self.cycle_time_quantile!r}."
            )
        if self.cancellation_cutoff_hours < 0 or self.punctuality_minutes < 0:
            raise ValueError(
                "cancellation_cutoff_hours and punctuality_minutes must not be "
                f"negative, got {self.cancellation_cutoff_hours!r} and "
                f"{self.punctuality_minutes!r}."
            )
        if not self.nps_detractor_max < self.nps_promoter_min:
            raise ValueError(
                f"nps_detractor_max ({self.nps_detractor_max}) must be below "
                f"nps_promoter_min ({self.nps_promoter_min})."
            )
        if self.csi_factor_weights is not None:
            object.__setattr__(
                self, "csi_factor_weights", _factor_weights(self.csi_factor_weights)
            )

    def replace(self, **changes: Any) -> KpiSettings:
        """Return a copy with ``changes`` applied (names checked)."""
        unknown = sorted(set(changes) - set(self.as_dict()))
        if unknown:
            raise TypeError(
                f"Unknown KPI settings {unknown}; the settings are "
                f"{sorted(self.as_dict())}."
            )
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """Return the settings as a plain ``{name: value}`` dict."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        if self.csi_factor_weights is not None:
            values["csi_factor_weights"] = dict(self.csi_factor_weights)
        return values

    def describe(self, language: str = "en") -> pd.DataFrame:
        """Return a table of the settings: ``name``, ``value``, ``meaning``.

        Parameters
        ----------
        language
            ``"en"`` or ``"zh"`` for the meaning column.
        """
        if language not in ("en", "zh"):
            raise ValueError(f"language must be 'en' or 'zh', got {language!r}.")
        index = 0 if language == "en" else 1
        rows = [
            {
                "name": name,
                "value": _format_value(value),
                "meaning": SETTING_MEANINGS[name][index],
            }
            for name, value in self.as_dict().items()
        ]
        return pd.DataFrame(rows, columns=["name", "value", "meaning"])

    @classmethod
    def from_strings(cls, assignments: list[str]) -> KpiSettings:
        """Build settings from ``name=value`` strings (command-line form).

        Each value is parsed by the setting's declared type: integers, floats,
        booleans (``true``/``false``, ``yes``/``no``, ``1``/``0``), text, and
        ``none`` for a setting that may be None. ``csi_factor_weights`` takes
        ``factor:weight`` pairs separated by commas.

        Raises
        ------
        ValueError
            An assignment is not ``name=value``, or its value does not parse
            as the setting's type (the message names both and the type).
        TypeError
            A name is not a setting.
        """
        types = {f.name: str(f.type) for f in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for assignment in assignments:
            name, sep, text = assignment.partition("=")
            name = name.strip()
            if not sep:
                raise ValueError(
                    f"Setting {assignment!r} is not of the form name=value, "
                    "e.g. comeback_window_days=90."
                )
            if name not in types:
                raise TypeError(
                    f"Unknown KPI setting {name!r}; the settings are {sorted(types)}."
                )
            changes[name] = _parse_typed(name, text.strip(), types[name])
        return cls().replace(**changes)


def _check_positive(settings: KpiSettings, *names: str) -> None:
    for name in names:
        value = getattr(settings, name)
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value!r}.")


def _check_choice(settings: KpiSettings, name: str, choices: tuple[str, ...]) -> None:
    value = getattr(settings, name)
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}.")


def _factor_weights(weights: Mapping[str, float]) -> Mapping[str, float]:
    unknown = sorted(set(weights) - set(CSI_FACTOR_COLUMNS))
    if unknown:
        raise ValueError(
            f"csi_factor_weights has unknown factors {unknown}; use "
            f"{list(CSI_FACTOR_COLUMNS)}."
        )
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError(
            f"csi_factor_weights must be non-negative with a positive sum, got "
            f"{dict(weights)!r}."
        )
    return _FrozenWeights(weights)


class _FrozenWeights(dict):  # type: ignore[type-arg]
    """A dict that hashes, so the frozen settings stay hashable."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


def _format_value(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


_BOOLEAN_TEXT = {"true": True, "yes": True, "1": True}
_BOOLEAN_TEXT |= {"false": False, "no": False, "0": False}
_TYPE_NAMES = {
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean (true/false, yes/no, 1/0)",
    "str": "text",
    "Mapping[str, float]": "factor:weight pairs separated by commas",
}


def _parse_typed(name: str, text: str, annotation: str) -> Any:
    """Parse ``text`` as the type ``annotation`` of setting ``name``."""
    parts = [part.strip() for part in annotation.split("|")]
    optional = "None" in parts
    base = next(part for part in parts if part != "None")
    if optional and text.lower() in ("none", "null", ""):
        return None
    try:
        return _parse_base(text, base)
    except ValueError:
        expected = _TYPE_NAMES.get(base, base)
        if optional:
            expected += " or none"
        raise ValueError(
            f"Invalid value {text!r} for setting {name}: expected {expected}, "
            f"e.g. {name}={_format_value(getattr(KpiSettings(), name))}."
        ) from None


def _parse_base(text: str, base: str) -> Any:
    if base == "int":
        return int(text)
    if base == "float":
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(text)
        return value
    if base == "bool":
        if text.lower() not in _BOOLEAN_TEXT:
            raise ValueError(text)
        return _BOOLEAN_TEXT[text.lower()]
    if base == "str":
        if not text:
            raise ValueError(text)
        return text
    if base == "Mapping[str, float]":
        weights = {}
        for pair in text.split(","):
            factor, sep, weight = pair.partition(":")
            if not sep:
                raise ValueError(text)
            weights[factor.strip()] = float(weight)
        return weights
    raise TypeError(f"No command-line parser for settings of type {base}.")
