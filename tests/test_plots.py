"""Plots return Figures, draw what they are given and mark signals."""

import warnings

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kpitools.exceptions import SmallSampleWarning
from kpitools.plots import (
    FLAG_COLORS,
    caterpillar_plot,
    control_chart_plot,
    funnel_plot,
    scorecard_plot,
    trend_plot,
)
from kpitools.stats import funnel_table, p_chart

matplotlib.use("Agg")


def test_funnel_plot_marks_outliers(tmp_path):
    # 99.8% limits at n = 100 around 0.5 are about 0.5 +- 0.155: only a (0.20)
    # and j (0.80) lie outside.
    result = funnel_table(
        [20, 45, 45, 45, 50, 50, 55, 55, 55, 80],
        [100] * 10,
        target=0.5,
        group=list("abcdefghij"),
        adjustment="none",
    )
    figure = funnel_plot(result, title="comebacks")
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    labels = {text.get_text() for text in axes.texts}
    assert labels == {"a", "j"}
    figure.savefig(tmp_path / "funnel.png")
    assert (tmp_path / "funnel.png").stat().st_size > 0


def test_caterpillar_plot_sorts_units():
    table = pd.DataFrame(
        {
            "group": ["A1", "A2", "A3"],
            "value": [0.3, 0.1, 0.2],
            "ci_low": [0.2, 0.05, 0.1],
            "ci_high": [0.4, 0.2, 0.3],
            "flag": ["worse", "better", "no evidence"],
        }
    )
    figure = caterpillar_plot(table, benchmark=0.2, flag="flag")
    ticks = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert ticks == ["A2", "A3", "A1"]


def test_control_chart_plot_marks_signal():
    # Centre 150/1200 = 0.125, UCL 0.125 + 3 sqrt(0.125 * 0.875/100) = 0.224:
    # only the last month (0.40) is outside.
    counts = [10] * 11 + [40]
    sizes = [100] * 12
    chart = p_chart(counts, sizes)
    figure = control_chart_plot(chart, labels=[f"m{i}" for i in range(12)])
    collections = figure.axes[0].collections
    outside = [c for c in collections if c.get_label() == "outside limits"][0]
    assert len(outside.get_offsets()) == int(chart.table["is_outside"].sum()) == 1


def test_scorecard_plot_colours_flags():
    card = pd.DataFrame(
        {
            "label": ["CSI", "Comebacks", "ELR"],
            "value": [0.8, 0.06, 120.0],
            "ci_low": [0.75, 0.05, np.nan],
            "ci_high": [0.85, 0.07, np.nan],
            "benchmark": [0.85, 0.05, 115.0],
            "flag": ["worse", "worse", "no evidence"],
        }
    )
    figure = scorecard_plot(card)
    points = figure.axes[0].collections[-1]
    assert len(points.get_offsets()) == 3
    assert (
        matplotlib.colors.to_hex(points.get_facecolors()[2])
        == FLAG_COLORS["no evidence"]
    )


def test_trend_plot_one_line_per_store():
    table = pd.DataFrame(
        {
            "month": ["2024-01", "2024-02"] * 2,
            "store_id": ["S1", "S1", "S2", "S2"],
            "value": [0.1, 0.2, 0.15, 0.12],
            "ci_low": [0.05, 0.1, 0.1, 0.08],
            "ci_high": [0.15, 0.3, 0.2, 0.16],
        }
    )
    figure = trend_plot(table, hue="store_id", benchmark=0.12)
    assert len(figure.axes[0].lines) == 3


def test_plots_never_use_pyplot_state():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        funnel_plot(funnel_table([1, 2, 3], [10, 20, 30], adjustment="none"))
    assert plt.get_fignums() == before


def test_trend_plot_without_labels_draws_no_legend_and_no_warning():
    # One line, no hue and no benchmark: nothing carries a label, so matplotlib
    # would warn "No artists with labels found" if a legend were asked for.
    table = pd.DataFrame({"month": ["2024-01", "2024-02"], "value": [0.1, 0.2]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = trend_plot(table, is_percent=True)
    axes = figure.axes[0]
    assert axes.get_legend() is None
    # 0.1 on a percent axis reads "10%"
    assert float(axes.yaxis.get_major_formatter()(0.1, 0).rstrip("%")) == 10


def test_scorecard_plot_without_comparable_kpis_says_so():
    card = pd.DataFrame(
        {
            "label": ["CSI", "Comebacks"],
            "value": [np.nan, 0.06],
            "ci_low": [np.nan, 0.05],
            "ci_high": [np.nan, 0.07],
            "benchmark": [0.85, np.nan],
            "flag": ["too few data", "no evidence"],
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = scorecard_plot(card, empty_message="Nothing to compare.")
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert texts == ["Nothing to compare."]
    assert not figure.axes[0].axison


def test_caterpillar_plot_names_its_reference_line():
    table = pd.DataFrame(
        {
            "group": ["A1", "A2"],
            "value": [0.3, 0.1],
            "ci_low": [0.2, 0.0],
            "ci_high": [0.4, 0.2],
        }
    )
    figure = caterpillar_plot(table, benchmark=0.2, benchmark_label="store value")
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["store value"]
