"""Chinese text in exported report pages renders with the bundled font.

Runs a real headless Chromium on pages written by ``export_html``; skipped
when Chromium is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image

from kpitools.reports.fonts import ASSETS_FOLDER, copy_cjk_font
from kpitools.reports.runner import export_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed, so pages cannot be rendered"
)
CJK_TEXT = "门店售后服务报告"
# Plane-16 private-use code points: no font has them, so each is a box.
TOFU_TEXT = "\U0010fffd" * len(CJK_TEXT)
FONT_URL = re.compile(r'@font-face[^}]*url\("([^"]+)"\)')


def _chromium(*arguments: str, profile: Path) -> subprocess.CompletedProcess:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _page(out_dir: Path, name: str, heading: str) -> Path:
    """Export a one-cell notebook whose output is ``heading`` as an h1."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(Markdown(text))")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/markdown": f"# {heading}", "text/plain": ""}
        )
    ]
    notebook.cells = [cell]
    path = out_dir / "stores" / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return export_html(path)


def _dark_pixels(page: Path, tmp_path: Path) -> int:
    """Dark pixels of the heading area of ``page`` rendered at 600x200."""
    shot = tmp_path / f"{page.stem}.png"
    _chromium(
        "--window-size=600,200",
        f"--screenshot={shot}",
        page.as_uri(),
        profile=tmp_path / f"profile-{page.stem}",
    )
    assert shot.is_file(), f"chromium wrote no screenshot of {page.name}"
    pixels = np.asarray(Image.open(shot).convert("L"))
    return int((pixels < 128).sum())


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("report")
    if copy_cjk_font(out_dir) is None:
        pytest.skip("the bundled CJK font (mplfonts) is not installed")
    return out_dir, _page(out_dir, "cjk", CJK_TEXT), _page(out_dir, "tofu", TOFU_TEXT)


def test_font_face_url_resolves(pages, tmp_path):
    out_dir, cjk_page, _ = pages
    result = _chromium("--dump-dom", cjk_page.as_uri(), profile=tmp_path / "dom")
    assert CJK_TEXT in result.stdout
    urls = FONT_URL.findall(result.stdout)
    assert urls, "the rendered page has no @font-face rule"
    font = (cjk_page.parent / urls[0]).resolve()
    assert font.is_file()
    assert font.parent == (out_dir / ASSETS_FOLDER).resolve()


def test_page_does_not_embed_font(pages):
    _, cjk_page, _ = pages
    assert cjk_page.stat().st_size < 1_000_000
    assert "data:font" not in cjk_page.read_text(encoding="utf-8")


def test_cjk_heading_is_not_boxes(pages, tmp_path):
    _, cjk_page, tofu_page = pages
    glyphs = _dark_pixels(cjk_page, tmp_path)
    boxes = _dark_pixels(tofu_page, tmp_path)
    # Eight boxes are thin outlines, and eight ideographs fill far more
    # pixels: measured 1855 against 761 dark pixels with Chromium 156.
    assert boxes > 0
    assert glyphs > 1.5 * boxes, (glyphs, boxes)
