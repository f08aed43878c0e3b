"""Customer satisfaction KPIs from surveys: CSI top box, mean, index and NPS."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpitools.kpis.context import KpiContext, KpiUnavailableError, first_present
from kpitools.kpis.registry import KpiDefinition, register
from kpitools.kpis.settings import CSI_FACTOR_COLUMNS

__all__ = ["csi_index_units", "csi_mean_units", "csi_top_box_units", "nps_units"]

DEFAULT_SCORE_SCALE = 10


def _survey_base(context: KpiContext, score_column: str) -> pd.DataFrame:
    """Answered surveys that have ``score_column``, with their date."""
    surveys = context.require("surveys", (score_column,))
    answered = surveys[surveys[score_column].notna()]
    dates = first_present(answered, ("answered_at", "sent_at"))
    if dates.isna().all() and len(answered):
        raise KpiUnavailableError("surveys have neither answered_at nor sent_at dates")
    keep = [c for c in ("store_id", "ro_number", "advisor_id") if c in answered]
    base = answered[keep].copy()
    base["date"] = dates
    return base


def _score_scale(surveys: pd.DataFrame) -> pd.Series:
    if "score_scale" in surveys.columns:
        scale = surveys["score_scale"].astype("float64")
        return scale.fillna(DEFAULT_SCORE_SCALE)
    return pd.Series(float(DEFAULT_SCORE_SCALE), index=surveys.index)


def csi_top_box_units(context: KpiContext) -> pd.DataFrame:
    """One row per answered survey: numerator 1 if top box, denominator 1.

    Uses ``is_top_box`` where the survey has it; otherwise the overall score
    rescaled to 10 points ``>= top_box_threshold``, by default the top of the
    scale (5 of 5, 9-10 of 10).
    """
    surveys = context.require("surveys", ("overall_score",))
    answered = surveys[surveys["overall_score"].notna()]
    base = _survey_base(context, "overall_score")
    threshold = context.settings.top_box_threshold
    scale = _score_scale(answered)
    score = answered["overall_score"].to_numpy(dtype="float64")
    if threshold is None:
        by_score = score >= np.where(scale <= 5, scale, scale - 1)
    else:
        # The threshold is on a 10-point scale; 5-point scores are doubled.
        by_score = score / scale * 10 >= float(threshold)
    top_box = pd.Series(by_score, index=answered.index)
    if "is_top_box" in answered.columns:
        flag = answered["is_top_box"].astype("boolean")
        top_box = flag.fillna(top_box).astype(bool)
    base["numerator"] = top_box.astype("float64")
    base["denominator"] = 1.0
    return base


def csi_mean_units(context: KpiContext) -> pd.DataFrame:
    """One row per answered survey; value = overall score on the
    ``csi_mean_scale`` scale (score / scale * csi_mean_scale)."""
    surveys = context.require("surveys", ("overall_score",))
    answered = surveys[surveys["overall_score"].notna()]
    base = _survey_base(context, "overall_score")
    scale = _score_scale(answered)
    base["value"] = (
        answered["overall_score"].astype("float64")
        / scale
        * context.settings.csi_mean_scale
    )
    return base


def csi_index_units(context: KpiContext) -> pd.DataFrame:
    """One row per survey with factor scores; value = weighted mean factor x 100.

    Factors missing on a survey are left out and the weights of the others
    rescaled, so a survey with three of five factors still counts.
    """
    surveys = context.require("surveys")
    present = [c for c in CSI_FACTOR_COLUMNS if context.has_values("surveys", c)]
    if not present:
        raise KpiUnavailableError(
            f"surveys have no factor scores ({', '.join(CSI_FACTOR_COLUMNS)})"
        )
    weights = context.settings.csi_factor_weights or dict.fromkeys(
        CSI_FACTOR_COLUMNS, 1.0
    )
    scores = surveys[present].astype("float64")
    weight_row = np.array([weights.get(c, 0.0) for c in present])
    answered_weights = scores.notna().to_numpy() * weight_row
    weighted = np.nansum(scores.to_numpy() * weight_row, axis=1)
    total_weight = answered_weights.sum(axis=1)
    has_score = total_weight > 0
    answered = surveys[has_score]
    dates = first_present(answered, ("answered_at", "sent_at"))
    keep = [c for c in ("store_id", "ro_number", "advisor_id") if c in answered]
    base = answered[keep].copy()
    base["date"] = dates
    base["value"] = weighted[has_score] / total_weight[has_score] * 100
    return base


def nps_units(context: KpiContext) -> pd.DataFrame:
    """One row per answer to the recommend item, flagged promoter/detractor."""
    surveys = context.require("surveys", ("recommend_score",))
    answered = surveys[surveys["recommend_score"].notna()]
    base = _survey_base(context, "recommend_score")
    score = answered["recommend_score"].astype("float64")
    base["promoter"] = (score >= context.settings.nps_promoter_min).astype("float64")
    base["detractor"] = (score <= context.settings.nps_detractor_max).astype("float64")
    return base


register(
    KpiDefinition(
        name="csi_top_box",
        label_en="CSI top-box %",
        label_zh="客户满意度顶格率",
        numerator="answered surveys in the top box (completely satisfied)",
        denominator="answered surveys with an overall score",
        unit_of_analysis="answered surveys",
        direction="up",
        aggregation="ratio",
        format="percent",
        requires=("surveys.overall_score",),
        settings=("top_box_threshold",),
        units=csi_top_box_units,
        formula="top-box surveys / answered surveys",
        source=(
            "OEM survey practice (completely satisfied, 9-10 of 10, 5 of 5); "
            "Chinese 4S target >= 85/100 (GAC 4S standard)"
        ),
        notes="A survey's is_top_box flag wins over the score threshold.",
    )
)
register(
    KpiDefinition(
        name="csi_mean",
        label_en="CSI mean score",
        label_zh="客户满意度平均分",
        numerator="sum of overall scores rescaled to csi_mean_scale",
        denominator="answered surveys with an overall score",
        unit_of_analysis="answered surveys",
        direction="up",
        aggregation="mean",
        format="score",
        requires=("surveys.overall_score",),
        settings=("csi_mean_scale",),
        units=csi_mean_units,
        formula="mean(overall_score / score_scale * csi_mean_scale)",
        source="store compared with its peer network (no published benchmark)",
        is_proportion=False,
    )
)
register(
    KpiDefinition(
        name="csi_index",
        label_en="CSI index (1,000 points)",
        label_zh="客户满意度指数（千分制）",
        numerator="sum of per-survey index scores",
        denominator="surveys with at least one factor score",
        unit_of_analysis="surveys with factor scores",
        direction="up",
        aggregation="index",
        format="score",
        requires=("surveys",),
        settings=("csi_factor_weights",),
        units=csi_index_units,
        formula="mean over surveys of (weighted mean of factor scores 1-10) x 100",
        source=(
            "approximation of the J.D. Power CSI study's 1,000-point index "
            "(US 846 in 2023, China 773 in 2024, J.D. Power press releases)"
        ),
        is_proportion=False,
        notes=(
            "J.D. Power's index weights are proprietary; this is an "
            "approximation with equal factor weights unless csi_factor_weights "
            "says otherwise."
        ),
    )
)
register(
    KpiDefinition(
        name="nps",
        label_en="Net Promoter Score",
        label_zh="净推荐值",
        numerator="promoters (9-10) minus detractors (0-6)",
        denominator="answers to the recommend item",
        unit_of_analysis="recommend answers",
        direction="up",
        aggregation="nps",
        format="score",
        requires=("surveys.recommend_score",),
        settings=("nps_promoter_min", "nps_detractor_max"),
        units=nps_units,
        formula="100 x (promoters - detractors) / answers, from -100 to 100",
        source="Reichheld (2003), The One Number You Need to Grow, HBR",
        is_proportion=False,
        notes="No authoritative dealer benchmark; compare with peers.",
    )
)
