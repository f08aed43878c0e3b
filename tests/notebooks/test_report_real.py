"""End to end on the real DMS export: import it, report it, show no VIN."""

import re

import pytest

from kpitools.cli import main
from kpitools.paths import PROJECT_DIR
from kpitools.tables import load_data

REAL_EXPORT = PROJECT_DIR.parent / "shared" / "data" / "real" / "dms_ro_lines.xlsx"

pytestmark = [pytest.mark.slow, pytest.mark.real]


def test_real_export_report_builds(tmp_path):
    if not REAL_EXPORT.is_file():
        pytest.skip(f"the real DMS export is not available at {REAL_EXPORT}")
    data_dir, out = tmp_path / "dms", tmp_path / "reports"
    import_args = ["import", str(REAL_EXPORT), "--profile", "dms-labor-lines"]
    assert main([*import_args, "--out", str(data_dir)]) == 0

    exit_code = main(["report", str(data_dir), "--no-overview", "--out", str(out)])

    assert exit_code == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "rows_read" in index  # the import row accounting
    pages = [*out.rglob("*.html"), *out.rglob("*.ipynb"), *out.rglob("*.json")]
    store_pages = [page for page in pages if page.suffix == ".html"]
    assert len(store_pages) == 2  # the store page and the index
    report = next(page for page in store_pages if page.parent.name == "stores")
    assert "not available" in report.read_text(encoding="utf-8")
    vins = set(load_data(data_dir, validate=False).get("repair_orders")["vin"].dropna())
    assert len(vins) > 100  # the check below is not vacuous
    for page in pages:
        words = set(re.findall(r"[A-Z0-9]{17}", page.read_text(encoding="utf-8")))
        assert not words & vins, page.name
