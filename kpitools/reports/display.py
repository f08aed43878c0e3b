"""Tables and sentences that the report notebooks display, in English or Chinese."""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpitools.kpis import get_kpi, value_label
from kpitools.kpis.labels import column_label
from kpitools.reports.summary import format_value
from kpitools.tables import ServiceData

__all__ = [
    "advisor_table",
    "caveats_markdown",
    "caveats_table",
    "hide_index",
    "import_accounting_table",
    "report_headline",
    "scorecard_table",
    "settings_table",
    "store_profile",
]

_COLUMNS = {
    "en": {
        "kpi": "KPI",
        "value": "Value",
        "n": "n",
        "interval": "95% interval",
        "benchmark": "Benchmark",
        "source": "Benchmark source",
        "flag": "Flag",
        "advisor": "Advisor",
        "issue": "Caveat",
        "reason": "Reason",
        "table": "Table",
    },
    "zh": {
        "kpi": "指标",
        "value": "数值",
        "n": "样本量",
        "interval": "95% 区间",
        "benchmark": "基准",
        "source": "基准来源",
        "flag": "判定",
        "advisor": "服务顾问",
        "issue": "注意事项",
        "reason": "原因",
        "table": "表",
    },
}
_FLAGS = {
    "en": {},
    "zh": {
        "better": "优于基准",
        "worse": "差于基准",
        "no evidence": "无显著差异",
        "too few data": "数据太少",
        "no benchmark": "无可比基准",
        "not available": "无法计算",
    },
}
_CAVEATS = {
    "en": {
        "small": "too few data for a comparison",
        "missing": "not available",
        "none": "No caveats.",
        "no_currency": "The data gives no currency, so money values carry none "
        "(currency not given).",
    },
    "zh": {
        "small": "样本太少，无法比较",
        "missing": "无法计算",
        "none": "无注意事项。",
        "no_currency": "数据未给出币种，金额不带币种符号（币种未给出）。",
    },
}
_NOT_AVAILABLE = {"en": "n/a", "zh": "无数据"}
_NOT_SET = {"en": "not set", "zh": "未设置"}
_SETTING_HEADERS = {
    "en": {"name": "Setting", "value": "Value", "meaning": "Meaning"},
    "zh": {"name": "设置", "value": "取值", "meaning": "含义"},
}


def _columns(language: str) -> dict[str, str]:
    if language not in _COLUMNS:
        raise ValueError(f"language must be 'en' or 'zh', got {language!r}.")
    return _COLUMNS[language]


def scorecard_table(
    card: pd.DataFrame, language: str = "en", *, currency: str | None = None
) -> pd.DataFrame:
    """Lay out a scorecard for reading: KPI, value, n, interval, benchmark, flag.

    Parameters
    ----------
    card
        The table from ``kpitools.stats.scorecard``.
    language
        ``"en"`` or ``"zh"`` for the column names and flags; the KPI labels
        come from the scorecard, which was built in a language already.
    currency
        ISO code written after money values (the store's currency); None
        writes none.

    Returns
    -------
    pandas.DataFrame
        One row per KPI, indexed by its label, with the values formatted as text
    by the KPI's format.
    """
    names, flags = _columns(language), _FLAGS[language]
    formats = card["format"].fillna("number")
    rows = {
        names["kpi"]: card["label"],
        names["value"]: _formatted(card["value"], formats, language, currency),
        names["n"]: card["n"].map(lambda n: "" if pd.isna(n) else f"{int(n):,}"),
        names["interval"]: [
            ""
            if pd.isna(low)
            else f"{format_value(low, fmt)} – {format_value(high, fmt)}"
            for low, high, fmt in zip(
                card["ci_low"], card["ci_high"], formats, strict=True
            )
        ],
        names["benchmark"]: _formatted(card["benchmark"], formats, language, currency),
        names["source"]: card["benchmark_source"]
        .fillna("")
        .map(lambda source: value_label(source, language)),
        names["flag"]: card["flag"].map(lambda flag: flags.get(flag, flag)),
    }
    return pd.DataFrame(rows).set_index(names["kpi"])


