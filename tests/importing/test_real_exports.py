"""Row accounting of the real dealer exports kept beside the project.

Expected counts were taken by reading the workbooks with openpyxl directly,
cell by cell, independently of the importer: the DMS report has 6,595
physical rows = 2 header rows + 121 repeated page headers + 301 blank rows +
6,171 labour lines on 3,238 distinct RO numbers; one line has pay method
``S``, which the profile does not map. The Xtime export has 6,101 ROs (the
``Count: 6101`` title row agrees).
"""

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from kpitools.exceptions import DataQualityWarning
from kpitools.importing import import_export
from kpitools.paths import PROJECT_DIR

REAL_DIR = PROJECT_DIR.parent / "shared" / "data" / "real"
DMS_FILE = REAL_DIR / "dms_ro_lines.xlsx"
XTIME_FILE = REAL_DIR / "xtime_asr_ro_detail.xlsx"
VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")

pytestmark = pytest.mark.real


def _import(path: Path, profile: str, out: Path):
    if not path.exists():
        pytest.skip(f"real export {path.name} is not available beside the project")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return import_export(path, profile, out)


@pytest.fixture(scope="module")
def dms(tmp_path_factory):
    return _import(DMS_FILE, "dms-labor-lines", tmp_path_factory.mktemp("dms"))


def _assert_accounting(summary: dict) -> None:
    for table, counts in summary["tables"].items():
        used, quarantined = counts["rows_used"], counts["rows_quarantined"]
        assert counts["rows_read"] == used + quarantined, table
        assert (
            sum(counts["quarantined_by_reason"].values()) == counts["rows_quarantined"]
        ), table


def _assert_no_full_vin_outside_parquet(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix != ".parquet":
            assert not VIN.search(path.read_text(encoding="utf-8")), path.name


def test_dms_row_accounting(dms):
    _assert_accounting(dms.summary)
    lines = dms.summary["tables"]["ro_lines"]
    assert lines["rows_read"] == 6171
    assert lines["quarantined_by_reason"] == {"unknown_code": 1}
    assert lines["rows_used"] == 6170


def test_dms_layout_rows_removed(dms):
    layout = dms.summary["files"][0]["layout_rows_removed"]
    assert layout["page_header_rows"] == 121
    assert layout["blank_rows"] == 301


def test_dms_distinct_repair_orders(dms):
    repair_orders = dms.data.tables["repair_orders"]
    # 3,238 RO numbers, less the one RO whose only line was quarantined.
    assert len(repair_orders) == 3237
    assert repair_orders["ro_number"].is_unique
    assert (repair_orders["store_id"] == "US-KIA-01").all()


def test_dms_ids_keep_leading_zeros(dms):
    advisors = set(dms.data.tables["repair_orders"]["advisor_id"].dropna())
    assert "034" in advisors
    assert "34" not in advisors


def test_dms_amounts_match_lines(dms):
    lines = dms.data.tables["ro_lines"]
    repair_orders = dms.data.tables["repair_orders"]
    assert repair_orders["labor_sales"].sum() == pytest.approx(
        lines["labor_sales"].sum(), abs=0.01
    )
    assert (lines["labor_sales"].round(2) == lines["labor_sales"]).all()


def test_dms_absent_tables_have_no_files(dms):
    for table in ("appointments", "surveys", "recommendations", "warranty_claims"):
        assert not (dms.out_dir / f"{table}.parquet").exists()
        assert dms.data.tables[table] is None


def test_dms_no_full_vin_outside_parquet(dms):
    _assert_no_full_vin_outside_parquet(dms.out_dir)
    stored = pd.read_parquet(dms.out_dir / "repair_orders.parquet")
    assert stored["vin"].str.len().eq(17).all()


@pytest.fixture(scope="module")
def xtime(tmp_path_factory):
    return _import(XTIME_FILE, "xtime-asr", tmp_path_factory.mktemp("xtime"))


def test_xtime_row_accounting(xtime):
    _assert_accounting(xtime.summary)
    repair_orders = xtime.summary["tables"]["repair_orders"]
    assert repair_orders["rows_read"] == 6101
    assert repair_orders["rows_used"] == 6101


def test_xtime_recommendations_parsed(xtime):
    recommendations = xtime.data.tables["recommendations"]
    counts = xtime.summary["tables"]["recommendations"]
    # 6,710 "(Red)" and 1,078 "(Yellow)" line texts counted in the sheet.
    assert counts["rows_read"] == 7788
    assert recommendations["urgency"].value_counts().to_dict() == {
        "red": 6710,
        "yellow": 1078,
    }
    assert (recommendations["amount"] >= 0).all()


def test_xtime_flags_and_pay_types(xtime):
    repair_orders = xtime.data.tables["repair_orders"]
    # Inspected: 2,374 "Yes..." and 3,727 "No"; pay type: 127 "Warr".
    assert int(repair_orders["has_mpi"].sum()) == 2374
    assert int((repair_orders["pay_type"] == "warranty").sum()) == 127


def test_xtime_personal_columns_dropped(xtime):
    repair_orders = xtime.data.tables["repair_orders"]
    for column in ("Customer Name", "Cell Phone", "Email", "customer_name"):
        assert column not in repair_orders.columns
    assert xtime.data.tables["followups"] is None
    _assert_no_full_vin_outside_parquet(xtime.out_dir)


def test_dms_scope_recorded(dms):
    scope = dms.summary["scope"]
    assert scope["pay_types"] == ["customer_pay"]
    assert scope["work"] == "maintenance_and_addon"


def test_dms_ro_type_not_invented(dms):
    # The report carries no RO type; maintenance comes from the lines' groups.
    orders = dms.data.tables["repair_orders"]
    assert "ro_type" not in orders.columns or orders["ro_type"].isna().all()


def test_dms_scope_blocks_filtered_kpis(dms):
    from kpitools.kpis import compute_kpis

    table = compute_kpis(dms.data, by=()).set_index("kpi")
    for name in ("warranty_claim_rate", "comeback_candidate_rate"):
        assert not table.loc[name, "available"], name
        assert "export is limited to customer_pay" in table.loc[name, "reason"]
    assert table.loc["revisit_rate", "available"]
    assert table.loc["revisit_rate", "n"] > 0
