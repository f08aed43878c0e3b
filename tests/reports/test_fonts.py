"""Tests of kpitools.reports.fonts: Chinese text renders with the bundled font."""

import warnings

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kpitools.reports import CJK_FONT_FAMILY, cjk_font_file, register_cjk_font


def test_font_file_is_installed():
    font_file = cjk_font_file()

    assert font_file is not None
    assert font_file.suffix == ".otf"


def test_register_puts_font_first():
    family = register_cjk_font()

    assert family == CJK_FONT_FAMILY
    assert mpl.rcParams["font.sans-serif"][0] == CJK_FONT_FAMILY
    assert mpl.rcParams["font.sans-serif"].count(CJK_FONT_FAMILY) == 1


def test_register_twice_changes_nothing():
    register_cjk_font()
    before = list(mpl.rcParams["font.sans-serif"])

    register_cjk_font()

    assert list(mpl.rcParams["font.sans-serif"]) == before


def test_chinese_label_has_no_missing_glyph():
    register_cjk_font()
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.subplots().set_title("返修率（候选）comeback rate")

    with warnings.catch_warnings():
        # matplotlib warns "Glyph ... missing from font(s)" for each box drawn.
        warnings.filterwarnings("error", message=".*missing from font")
        figure.canvas.draw()