def advisor_table(
    advisor_kpis: pd.DataFrame,
    kpis: list[str],
    labels: dict[str, str],
    *,
    unit: str = "advisor_id",
    language: str = "en",
    currency: str | None = None,
) -> pd.DataFrame:
    """Lay out one row per advisor (or store) and one column per KPI: value (n).

    Parameters
    ----------
    advisor_kpis
        A KPI table by ``unit`` from ``compute_kpis``.
    kpis
        KPI names to show, in order; names absent from the table are skipped.
    labels
        Column heading per KPI name (for example from ``KpiDefinition.label``).
    unit
        The grouping column whose values become the rows, such as
        ``"store_id"`` for a table of stores.
    language
        Language of the "not available" mark.
    currency
        ISO code written after money values; None writes none.

    A value that is not available reads ``n/a`` (``无数据`` in Chinese)
    without a count.
    """
    present = [name for name in kpis if name in set(advisor_kpis["kpi"])]
    rows = advisor_kpis[advisor_kpis["kpi"].isin(present)]
    values = _formatted(rows["value"], rows["kpi"].map(_kpi_format), language, currency)
    text = [
        value
        if pd.isna(n) or value == _NOT_AVAILABLE[language]
        else f"{value} ({int(n):,})"
        for value, n in zip(values, rows["n"], strict=True)
    ]
    wide = (
        rows.assign(text=text)
        .pivot(index=unit, columns="kpi", values="text")
        .reindex(columns=present)
        .rename(columns=labels)
        .fillna(_NOT_AVAILABLE[language])
    )
    wide.columns.name = None
    return wide


