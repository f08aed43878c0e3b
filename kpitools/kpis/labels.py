"""English and Chinese labels for KPIs, report columns and coded values."""

from __future__ import annotations

import pandas as pd

from kpitools.kpis.registry import get_kpi

__all__ = [
    "COLUMN_LABELS",
    "LANGUAGES",
    "VALUE_LABELS",
    "column_label",
    "kpi_label",
    "label_columns",
    "value_label",
]

LANGUAGES = ("en", "zh")

# column name -> (English, Chinese)
COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "kpi": ("KPI code", "指标代码"),
    "label": ("KPI", "指标"),
    "value": ("Value", "数值"),
    "estimate": ("Estimate", "估计值"),
    "numerator": ("Numerator", "分子"),
    "denominator": ("Denominator", "分母"),
    "n": ("n", "样本量"),
    "std": ("Standard deviation", "标准差"),
    "promoters": ("Promoters", "推荐者"),
    "detractors": ("Detractors", "贬损者"),
    "ci_low": ("95% CI low", "95%置信下限"),
    "ci_high": ("95% CI high", "95%置信上限"),
    "benchmark": ("Benchmark", "基准值"),
    "benchmark_source": ("Benchmark source", "基准来源"),
    "p_value": ("p-value", "p值"),
    "p_adjusted": ("Adjusted p-value", "校正后p值"),
    "flag": ("Assessment", "评价"),
    "is_small_sample": ("Small sample", "小样本"),
    "available": ("Available", "可计算"),
    "reason": ("Reason", "原因"),
    "format": ("Format", "格式"),
    "direction": ("Direction", "方向"),
    "unit": ("Unit", "单位"),
    "source": ("Source", "来源"),
    "formula": ("Formula", "公式"),
    "store_id": ("Store", "门店"),
    "store_name": ("Store name", "门店名称"),
    "advisor_id": ("Advisor", "服务顾问"),
    "technician_id": ("Technician", "技师"),
    "month": ("Month", "月份"),
    "period": ("Period", "期间"),
    "pay_type": ("Pay type", "结算方式"),
    "lane": ("Lane", "工位类型"),
    "ro_type": ("RO type", "维修类别"),
    "model": ("Model", "车型"),
    "vehicle_age_band": ("Vehicle age (years)", "车龄（年）"),
    "system_group": ("System group", "系统组"),
    "name": ("Setting", "设置项"),
    "meaning": ("Meaning", "含义"),
    "window_days": ("Window (days)", "观察期（天）"),
    "n_repair_orders": ("ROs", "工单数"),
    "revisits": ("Revisits", "再次进厂数"),
    "revisit_rate": ("Revisit rate", "再次进厂率"),
    "comeback_candidates": ("Comeback candidates", "返修候选数"),
    "comeback_candidate_rate": ("Comeback rate (candidate)", "返修率（候选）"),
    "comeback_confirmed": ("Confirmed comebacks", "确认返修数"),
    "comeback_confirmed_rate": ("Comeback rate (confirmed)", "返修率（确认）"),
    "ro_number": ("RO number", "工单号"),
    "opened_at": ("Opened", "进厂时间"),
    "next_ro_number": ("Next RO", "下次工单号"),
    "days_to_next_visit": ("Days to next visit", "距下次进厂天数"),
    "km_to_next_visit": ("km to next visit", "距下次进厂公里数"),
    "is_revisit": ("Revisit", "再次进厂"),
    "is_comeback_candidate": ("Comeback candidate", "返修候选"),
    "is_comeback_confirmed": ("Confirmed comeback", "确认返修"),
    "comeback_cause": ("Comeback cause", "返修原因"),
}

# coded value -> (English, Chinese)
VALUE_LABELS: dict[str, tuple[str, str]] = {
    "better": ("better", "优于基准"),
    "worse": ("worse", "劣于基准"),
    "no evidence": ("no evidence", "无显著差异"),
    "too few data": ("too few data", "数据不足"),
    "up": ("higher is better", "越高越好"),
    "down": ("lower is better", "越低越好"),
    "band": ("target range", "目标区间"),
    "customer_pay": ("customer pay", "自费"),
    "warranty": ("warranty", "索赔"),
    "internal": ("internal", "内部"),
    "insurance": ("insurance", "保险"),
    "service_contract": ("service contract", "延保合同"),
    "express": ("express", "快修"),
    "main_shop": ("main shop", "机修"),
    "maintenance": ("maintenance", "保养"),
    "repair": ("repair", "一般维修"),
    "body_paint": ("body and paint", "钣喷"),
    "other": ("other", "其他"),
    "engine": ("engine", "发动机"),
    "transmission": ("transmission", "变速箱"),
    "electrical": ("electrical", "电气"),
    "brakes": ("brakes", "制动"),
    "suspension_steering": ("suspension and steering", "悬架转向"),
    "hvac": ("heating and air conditioning", "空调"),
    "tyres_wheels": ("tyres and wheels", "轮胎轮毂"),
    "body": ("body", "车身"),
    "workmanship": ("workmanship", "维修质量"),
    "misdiagnosis": ("misdiagnosis", "误诊"),
    "part_failure": ("part failure", "配件故障"),
    "intermittent": ("intermittent fault", "间歇性故障"),
    "new_issue": ("new issue", "新问题"),
}


def _index(language: str) -> int:
    if language not in LANGUAGES:
        raise ValueError(f"language must be 'en' or 'zh', got {language!r}.")
    return LANGUAGES.index(language)


def kpi_label(name: str, language: str = "en") -> str:
    """Return the display label of KPI ``name`` in ``language``.

    Raises
    ------
    KpiNotFoundError
        ``name`` is not a registered KPI.
    """
    return get_kpi(name).label(language)


def column_label(column: str, language: str = "en") -> str:
    """Return the display label of report column ``column``.

    A column without a label (a KPI name used as a column, for instance)
    falls back to the KPI label, then to the column name itself.
    """
    index = _index(language)
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column][index]
    try:
        return kpi_label(column, language)
    except KeyError:
        return column


def value_label(value: str, language: str = "en") -> str:
    """Return the display label of a coded value (flag, pay type, ...)."""
    index = _index(language)
    return VALUE_LABELS[value][index] if value in VALUE_LABELS else value


def label_columns(frame: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """Return ``frame`` with its columns renamed to display labels."""
    _index(language)
    return frame.rename(columns={c: column_label(c, language) for c in frame.columns})
