import numpy as np
import pytest
import statsmodels.formula.api as smf

from kpitools.rootcause import fit_risk_model


def test_grouped_fit_equals_per_ro_logit(planted_table):
    model = fit_risk_model(planted_table, case_mix=("system_group", "pay_type"))
    per_ro = (
        smf.logit(
            "came_back ~ C(system_group, Treatment(reference=ref_sg))"
            " + C(pay_type, Treatment(reference=ref_pt))",
            data=planted_table.assign(
                came_back=planted_table["is_comeback_confirmed"].astype(int),
                ref_sg=None,
            ).drop(columns="ref_sg"),
            eval_env=1,
        )
        if False
        else None
    )
    # Reference: an independent per-RO logit of the same terms.
    table = planted_table.assign(
        came_back=planted_table["is_comeback_confirmed"].astype(int)
    )
    odds = model.odds_ratios.set_index(["factor", "level"])
    reference_group = odds.loc["system_group", "reference"].iloc[0]
    reference_pay = odds.loc["pay_type", "reference"].iloc[0]
    per_ro = smf.logit(
        f"came_back ~ C(system_group, Treatment('{reference_group}'))"
        f" + C(pay_type, Treatment('{reference_pay}'))",
        data=table,
    ).fit(disp=0)
    brakes = [k for k in per_ro.params.index if "brakes" in k][0]
    assert odds.loc[("system_group", "brakes"), "odds_ratio"] == pytest.approx(
        np.exp(per_ro.params[brakes]), rel=1e-5
    )


def test_brakes_odds_ratio_near_planted(planted_table):
    model = fit_risk_model(planted_table, case_mix=("system_group",))
    odds = model.odds_ratios.set_index("level")
    # planted odds ratio of brakes vs the other groups is 3
    assert odds.loc["brakes", "ci_low"] < 3 < odds.loc["brakes", "ci_high"]
    assert odds.loc["brakes", "ci_low"] > 1


def test_observed_expected_flags_planted_technician(planted_table):
    model = fit_risk_model(planted_table)
    technicians = model.observed_expected.query("unit == 'technician'")
    # with an intercept the expected comebacks add up to the observed ones
    assert technicians["expected"].sum() == pytest.approx(
        technicians["observed"].sum(), rel=1e-6
    )
    top = technicians.iloc[0]
    assert top["unit_id"] == "T01"
    assert top["flag"] == "higher"
    assert technicians["flag"].eq("higher").sum() == 1
    assert model.n_clusters == 8
    advisors = model.observed_expected.query("unit == 'advisor'")
    assert len(advisors) == 4


def test_separated_level_is_marked_not_estimated():
    # Hand-built quasi-separation: 'electrical' (60 ROs) has no comeback at
    # all, so its log odds run off to minus infinity and its standard error
    # explodes; 'brakes' and 'engine' have 6 and 3 of 60 (odds 6/54 and 3/57).
    import pandas as pd

    from kpitools.exceptions import DegenerateDataWarning

    groups = ["brakes"] * 60 + ["engine"] * 60 + ["electrical"] * 60
    events = [True] * 6 + [False] * 54 + [True] * 3 + [False] * 57 + [False] * 60
    table = pd.DataFrame(
        {
            "system_group": groups,
            "technician_id": ["T1", "T2", "T3"] * 60,
            "advisor_id": "A1",
            "is_comeback_confirmed": events,
        }
    )
    with pytest.warns(DegenerateDataWarning, match="system_group=electrical"):
        model = fit_risk_model(table, case_mix=("system_group",))
    odds = model.odds_ratios.set_index("level")
    assert odds.loc["electrical", "note"] == "too few events to estimate"
    assert np.isnan(odds.loc["electrical", ["odds_ratio", "ci_low", "ci_high"]]).all()
    # engine vs brakes (the reference ties on size; either way the estimate is
    # finite): odds ratio (3/57) / (6/54) = 0.4737 by hand, or its inverse.
    engine = odds.drop(index="electrical").iloc[0]
    assert engine["note"] == ""
    assert engine["odds_ratio"] == pytest.approx(
        (3 / 57) / (6 / 54) if engine.name == "engine" else (6 / 54) / (3 / 57),
        rel=1e-4,
    )
