"""Report tables read cleanly: whole counts, blanks, labels, one language."""

import numpy as np
import pandas as pd

from kpitools.kpis import KpiSettings
from kpitools.reports.display import (
    advisor_table,
    caveats_markdown,
    import_accounting_table,
    scorecard_table,
    settings_table,
)
from kpitools.reports.index import _headline_cell


def _card(**overrides):
    card = pd.DataFrame(
        {
            "kpi": ["csi_top_box", "avg_cp_ro_value"],
            "label": ["CSI top box", "CP RO value"],
            "format": ["percent", "currency"],
            "value": [np.nan, 1234.5],
            "n": [np.nan, 40.0],
            "ci_low": [np.nan, np.nan],
            "ci_high": [np.nan, np.nan],
            "benchmark": [0.8, 1000.0],
            "benchmark_source": ["", ""],
            "flag": ["too few data", "no evidence"],
            "available": [False, True],
            "is_small_sample": [False, False],
            "reason": [
                "csi_top_box: the export is limited to customer_pay work "
                "(The labour report omits warranty.), so surveys are not in it",
                "",
            ],
        }
    )
    return card.assign(**overrides)


def test_import_accounting_counts_are_whole_and_missing_blank():
    summary = {
        "tables": {
            "repair_orders": {"read": 6.0, "used": 5.0, "set_aside": {"bad date": 1.0}},
            "surveys": {"read": 3.0, "used": 3.0},
        }
    }
    table = import_accounting_table(summary)
    assert str(table.loc["repair_orders", "read"]) == "6"
    assert str(table.loc["repair_orders", "set aside: bad date"]) == "1"
    assert table.loc["surveys", "set aside: bad date"] == ""


def test_advisor_table_shows_na_without_empty_count():
    kpis = pd.DataFrame(
        {
            "advisor_id": ["A1", "A2"],
            "kpi": "avg_cp_ro_value",
            "value": [250.0, np.nan],
            "n": [1771.0, np.nan],
        }
    )
    table = advisor_table(kpis, ["avg_cp_ro_value"], {}, currency="CNY")
    assert table.loc["A1", "avg_cp_ro_value"] == "250.00 CNY (1,771)"
    assert table.loc["A2", "avg_cp_ro_value"] == "n/a"
    zh = advisor_table(kpis, ["avg_cp_ro_value"], {}, language="zh")
    assert zh.loc["A2", "avg_cp_ro_value"] == "无数据"


def test_scorecard_money_carries_currency_and_zh_has_no_english_na():
    table = scorecard_table(_card(), "zh", currency="CNY")
    assert list(table["数值"]) == ["无数据", "1,234.50 CNY"]


def test_caveats_are_clean_sentences_or_say_none():
    text = caveats_markdown(_card(), "en", currency_given=False)
    assert (
        "- **CSI top box**: not available. The export is limited to customer_pay "
        "work (The labour report omits warranty), so surveys are not in it.\n"
    ) in text
    assert "csi_top_box" not in text
    assert "currency not given" in text
    none = _card(available=[True, True], value=[0.8, 1234.5])
    assert caveats_markdown(none, "en") == "No caveats."
    assert caveats_markdown(none, "zh") == "无注意事项。"


def test_settings_table_says_not_set_and_has_plain_index():
    table = settings_table(KpiSettings(), "zh")
    assert "未设置" in set(table["取值"])
    assert "None" not in set(table["取值"])
    assert list(table.index) == list(range(len(table)))


def test_index_tooltip_gives_whole_counts():
    cell = _headline_cell(
        {
            "format": "percent",
            "value": 0.2,
            "n": 1771.0,
            "ci_low": 0.18,
            "ci_high": 0.22,
            "benchmark": 0.25,
            "flag": "better",
        }
    )
    assert "n = 1,771;" in cell["title"]
