"""End to end: ``kpitools report`` on two sample stores, checked in the HTML."""

import re

import pytest

from kpitools.cli import main
from kpitools.paths import SAMPLE_DATA_DIR
from kpitools.tables import load_data

STORES = ("S01", "S06")
# Text that only the code cells of the notebooks contain.
CODE_MARKERS = ("compute_kpis(", "import warnings", "register_cjk_font()")

pytestmark = pytest.mark.slow


def _visible_text(page: str) -> str:
    """Return a page without its scripts, styles and embedded images."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.DOTALL)
    return re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", page)


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").is_file():
        pytest.skip(f"the bundled sample data is missing from {SAMPLE_DATA_DIR}")
    out = tmp_path_factory.mktemp("sample_reports")
    arguments = ["report", str(SAMPLE_DATA_DIR), "--period", "2025-07:2025-12"]
    arguments += [option for store in STORES for option in ("--store", store)]
    exit_code = main([*arguments, "--language", "zh", "--out", str(out)])
    assert exit_code == 0
    return out


@pytest.mark.parametrize("store_id", STORES)
def test_store_page_has_no_code(report_dir, store_id):
    page = (report_dir / "stores" / f"{store_id}.html").read_text(encoding="utf-8")

    for marker in CODE_MARKERS:
        assert marker not in page


@pytest.mark.parametrize("store_id", STORES)
def test_store_page_has_no_traceback(report_dir, store_id):
    page = (report_dir / "stores" / f"{store_id}.html").read_text(encoding="utf-8")

    assert "Traceback" not in page
    assert "Error" not in _visible_text(page)


@pytest.mark.parametrize("store_id", STORES)
def test_store_page_shows_scorecard(report_dir, store_id):
    page = (report_dir / "stores" / f"{store_id}.html").read_text(encoding="utf-8")

    assert "评分卡" in page  # the scorecard heading
    assert "95% 区间" in page  # the interval column of the scorecard table
    assert "基准来源" in page  # the benchmark source column
    assert page.count("<img") >= 3  # scorecard, trend and advisor figures


def test_report_files_have_no_vin(report_dir):
    repair_orders = load_data(SAMPLE_DATA_DIR, validate=False).get("repair_orders")
    vins = set(repair_orders["vin"].dropna())
    pages = [*report_dir.rglob("*.html"), *report_dir.rglob("*.ipynb")]
    pages += report_dir.rglob("*.json")

    assert len(vins) > 1000  # the check below is not vacuous
    for page in pages:
        words = set(re.findall(r"[A-Z0-9]{17}", page.read_text(encoding="utf-8")))
        assert not words & vins, page.name


def test_index_links_stores_and_overview(report_dir):
    index = (report_dir / "index.html").read_text(encoding="utf-8")

    for store_id in STORES:
        assert f'href="stores/{store_id}.html"' in index
    assert 'href="group_overview.html"' in index
    assert "2025-07:2025-12" in index
    assert "comeback_window_days" in index  # the settings used


def test_overview_page_has_funnel_plots(report_dir):
    page = (report_dir / "group_overview.html").read_text(encoding="utf-8")

    assert "Traceback" not in page
    assert "compute_kpis(" not in page
    # One funnel per KPI for stores and one per KPI for advisors.
    assert page.count("<img") >= 6


def test_batch_peer_kpis_passed_to_stores(report_dir):
    import nbformat

    from kpitools.reports import PEER_KPIS_FILE, read_peer_kpis

    peers = read_peer_kpis(report_dir / PEER_KPIS_FILE)
    notebook = nbformat.read(report_dir / "stores" / "S01.ipynb", as_version=4)
    injected = [
        cell.source
        for cell in notebook.cells
        if "injected-parameters" in cell.metadata.get("tags", [])
    ]

    assert peers.period == "2025-07:2025-12"
    assert (
        sorted(peers.table["store_id"].unique())
        == load_data(SAMPLE_DATA_DIR, validate=False).store_ids
    )  # every store of the group, not only the two reported
    assert len(injected) == 1
    assert str(report_dir / PEER_KPIS_FILE) in injected[0]
