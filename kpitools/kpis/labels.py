"""English and Chinese labels for KPIs, report columns and coded values."""

from __future__ import annotations

import pandas as pd

from kpitools.kpis.registry import get_kpi

__all__ = [
    "COLUMN_LABELS",
    "LANGUAGES",
    "REPORT_TEXT",
    "VALUE_LABELS",
    "column_label",
    "kpi_label",
    "label_columns",
    "report_text",
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
    "no benchmark": ("no benchmark", "无可比基准"),
    "not available": ("not available", "无法计算"),
    # the benchmark source when no published value applies
    "peer network (all stores pooled)": (
        "peer network (all stores pooled)",
        "同业网络（数据中所有门店合并）",
    ),
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


# Section texts of the report notebooks, key -> (English, Chinese) Markdown.
# The notebooks show one language, so a page in English has no CJK text.
REPORT_TEXT: dict[str, tuple[str, str]] = {
    "store_report.title": (
        "# Store service report\n\n"
        "One store's service KPIs for one period: a scorecard against benchmarks "
        "with intervals and flags, monthly trends, the advisors, the settings "
        "used and the data caveats.",
        "# 门店售后服务报告\n\n"
        "本报告展示一家门店在一个期间内的售后服务 KPI：与基准比较的评分卡（含置信"
        "区间与判定）、月度趋势、服务顾问、所用设置和数据注意事项。",
    ),
    "store_report.scorecard": (
        "## Scorecard\n\n"
        "Each KPI with its sample size, 95% interval and benchmark: a published "
        "value where one applies to this store, otherwise the peer network (all "
        "stores in the data pooled). The flag says whether the store is *better* "
        "or *worse* than the benchmark after a test in the KPI's direction with "
        "Benjamini-Hochberg adjustment across the card, *no evidence* of a "
        "difference, or *too few data*.",
        "## 评分卡\n\n"
        "每个 KPI 的样本量、95% 置信区间和基准：适用于本店的公开基准，否则为同业网络"
        "（数据中所有门店合并）。判定为按 KPI 方向检验并经 Benjamini-Hochberg 校正后"
        "的结果：*优于*、*差于*、*无证据表明存在差异* 或 *数据太少*。",
    ),
    "store_report.trends": (
        "## Monthly trends\n\n"
        "The main KPIs month by month with 95% intervals; the dashed line is the "
        "scorecard's benchmark. Wide intervals mean few cases that month.",
        "## 月度趋势\n\n"
        "主要 KPI 的逐月数值及 95% 置信区间；虚线为评分卡中的基准。区间较宽表示当月"
        "样本较少。",
    ),
    "store_report.advisors": (
        "## Advisors\n\n"
        "Each advisor's KPIs as *value (n)*. Rank advisors on intervals, not raw "
        "rates: the caterpillar plots show each advisor's 95% interval around the "
        "store's own value (dashed line).",
        "## 服务顾问\n\n"
        "每位服务顾问的 KPI，格式为 *数值（样本量）*。请依据置信区间而非原始比率对"
        "顾问排序：毛毛虫图显示每位顾问的 95% 置信区间及本店数值（虚线）。",
    ),
    "store_report.settings": (
        "## Settings used\n\nEvery definitional choice behind the KPIs above.",
        "## 所用设置\n\n以上 KPI 所依据的全部定义选项。",
    ),
    "store_report.import": (
        "## Import row accounting\n\n"
        "Rows read, used and set aside per table when the data came from "
        "`kpitools import`; empty for the synthetic sample.",
        "## 导入行数核对\n\n"
        "数据经 `kpitools import` 导入时，每张表读取、使用和隔离的行数；示例数据为空。",
    ),
    "store_report.caveats": (
        "## Data caveats\n\n"
        "KPIs with too few data for a comparison, and KPIs this data cannot "
        "support, each with the reason. A KPI that is not available is never "
        "shown as zero.",
        "## 数据注意事项\n\n"
        "数据太少无法比较的 KPI，以及此数据无法支持的 KPI，并附原因。无法计算的 KPI "
        "不会显示为零。",
    ),
    "group_overview.title": (
        "# Group overview\n\n"
        "Every store and every advisor of the group on funnel plots for the main "
        "rate KPIs. A funnel plot puts each unit's rate against its sample size, "
        "with 95% and 99.8% limits around the group's pooled rate (Spiegelhalter "
        "2005, *Statistics in Medicine* 24:1185): points outside the 99.8% limits "
        "differ by more than chance. When the units vary more than chance allows, "
        "the limits widen for the overdispersion, as the title of each plot says.",
        "# 集团总览\n\n"
        "集团内所有门店和服务顾问的主要比率类 KPI 漏斗图。漏斗图将每个单位的比率与其"
        "样本量对照，并在集团合并比率周围画出 95% 和 99.8% 控制限（Spiegelhalter "
        "2005, *Statistics in Medicine* 24:1185）：落在 99.8% 控制限之外的点与集团"
        "整体水平的差异超出随机波动。",
    ),
    "group_overview.stores": (
        "## Stores\n\nEach store's value and sample size for the period.",
        "## 门店\n\n每家门店在该期间的数值和样本量。",
    ),
    "group_overview.advisors": (
        "## Advisors\n\n"
        "Every advisor of the group, labelled *store/advisor*, against the "
        "group's pooled rate. An advisor outside the limits is worth a "
        "conversation; one inside them is not shown to differ.",
        "## 服务顾问\n\n"
        "集团内每位服务顾问（标为 *门店/顾问*）与集团合并比率的比较。落在控制限之外"
        "的顾问值得沟通；落在限内的顾问不能认为存在差异。",
    ),
    "rootcause.title": (
        "# Why do repairs come back? A root-cause study of the return rate\n\n"
        "From a store's comeback rate down to the factors that drive it: rates by "
        "factor with intervals, tests of association with false discovery rate "
        "control, a case-mix model with observed and expected comebacks per "
        "technician and advisor, the time to return, and the ROs behind each "
        "driver (VINs masked).",
        "# 为什么车辆返修？返修率根因分析\n\n"
        "从门店的返修率出发，逐步找到背后的因素：各因素的返修率及置信区间、控制错误"
        "发现率的关联检验、按维修构成调整后每位技师和服务顾问的实际与预期返修数、"
        "返回时间，以及每个驱动因素背后的工单（VIN 已脱敏）。",
    ),
    "rootcause.headline": (
        "{outcome}: **{n_events:,}** of {n_repair_orders:,} ROs, "
        "**{rate:.1%}** (95% CI {ci_low:.1%} to {ci_high:.1%}).",
        "{outcome}：{n_repair_orders:,} 张工单中 **{n_events:,}** 张，比率 "
        "**{rate:.1%}**（95% 置信区间 {ci_low:.1%} 至 {ci_high:.1%}）。",
    ),
    "rootcause.curve": (
        "## When do cars come back?\n\n"
        "The Kaplan-Meier curve of any return visit shows how much a 7, 30 or "
        "90-day window catches. ROs opened near the end of the data are censored "
        "rather than counted as no return.",
        "## 车辆何时返回？\n\n"
        "任意再次进厂的 Kaplan-Meier 曲线显示 7、30 或 90 天观察期各能覆盖多少返回。"
        "临近数据末尾开出的工单作删失处理，而不计为未返回。",
    ),
    "rootcause.associations": (
        "## Which factors are associated with coming back?\n\n"
        "One test per factor. Factors other than the system group are tested by "
        "permutation within system groups, so riskier work alone does not flag "
        "them, and Benjamini-Hochberg controls the false discovery rate. A "
        "*driver* still matters given the other drivers.",
        "## 哪些因素与返修相关？\n\n"
        "每个因素一个检验。系统组以外的因素在系统组内做置换检验，因此仅因维修难度高"
        "不会被判为相关；Benjamini-Hochberg 方法控制错误发现率。*驱动因素*是在控制"
        "其他驱动因素后仍然相关的因素。",
    ),
    "rootcause.within": (
        "## One technician on one kind of work?\n\n"
        "A technician whose repairs of one system group come back often can hide "
        "in an overall rate. This scan tests technicians within each system "
        "group and names the technician furthest above the group's rate.",
        "## 某位技师在某类维修上？\n\n"
        "某位技师在某个系统组上返修偏多，可能被其总体返修率掩盖。此处在每个系统组内"
        "检验技师差异，并列出高于该组返修率最多的技师。",
    ),
    "rootcause.drivers": (
        "## The drivers, level by level",
        "## 驱动因素的各水平",
    ),
    "rootcause.pareto": (
        "## Pareto of system groups and of confirmed causes",
        "## 系统组与确认返修原因的帕累托分析",
    ),
    "rootcause.pareto_plot_title": (
        "ROs that came back, by system group",
        "按系统组统计的返修工单",
    ),
    "rootcause.model": (
        "## Given the case mix: observed against expected\n\n"
        "A logistic model of the case mix gives each technician and advisor an "
        "expected number of comebacks; a ratio above 1 means more than expected.",
        "## 按维修构成调整：实际与预期\n\n"
        "基于维修构成的逻辑回归模型给出每位技师和服务顾问的预期返修数；比值大于 1 "
        "表示多于预期。",
    ),
    "rootcause.drilldown": (
        "## Drill down: the ROs behind the top level of each driver\n\n"
        "VINs are masked.",
        "## 下钻：每个驱动因素最高水平背后的工单\n\nVIN 已脱敏。",
    ),
    "rootcause.findings": (
        "## What the data supports, and what it does not",
        "## 数据支持什么结论，不支持什么",
    ),
}


def report_text(key: str, language: str = "en") -> str:
    """Return the Markdown of report section ``key`` in ``language``.

    Raises
    ------
    KeyError
        ``key`` is not in :data:`REPORT_TEXT`; the message lists the keys.
    """
    index = _index(language)
    if key not in REPORT_TEXT:
        raise KeyError(
            f"Unknown report text {key!r}; use one of {sorted(REPORT_TEXT)}."
        )
    return REPORT_TEXT[key][index]
