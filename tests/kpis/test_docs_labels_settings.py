"""The generated KPI page, labels in both languages, and the settings."""

from __future__ import annotations

import pandas as pd
import pytest

from kpitools.benchmarks import KPI_NAMES as BENCHMARK_KPI_NAMES
from kpitools.kpis import (
    REGISTRY,
    KpiSettings,
    column_label,
    kpi_label,
    label_columns,
    render_kpi_docs,
    value_label,
    write_kpi_docs,
)
from kpitools.kpis.docs import KPI_DOCS_FILE
from kpitools.kpis.engine import RESULT_COLUMNS
from kpitools.kpis.labels import COLUMN_LABELS
from kpitools.kpis.settings import SETTING_MEANINGS


def test_docs_file_matches_registry():
    assert KPI_DOCS_FILE.read_text(encoding="utf-8") == render_kpi_docs(), (
        "docs/kpis.md is out of date; regenerate it with "
        "'kpitools kpis --docs docs/kpis.md'"
    )


def test_docs_name_every_kpi_and_setting():
    text = render_kpi_docs()
    for name in REGISTRY:
        assert f"## `{name}`" in text
    for name in KpiSettings().as_dict():
        assert f"| `{name}` |" in text


def test_write_kpi_docs(tmp_path):
    target = write_kpi_docs(tmp_path / "kpis.md")
    assert target.read_text(encoding="utf-8").startswith("# KPI catalogue")


def test_every_result_column_has_labels():
    for column in ("store_id", "advisor_id", "month", *RESULT_COLUMNS):
        assert column in COLUMN_LABELS
        english, chinese = COLUMN_LABELS[column]
        assert english
        assert chinese


def test_labels_in_two_languages():
    assert kpi_label("nps", "zh") == "净推荐值"
    assert column_label("advisor_id", "zh") == "服务顾问"
    assert column_label("comeback_candidate_rate") == "Comeback rate (candidate)"
    assert column_label("unknown_column") == "unknown_column"
    assert value_label("worse", "zh") == "劣于基准"
    frame = pd.DataFrame({"kpi": ["nps"], "value": [1.0]})
    assert list(label_columns(frame, "zh").columns) == ["指标代码", "数值"]
    with pytest.raises(ValueError, match="'en' or 'zh'"):
        column_label("value", "de")


def test_revisit_label_is_not_comeback():
    assert "comeback" not in kpi_label("revisit_rate").lower()
    assert "返修" not in kpi_label("revisit_rate", "zh")


def test_settings_defaults():
    settings = KpiSettings()
    assert settings.comeback_window_days == 30
    assert settings.comeback_window_km is None
    assert settings.cancellation_cutoff_hours == 24
    assert settings.churn_threshold_months == 12
    assert set(settings.as_dict()) == set(SETTING_MEANINGS)


def test_settings_describe_both_languages():
    english = KpiSettings(comeback_window_days=90).describe()
    assert list(english.columns) == ["name", "value", "meaning"]
    row = english.set_index("name").loc["comeback_window_days"]
    assert row["value"] == "90"
    chinese = KpiSettings().describe("zh").set_index("name")
    assert "返修" in chinese.loc["comeback_window_days", "meaning"]


def test_settings_replace_and_errors():
    settings = KpiSettings().replace(comeback_window_km=4000)
    assert settings.comeback_window_km == 4000
    with pytest.raises(TypeError, match="Unknown KPI settings \\['window'\\]"):
        KpiSettings().replace(window=3)
    with pytest.raises(ValueError, match="comeback_window_days must be positive"):
        KpiSettings(comeback_window_days=0)
    with pytest.raises(ValueError, match="cycle_time_end must be one of"):
        KpiSettings(cycle_time_end="opened_at")
    with pytest.raises(ValueError, match="unknown factors"):
        KpiSettings(csi_factor_weights={"factor_price": 1.0})


def test_settings_from_strings():
    settings = KpiSettings.from_strings(
        ["comeback_window_days=90", "comeback_window_km=none", "pay_type_split=true"]
    )
    assert settings.comeback_window_days == 90
    assert settings.comeback_window_km is None
    assert settings.pay_type_split is True
    with pytest.raises(ValueError, match="name=value"):
        KpiSettings.from_strings(["comeback_window_days"])


def test_settings_hashable_with_weights():
    settings = KpiSettings(csi_factor_weights={"factor_service_advisor": 2.0})
    assert hash(settings) == hash(
        KpiSettings(csi_factor_weights={"factor_service_advisor": 2.0})
    )


def test_benchmark_kpi_names_match_registry():
    # kpitools.benchmarks keeps its own copy of the names (same layer as kpis)
    assert tuple(BENCHMARK_KPI_NAMES) == tuple(REGISTRY)


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (
            "comeback_window_days=abc",
            "Invalid value 'abc' for setting comeback_window_days: expected an integer",
        ),
        ("comeback_window_days=3.5", "'3.5' for setting comeback_window_days"),
        (
            "comeback_same_system_group=maybe",
            r"'maybe' for setting comeback_same_system_group: expected a boolean",
        ),
        ("comeback_window_km=far", "'far' for setting comeback_window_km: expected "),
        ("cycle_time_quantile=nan", "'nan' for setting cycle_time_quantile"),
        ("currency=euro", "three-letter ISO 4217 code.*'euro'"),
        ("csi_factor_weights=factor_service_advisor", "factor:weight pairs"),
    ],
)
def test_from_strings_rejects_invalid_value(assignment, message):
    with pytest.raises(ValueError, match=message):
        KpiSettings.from_strings([assignment])


def test_from_strings_parses_declared_types():
    settings = KpiSettings.from_strings(
        [
            "comeback_same_system_group=0",
            "comeback_require_full_window=no",
            "same_visit_hours=6",
            "comeback_window_km=null",
            "currency=EUR",
            "csi_factor_weights=factor_service_advisor:2, factor_vehicle_pickup:1",
        ]
    )
    assert settings.comeback_same_system_group is False
    assert settings.comeback_require_full_window is False
    assert settings.same_visit_hours == 6.0
    assert isinstance(settings.same_visit_hours, float)
    assert settings.comeback_window_km is None
    assert settings.currency == "EUR"
    assert dict(settings.csi_factor_weights) == {
        "factor_service_advisor": 2.0,
        "factor_vehicle_pickup": 1.0,
    }
    with pytest.raises(TypeError, match="Unknown KPI setting 'window'"):
        KpiSettings.from_strings(["window=3"])
