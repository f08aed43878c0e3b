"""A CJK font for report plots and pages, so Chinese text does not render as boxes.

Plots use the font through matplotlib. HTML pages load a copy of the font
file that :func:`copy_cjk_font` puts in an ``assets`` folder beside them once
per batch, through an ``@font-face`` rule with a relative URL
(:func:`cjk_font_face_css`), so each page stays small.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

__all__ = [
    "ASSETS_FOLDER",
    "CJK_FONT_FAMILY",
    "CJK_WEB_FONT_FAMILY",
    "cjk_font_face_css",
    "cjk_font_file",
    "copy_cjk_font",
    "find_cjk_font_asset",
    "register_cjk_font",
]

logger = logging.getLogger(__name__)

# Noto Sans CJK SC (SIL Open Font License) as shipped by the mplfonts package,
# a dependency of kpitools, so a machine without system CJK fonts has one.
CJK_FONT_FAMILY = "Noto Sans CJK SC"
_CJK_FONT_PACKAGE = "mplfonts"
_CJK_FONT_RELATIVE_PATH = Path("fonts") / "NotoSansCJKsc-Regular.otf"
ASSETS_FOLDER = "assets"
# Family name of the @font-face rule; distinct from the installed font's name
# so that the page uses the bundled file even where a system font exists.
CJK_WEB_FONT_FAMILY = "kpitools CJK"
# CJK radicals, punctuation, kana, unified ideographs (with extension A),
# compatibility ideographs and forms, full-width forms, and extensions B-F.
CJK_UNICODE_RANGE = "U+2E80-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF, U+20000-2FA1F"


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


def copy_cjk_font(out_dir: str | Path) -> Path | None:
    """Copy the bundled CJK font into ``out_dir / "assets"`` for HTML pages.

    The copy is skipped when a file of the same size is already there.

    Returns
    -------
    Path or None
        The copied font file, or ``None`` when the bundled font is missing
        (a warning is logged).
    """
    font_file = cjk_font_file()
    if font_file is None:
        logger.warning(
            "The CJK font of the %s package was not found, so Chinese text in the "
            "HTML pages may render as boxes. Reinstall kpitools (pip install -e .).",
            _CJK_FONT_PACKAGE,
        )
        return None
    target = Path(out_dir) / ASSETS_FOLDER / font_file.name
    if not target.is_file() or target.stat().st_size != font_file.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(font_file, target)
    return target


def find_cjk_font_asset(page: str | Path, levels: int = 3) -> Path | None:
    """Return the font copied by :func:`copy_cjk_font` beside ``page`` or in
    one of its ``levels`` parent folders, or ``None``."""
    name = _CJK_FONT_RELATIVE_PATH.name
    folder = Path(page).resolve().parent
    for candidate_folder in [folder, *folder.parents][: levels + 1]:
        candidate = candidate_folder / ASSETS_FOLDER / name
        if candidate.is_file():
            return candidate
    return None


def cjk_font_face_css(page: str | Path, font_file: str | Path) -> str:
    """Return a ``<style>`` block that loads ``font_file`` for ``page``.

    The URL is relative to the page's folder, so the output folder can be
    moved or served as a whole. CJK characters use the bundled font first,
    and other text keeps the system fonts.
    """
    relative = Path(os.path.relpath(font_file, Path(page).resolve().parent))
    # The bundled font comes first, limited to CJK code points by
    # unicode-range, so Latin text keeps the system font. Chromium 156 lays
    # out the first CJK runs as boxes when a web font is only a fallback
    # further down the list (checked with headless Chromium on a machine
    # without CJK fonts).
    family = (
        f'"{CJK_WEB_FONT_FAMILY}", system-ui, -apple-system, "Segoe UI", sans-serif'
    )
    code_family = f'"{CJK_WEB_FONT_FAMILY}", monospace'
    # nbconvert's lab template takes its fonts from these CSS variables.
    return (
        "<style>\n"
        f'@font-face {{ font-family: "{CJK_WEB_FONT_FAMILY}"; '
        f'src: url("{relative.as_posix()}") format("opentype"); '
        f"font-display: block; unicode-range: {CJK_UNICODE_RANGE}; }}\n"
        f":root {{ --jp-ui-font-family: {family}; "
        f"--jp-content-font-family: {family}; "
        f"--jp-code-font-family: {code_family}; }}\n"
        f"body, h1, h2, h3, h4, th, td, p, li {{ font-family: {family}; }}\n"
        "</style>\n"
    )
