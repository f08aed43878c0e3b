import json
import warnings

import pytest

from kpitools.paths import NOTEBOOKS_DIR, PROJECT_DIR, SAMPLE_DATA_DIR

sample = pytest.importorskip("kpitools.sample")


@pytest.fixture(scope="module")
def sample_study():
    from kpitools.rootcause import comeback_study
    from kpitools.tables import load_data

    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").exists():
        pytest.skip("the bundled sample (data/sample) is not generated yet")
    planted = sample.PLANTED_EFFECTS["comeback"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = comeback_study(load_data(SAMPLE_DATA_DIR), store_id=planted["store_id"])
    return study, planted


def test_planted_levels_rank_first(sample_study):
    study, planted = sample_study
    assert (
        study.top_levels("technician", 1)["level"].iloc[0] == planted["technician_id"]
    )
    assert (
        study.top_levels("system_group", 1)["level"].iloc[0] == planted["system_group"]
    )


def test_only_planted_factors_flagged(sample_study):
    study, _ = sample_study
    assert study.outcome == "confirmed"
    scan = study.associations
    assert set(scan.loc[scan["is_associated"], "factor"]) == {
        "technician",
        "system_group",
    }
    assert set(study.drivers) == {"technician", "system_group"}
    assert study.fdr == 0.05


def test_candidate_outcome_flags_only_planted_factors():
    # Comeback candidates count every same-group return in the window, not
    # only the ones the DMS confirmed; the planted pair must still stand alone.
    from kpitools.rootcause import comeback_study
    from kpitools.tables import load_data

    if not (SAMPLE_DATA_DIR / "repair_orders.parquet").exists():
        pytest.skip("the bundled sample (data/sample) is not generated yet")
    planted = sample.PLANTED_EFFECTS["comeback"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = comeback_study(
            load_data(SAMPLE_DATA_DIR),
            store_id=planted["store_id"],
            outcome="candidate",
            fit_model=False,
        )
    scan = study.associations
    assert set(scan.loc[scan["is_associated"], "factor"]) == {
        "technician",
        "system_group",
    }
    assert (
        study.top_levels("technician", 1)["level"].iloc[0] == (planted["technician_id"])
    )


def test_summary_has_no_vin(sample_study):
    study, _ = sample_study
    text = json.dumps(study.summary())
    vins = study.table["vin"].dropna().astype(str)
    assert not any(vin in text for vin in vins.head(500))
    assert study.findings()


def test_real_exports_are_labelled_revisits(tmp_path):
    importing = pytest.importorskip("kpitools.importing")
    from kpitools.rootcause import comeback_study
    from kpitools.tables import load_data

    real = PROJECT_DIR.parent / "shared" / "data" / "real"
    source = real / "xtime_asr_ro_detail.xlsx"
    if not source.exists():
        pytest.skip(f"real exports not found in {real}")
    importing.import_export(source, "xtime-asr", tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = comeback_study(load_data(tmp_path), fit_model=False)
    assert study.outcome == "revisit"
    assert "not a comeback rate" in study.outcome_label
    assert any("revisit rate" in note for note in study.limitations)


def test_notebook_has_typed_parameters():
    import nbformat

    notebook = nbformat.read(NOTEBOOKS_DIR / "return_rate_rootcause.ipynb", 4)
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in (
        "store_id",
        "period",
        "data_dir",
        "comeback_window_days",
        "factors",
        "fdr",
        "language",
        "summary_path",
    ):
        assert f"{name}: " in tagged[0].source
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert "def " not in code
    assert "class " not in code


def test_planted_technician_found_within_group(sample_study):
    study, planted = sample_study
    flagged = study.flagged_within_groups()
    assert flagged["within"].tolist() == [planted["system_group"]]
    assert flagged["top_level"].iloc[0] == planted["technician_id"]
    assert study.within_groups["p_value"].idxmin() == flagged.index[0]
