"""Report figures leave out months without data and read rates in percent."""

import matplotlib
import numpy as np
import pandas as pd

from kpitools.reports.figures import kpi_trend_plot

matplotlib.use("Agg")


def test_trend_leaves_out_incomplete_months_and_names_them():
    # 2024-03's comeback window has not ended: not available, n = 0. It must
    # not be drawn at 0; the two complete months are 5/100 and 8/100.
    monthly = pd.DataFrame(
        {
            "store_id": "S01",
            "month": ["2024-01", "2024-02", "2024-03"],
            "kpi": "comeback_candidate_rate",
            "numerator": [5.0, 8.0, 0.0],
            "denominator": [100.0, 100.0, 0.0],
            "value": [0.05, 0.08, np.nan],
            "n": [100, 100, 0],
            "std": np.nan,
            "available": [True, True, False],
            "reason": ["", "", "comeback window not yet complete"],
        }
    )
    figure = kpi_trend_plot(monthly, "comeback_candidate_rate")
    axes = figure.axes[0]
    line = axes.get_lines()[0]
    assert list(line.get_xdata()) == ["2024-01", "2024-02"]
    assert list(line.get_ydata()) == [0.05, 0.08]
    assert "2024-03" in figure.get_supxlabel()
    assert axes.yaxis.get_major_formatter()(0.05, 0).endswith("%")