def caveats_table(card: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """List the KPIs flagged "too few data" and those not available, with reasons."""
    names, caveats = _columns(language), _CAVEATS[language]
    small = card[card["available"] & card["is_small_sample"]]
    missing = card[~card["available"]]
    rows = pd.concat(
        [
            pd.DataFrame(
                {
                    names["kpi"]: small["label"],
                    names["issue"]: caveats["small"],
                    names["reason"]: [
                        _sentence(
                            f"n = {'' if pd.isna(n) else f'{int(n):,}'}. "
                            f"{_clean_reason(reason, kpi)}"
                        )
                        for n, reason, kpi in zip(
                            small["n"],
                            small["reason"].fillna(""),
                            small["kpi"],
                            strict=True,
                        )
                    ],
                }
            ),
            pd.DataFrame(
                {
                    names["kpi"]: missing["label"],
                    names["issue"]: caveats["missing"],
                    names["reason"]: [
                        _sentence(_clean_reason(reason, kpi))
                        for reason, kpi in zip(
                            missing["reason"].fillna(""), missing["kpi"], strict=True
                        )
                    ],
                }
            ),
        ]
    )
    return rows.set_index(names["kpi"])


def caveats_markdown(
    card: pd.DataFrame,
    language: str = "en",
    *,
    notes: list[str] | tuple[str, ...] = (),
    currency_given: bool = True,
) -> str:
    """Write the data caveats as Markdown bullets, or "No caveats." when none.

    Parameters
    ----------
    card
        The scorecard; its small-sample and unavailable KPIs are listed.
    language
        ``"en"`` or ``"zh"``.
    notes
        Further sentences, such as warnings caught while the report ran.
    currency_given
        False adds one bullet saying money values carry no currency.
    """
    table = caveats_table(card, language)
    names, caveats = _columns(language), _CAVEATS[language]
    separator = "：" if language == "zh" else ": "
    lines = [
        f"- **{label}**{separator}{issue}. {reason}".replace(". .", ".")
        if language == "en"
        else f"- **{label}**{separator}{issue}。{reason}"
        for label, issue, reason in zip(
            table.index, table[names["issue"]], table[names["reason"]], strict=True
        )
    ]
    if not currency_given:
        lines.append(f"- {caveats['no_currency']}")
    lines.extend(f"- {_sentence(note)}" for note in dict.fromkeys(notes))
    return "\n".join(lines) if lines else caveats["none"]


def settings_table(settings: Any, language: str = "en") -> pd.DataFrame:
    """Lay out ``KpiSettings.describe`` for reading: labelled names, "not set".

    Setting names are translated through the report column labels where one
    exists, and a value of None reads "not set" (``未设置``).
    """
    headers = _SETTING_HEADERS.get(language)
    if headers is None:
        raise ValueError(f"language must be 'en' or 'zh', got {language!r}.")
    table = settings.describe(language)
    values = table["value"].astype("string")
    is_unset = table["value"].isna() | values.isin(["None", ""])
    return pd.DataFrame(
        {
            headers["name"]: [column_label(name, language) for name in table["name"]],
            headers["value"]: values.where(~is_unset, _NOT_SET[language]),
            headers["meaning"]: table["meaning"],
        }
    )


def hide_index(table: pd.DataFrame) -> Any:
    """Return a Styler that shows ``table`` without its row index."""
    return table.style.hide(axis="index")


def import_accounting_table(import_summary: dict[str, Any]) -> pd.DataFrame:
    """Lay out an import summary's row accounting: one row per table.

    The per-table counts are read from the summary's ``"tables"`` mapping (or
    from the top level when it has none): rows read, used and set aside, and
    one column per reason a row was set aside, named ``set aside: <reason>``.
    An empty summary gives an empty table.
    """
    tables = import_summary.get("tables", import_summary)
    rows = {}
    for name, counts in tables.items():
        if not isinstance(counts, dict):
            continue
        row = {}
        for key, value in counts.items():
            if isinstance(value, dict):
                row.update({f"set aside: {reason}": n for reason, n in value.items()})
            elif not isinstance(value, list):
                row[key] = value
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    # Counts are whole numbers; a reason that did not occur in a table is blank.
    return table.astype(object).apply(
        lambda column: column.map(
            lambda count: (
                ""
                if pd.isna(count)
                else int(count)
                if isinstance(count, (int, float)) and float(count).is_integer()
                else count
            )
        )
    )


def store_profile(data: ServiceData, store_id: str) -> dict[str, Any]:
    """Return the store's row of the ``stores`` table as a dict.

    Only ``store_id`` is given when the data has no stores table or no row for
    the store.
    """
    if not data.has("stores"):
        return {"store_id": store_id}
    stores = data.get("stores")
    match = stores[stores["store_id"] == store_id]
    if match.empty:
        return {"store_id": store_id}
    return {
        str(key): (None if pd.isna(value) else value)
        for key, value in match.iloc[0].to_dict().items()
    }


def report_headline(
    card: pd.DataFrame,
    *,
    store_id: str,
    period: str,
    n_repair_orders: int,
    language: str = "en",
) -> str:
    """Write the report's opening sentences in Markdown: volume and flagged KPIs."""
    period_text = period.replace(":", " – ")
    worse = card.loc[card["flag"] == "worse", "label"].tolist()
    better = card.loc[card["flag"] == "better", "label"].tolist()
    if language == "zh":
        lines = [
            f"**门店 {store_id}，期间 {period_text}：{n_repair_orders:,} 张工单。**"
        ]
        lines.append(f"差于基准：{'、'.join(worse) if worse else '无'}。")
        lines.append(f"优于基准：{'、'.join(better) if better else '无'}。")
        lines.append("其余指标与基准相比无显著差异，或数据太少（见“数据注意事项”）。")
        return "\n\n".join(lines)
    lines = [f"**Store {store_id}, {period_text}: {n_repair_orders:,} repair orders.**"]
    lines.append(f"Worse than the benchmark: {', '.join(worse) if worse else 'none'}.")
    lines.append(
        f"Better than the benchmark: {', '.join(better) if better else 'none'}."
    )
    lines.append(
        "The other KPIs show no evidence of a difference, or have too few data "
        "(see Data caveats)."
    )
    return "\n\n".join(lines)


def _formatted(
    values: pd.Series,
    formats: pd.Series,
    language: str = "en",
    currency: str | None = None,
) -> list[str]:
    texts = []
    for value, fmt in zip(values, formats, strict=True):
        text = format_value(value, fmt)
        if text == "n/a":
            text = _NOT_AVAILABLE[language]
        elif fmt == "currency" and currency:
            text = f"{text} {currency}"
        texts.append(text)
    return texts


def _clean_reason(reason: str, kpi: str) -> str:
    """Drop a leading KPI code and tidy the punctuation of a reason."""
    text = str(reason).strip()
    if text.startswith(f"{kpi}:"):
        text = text[len(kpi) + 1 :].strip()
    text = text.replace(".)", ")").replace(". (", " (").replace("..", ".")
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    """End a non-empty text with a full stop (or its Chinese form)."""
    text = text.strip()
    if not text or text[-1] in ".。!?！？":
        return text
    return text + ("。" if any("\u4e00" <= c <= "\u9fff" for c in text) else ".")


def _kpi_format(name: str) -> str:
    return get_kpi(name).format
