"""A CJK font for report plots, so Chinese labels do not render as boxes."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

__all__ = ["CJK_FONT_FAMILY", "cjk_font_file", "register_cjk_font"]

logger = logging.getLogger(__name__)

# Noto Sans CJK SC (SIL Open Font License) as shipped by the mplfonts package,
# a dependency of kpitools, so a machine without system CJK fonts has one.
CJK_FONT_FAMILY = "Noto Sans CJK SC"
_CJK_FONT_PACKAGE = "mplfonts"
_CJK_FONT_RELATIVE_PATH = Path("fonts") / "NotoSansCJKsc-Regular.otf"


def cjk_font_file() -> Path | None:
    """Return the bundled Noto Sans CJK SC font file, or ``None`` if absent."""
    spec = importlib.util.find_spec(_CJK_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / _CJK_FONT_RELATIVE_PATH
        if candidate.is_file():
            return candidate
    return None


def register_cjk_font() -> str | None:
    """Register the bundled CJK font with matplotlib and put it first in line.

    The font is added to matplotlib's font manager and placed at the head of
    ``font.sans-serif``, with ``font.family`` set to ``sans-serif``; Latin text
    then also uses it, which keeps mixed English and Chinese labels consistent.
    Calling it again changes nothing.

    Returns
    -------
    str or None
        The family name registered, or ``None`` when the font file is missing
        (then a warning is logged and Chinese text may render as boxes).
    """
    font_file = cjk_font_file()
    if font_file is None:
        logger.warning(
            "The CJK font of the %s package was not found, so Chinese labels may "
            "render as boxes. Reinstall kpitools (pip install -e .) to bring it.",
            _CJK_FONT_PACKAGE,
        )
        return None
    registered = {entry.fname for entry in font_manager.fontManager.ttflist}
    if str(font_file) not in registered:
        font_manager.fontManager.addfont(str(font_file))
    family = font_manager.FontProperties(fname=str(font_file)).get_name()
    sans_serif = [name for name in mpl.rcParams["font.sans-serif"] if name != family]
    mpl.rcParams["font.sans-serif"] = [family, *sans_serif]
    mpl.rcParams["font.family"] = "sans-serif"
    # The CJK font has no U+2212 minus sign; use the ASCII hyphen-minus.
    mpl.rcParams["axes.unicode_minus"] = False
    return family
