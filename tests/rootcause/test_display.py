import warnings

import numpy as np
import pandas as pd
import pytest

from kpitools.paths import NOTEBOOKS_DIR, SAMPLE_DATA_DIR
from kpitools.rootcause import (
    drilldown_frame,
    findings_markdown,
    format_p_value,
    format_percent,
    rootcause_table,
)


def test_format_p_value():
    # Rule by hand: below 0.001 a bound, else three significant digits.
    assert format_p_value(6.698405e-123) == "< 0.001"
    assert format_p_value(0.0009999) == "< 0.001"
    assert format_p_value(0.001) == "0.001"
    assert format_p_value(0.0011) == "0.0011"
    assert format_p_value(0.93574) == "0.936"
    assert format_p_value(1.0) == "1"
    assert format_p_value(np.nan) == ""


def test_format_percent():
    assert format_percent(0.168224) == "16.8%"
    assert format_percent(0.03) == "3.0%"
    assert format_percent(np.nan) == ""


def _associations():
    return pd.DataFrame(
        {
            "label": ["system group", "technician"],
            "p_value": [6.698405e-123, 0.0001],
            "p_adjusted": [6.698405e-123, 0.0011],
            "is_driver": [True, False],
            "n_repair_orders": [9785.0, 9785.0],
            "rate": [0.168224, 0.0319],
            "ci_low": [0.145, np.nan],
            "statistic": [597.647178, 47.32995],
        },
        index=[7, 3],
    )


def test_rootcause_table_english():
    styler = rootcause_table(_associations(), "en")
    table = styler.data
    assert list(table.columns) == [
        "Factor",
        "p-value",
        "Adjusted p-value",
        "Driver",
        "ROs",
        "Rate",
        "95% CI low",
        "Statistic",
    ]
    assert table.iloc[0].tolist() == [
        "system group",
        "< 0.001",
        "< 0.001",
        "yes",
        "9,785",
        "16.8%",
        "14.5%",
        "597.65",
    ]
    assert table.iloc[1].tolist() == [
        "technician",
        "< 0.001",
        "0.0011",
        "no",
        "9,785",
        "3.2%",
        "",
        "47.33",
    ]
    assert list(table.index) == [0, 1]
    assert "<th" not in styler.to_html().split("<tbody>")[1].split("</tr>")[0]


def test_rootcause_table_chinese_and_coded_values():
    frame = pd.DataFrame(
        {"level": ["electrical", "S03-T04"], "ci_low": [1.07, 0.8], "flag": "worse"}
    )
    table = rootcause_table(frame, "zh", percent=()).data
    assert list(table.columns) == ["水平", "95%置信下限", "评价"]
    assert table["水平"].tolist() == ["电气", "S03-T04"]
    assert table["95%置信下限"].tolist() == ["1.07", "0.80"]
    assert table["评价"].tolist() == ["劣于基准", "劣于基准"]


def test_rootcause_table_names_factors_and_flags():
    frame = pd.DataFrame(
        {
            "factor": ["system_group", "technician", "weekday"],
            "flag": ["higher", "lower", "no evidence"],
        }
    )
    table = rootcause_table(frame, "zh").data
    # Labels from COLUMN_LABELS (technician_id) and VALUE_LABELS ("no evidence").
    assert table["因素"].tolist() == ["系统组", "技师", "weekday"]
    assert table["评价"].tolist() == ["偏高", "偏低", "无显著差异"]


def test_rootcause_table_rejects_unknown_language():
    with pytest.raises(ValueError, match="'fr'"):
        rootcause_table(_associations(), "fr")


def test_findings_markdown():
    md = findings_markdown(["a driver", "b driver"], ["not a cause"], "zh")
    assert md.data == "- a driver\n- b driver\n\n**局限**\n\n- not a cause"
    assert findings_markdown(["x"]).data == "- x"


@pytest.fixture(scope="module")
def sample_study():
    from kpitools.rootcause import comeback_study
    from kpitools.tables import load_data

    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").exists():
        pytest.skip("the bundled sample (data/sample) is not generated yet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return comeback_study(load_data(SAMPLE_DATA_DIR), store_id="S03")


def test_drilldown_frame_names_driver_and_level(sample_study):
    frame = drilldown_frame(sample_study, n=5)
    assert list(frame.columns[:2]) == ["driver", "level"]
    assert frame["driver"].drop_duplicates().tolist() == list(sample_study.drivers)
    for name, block in frame.groupby("driver", sort=False):
        top = str(sample_study.top_levels(name, 1)["level"].iloc[0])
        assert set(block["level"]) == {top}
        assert len(block) <= 5


def test_notebook_runs_in_chinese(tmp_path):
    papermill = pytest.importorskip("papermill")
    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").exists():
        pytest.skip("the bundled sample (data/sample) is not generated yet")
    out = tmp_path / "rc.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "return_rate_rootcause.ipynb"),
        str(out),
        parameters={"store_id": "S03", "language": "zh"},
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    text = out.read_text(encoding="utf-8")
    assert "返修" in text
    assert "6.698405e-123" not in text
