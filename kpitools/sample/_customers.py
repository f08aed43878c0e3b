"""Appointments, surveys, follow-ups, inspection recommendations and warranty claims.

Each function takes the internal RO table (times in minutes since the first
day) and returns a canonical table; timestamps are built at the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from kpitools.sample._catalog import RECOMMENDATIONS, WARRANTY_REJECT_REASONS
from kpitools.sample._common import (
    GroupSetup,
    choose,
    minutes_to_timestamps,
    rank_within,
    sequence_ids,
    text_take,
)
from kpitools.sample._timing import DAY, HOUR

# Base appointment outcomes: no-show and late cancellation as shares of the
# appointments due, early cancellation as a share of the bookings.
NO_SHOW_SHARE = 0.10
LATE_CANCEL_SHARE = 0.03
ARRIVED_WITHOUT_RO_SHARE = 0.015
EARLY_CANCEL_SHARE = 0.08
RESCHEDULED_PER_ARRIVAL = 0.06
CANCELLATION_CUTOFF_HOURS = 24.0

SURVEY_RESPONSE_SHARE = 0.30
TOP_BOX_SHARE = 0.80
# The overall score is round(latent) with latent ~ Normal(mean, SD), clipped
# to 1-10; top box is 9 or 10, that is latent >= 8.5.
_LATENT_SD = 1.3


def make_appointments(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    """Build the appointment book: arrivals plus the bookings that never became ROs.

    Every RO opened from an appointment is an ``arrived`` row. Around each of
    them the generator adds, with Poisson counts, no-shows, late and early
    cancellations, arrivals that left without an RO, rescheduled bookings,
    and ``booked`` appointments in the two weeks after the last day. The
    planted advisor's no-show share replaces the base one.
    """
    rng = setup.rng
    source = orders[orders["is_appointment"]]
    no_show = np.full(len(source), NO_SHOW_SHARE)
    planted = setup.planted.get("no_show")
    if planted is not None:
        target = np.flatnonzero(setup.advisor_ids == planted["advisor_id"])
        no_show[source["advisor"].to_numpy() == target[0]] = planted["no_show_rate"]
    arrived_share = 1 - no_show - LATE_CANCEL_SHARE - ARRIVED_WITHOUT_RO_SHARE

    arrivals = _appointment_rows(source, "arrived", rng)
    extra = [arrivals]
    for status, mean, shift in (
        ("no_show", no_show / arrived_share, 21),
        ("late_cancel", LATE_CANCEL_SHARE / arrived_share, 21),
        ("arrived_no_ro", ARRIVED_WITHOUT_RO_SHARE / arrived_share, 21),
        (
            "early_cancel",
            EARLY_CANCEL_SHARE / (1 - EARLY_CANCEL_SHARE) / arrived_share,
            21,
        ),
        ("rescheduled", np.full(len(source), RESCHEDULED_PER_ARRIVAL), -7),
    ):
        copies = np.repeat(np.arange(len(source)), rng.poisson(mean))
        extra.append(_shifted_rows(setup, source.iloc[copies], status, shift))
    last_days = source[source["day"] >= setup.n_days - 14]
    extra.append(_future_rows(setup, last_days))
    book = pd.concat(extra, ignore_index=True)
    return _appointment_table(setup, book)


def _appointment_rows(source: pd.DataFrame, status: str, rng) -> pd.DataFrame:
    lead = 2 * HOUR + rng.exponential(2.5 * DAY, len(source))
    return pd.DataFrame(
        {
            "store": source["store"].to_numpy(),
            "advisor": source["advisor"].to_numpy(),
            "vehicle": source["vehicle"].to_numpy(),
            "ro": source.index.to_numpy(),
            "slot": source["slot"].to_numpy(),
            "booked": source["slot"].to_numpy() - lead,
            "arrived": source["arrived"].to_numpy(),
            "started": source["started"].to_numpy(),
            "cancelled": np.nan,
            "status": status,
        }
    )


def _shifted_rows(
    setup: GroupSetup, source: pd.DataFrame, status: str, max_shift: int
) -> pd.DataFrame:
    rng = setup.rng
    n_rows = len(source)
    if max_shift > 0:
        shift = rng.integers(1, max_shift + 1, n_rows) * rng.choice([-1, 1], n_rows)
    else:
        shift = -rng.integers(1, -max_shift + 1, n_rows)
    day = source["day"].to_numpy() + shift
    day = np.where((day < 0) | (day >= setup.n_days), day - 2 * shift, day)
    slot = day * DAY + 8.5 * HOUR + 30.0 * rng.integers(0, 16, n_rows)
    # Early cancellations need a booking made more than the cut-off ahead.
    min_lead = (CANCELLATION_CUTOFF_HOURS + 2) * HOUR
    lead = min_lead + rng.exponential(3 * DAY, n_rows)
    booked = slot - lead
    arrived = slot + np.clip(rng.normal(-5, 15, n_rows), -45, 60)
    cancelled = np.select(
        [status == "early_cancel", status == "late_cancel"],
        [
            booked + rng.uniform(0, 1, n_rows) * (lead - min_lead),
            slot - rng.uniform(0.5, CANCELLATION_CUTOFF_HOURS - 1, n_rows) * HOUR,
        ],
        np.nan,
    )
    rows = pd.DataFrame(
        {
            "store": source["store"].to_numpy(),
            "advisor": source["advisor"].to_numpy(),
            "vehicle": source["vehicle"].to_numpy(),
            "ro": -1,
            "slot": slot,
            "booked": booked,
            "arrived": arrived if status == "arrived_no_ro" else np.nan,
            "started": arrived + 5 if status == "arrived_no_ro" else np.nan,
            "cancelled": cancelled,
            "status": status,
        }
    )
    return rows


def _future_rows(setup: GroupSetup, source: pd.DataFrame) -> pd.DataFrame:
    rows = _shifted_rows(setup, source, "booked", 1)
    rows["slot"] = rows["slot"] % DAY + (source["day"].to_numpy() + 14) * DAY
    rows["booked"] = np.minimum(rows["booked"], setup.n_days * DAY - HOUR)
    return rows


_STATUS = {
    "arrived": "arrived",
    "arrived_no_ro": "arrived",
    "no_show": "no_show",
    "late_cancel": "cancelled",
    "early_cancel": "cancelled",
    "rescheduled": "rescheduled",
    "booked": "booked",
}


def _appointment_table(setup: GroupSetup, book: pd.DataFrame) -> pd.DataFrame:
    rng = setup.rng
    store = book["store"].to_numpy()
    is_china = setup.store_attribute("country")[store] == "CN"
    channel = np.where(
        is_china,
        choose(rng, ("phone", "wechat", "app"), (0.35, 0.45, 0.2), len(book)),
        choose(rng, ("phone", "web", "app"), (0.5, 0.4, 0.1), len(book)),
    )
    order = rank_within(store, book["booked"].to_numpy())
    prefix = text_take(np.char.add(setup.store_ids, "-A"), store)
    table = pd.DataFrame(
        {
            "store_id": text_take(setup.store_ids, store),
            "appointment_id": sequence_ids(prefix, order, 7),
            "advisor_id": text_take(setup.advisor_ids, book["advisor"]),
            "vehicle": book["vehicle"].to_numpy(),
            "ro": book["ro"].to_numpy(),
            "channel": channel,
            "booked_at": minutes_to_timestamps(setup.start, book["booked"]),
            "slot_at": minutes_to_timestamps(setup.start, book["slot"]),
            "status": book["status"].map(_STATUS).to_numpy(),
            "cancelled_at": minutes_to_timestamps(setup.start, book["cancelled"]),
            "arrived_at": minutes_to_timestamps(setup.start, book["arrived"]),
            "service_started_at": minutes_to_timestamps(setup.start, book["started"]),
        }
    )
    return table.sort_values(["store_id", "appointment_id"], ignore_index=True)


def make_surveys(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    """Send surveys after delivery and draw the answers of about 30 % of them.

    Latent satisfaction is normal with a mean set so that 80 % of answers are
    top box (9-10), lowered by a complaint or a comeback visit, and by the
    planted satisfaction drop in its store from its month on. Recommend and
    the five factor scores are the latent score plus noise.
    """
    rng = setup.rng
    eligible = orders[orders["pay_type"] != "internal"]
    send_share = setup.store_attribute("survey_send_share")[eligible["store"]]
    sent = eligible[rng.random(len(eligible)) < send_share]
    n_sent = len(sent)
    sent_at = sent["delivered"].to_numpy() + rng.uniform(1, 3, n_sent) * DAY
    answered = rng.random(n_sent) < SURVEY_RESPONSE_SHARE
    answered_at = np.where(
        answered, sent_at + rng.exponential(1.5 * DAY, n_sent), np.nan
    )

    mean = np.full(n_sent, 8.5 + _LATENT_SD * ndtri(TOP_BOX_SHARE))
    mean -= np.where(sent["has_complaint"], 2.5, 0.0)
    mean -= np.where(sent["is_comeback"], 1.5, 0.0)
    mean += _planted_drop(setup, sent)
    latent = mean + _LATENT_SD * rng.standard_normal(n_sent)
    overall = np.clip(np.round(latent), 1, 10)
    recommend = np.clip(np.round(latent + 0.3 + rng.normal(0, 1.0, n_sent)), 0, 10)

    store = sent["store"].to_numpy()
    prefix = text_take(np.char.add(setup.store_ids, "-Q"), store)
    table = pd.DataFrame(
        {
            "store_id": text_take(setup.store_ids, store),
            "survey_id": sequence_ids(prefix, rank_within(store, sent_at), 7),
            "ro": sent.index.to_numpy(),
            "advisor_id": text_take(setup.advisor_ids, sent["advisor"]),
            "sent_at": minutes_to_timestamps(setup.start, sent_at),
            "answered_at": minutes_to_timestamps(setup.start, answered_at),
            "overall_score": np.where(answered, overall, np.nan),
            "score_scale": 10,
            "recommend_score": pd.array(
                np.where(answered, recommend, np.nan), dtype="Int64"
            ),
            "is_top_box": pd.array(
                np.where(answered, overall >= 9, None), dtype="boolean"
            ),
        }
    )
    for factor in (
        "service_initiation",
        "service_advisor",
        "service_facility",
        "vehicle_pickup",
        "service_quality",
    ):
        score = np.clip(np.round(latent + rng.normal(-0.2, 0.9, n_sent)), 1, 10)
        table[f"factor_{factor}"] = np.where(answered, score, np.nan)
    return table


def _planted_drop(setup: GroupSetup, sent: pd.DataFrame) -> np.ndarray:
    planted = setup.planted.get("satisfaction_drop")
    if planted is None:
        return np.zeros(len(sent))
    store = setup.store_index(planted["store_id"])
    month = setup.dates(sent["day"]).to_period("M")
    after = np.asarray(month >= pd.Period(str(planted["from_month"]), freq="M"))
    lowered = TOP_BOX_SHARE - float(planted["top_box_drop"])
    shift = _LATENT_SD * (ndtri(lowered) - ndtri(TOP_BOX_SHARE))
    return np.where((sent["store"].to_numpy() == store) & after, shift, 0.0)


def make_followups(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    """Draw post-service calls: 95 % of customer ROs get a first call.

    Most first calls come one day after delivery, 12 % four to seven days
    after. A customer not reached gets a second call the next day 60 % of the
    time. About 4 % of reached customers are dissatisfied, far more after a
    complaint or a comeback.
    """
    rng = setup.rng
    eligible = orders[(orders["pay_type"] != "internal")]
    called = eligible[rng.random(len(eligible)) < 0.95]
    n_called = len(called)
    delay = choose(
        rng, (1, 2, 3, 4, 5, 6, 7), (0.6, 0.2, 0.08, 0.05, 0.03, 0.02, 0.02), n_called
    )
    first_day = np.floor(called["delivered"].to_numpy() / DAY) + delay.astype(float)
    first = first_day * DAY + rng.uniform(9.5, 17.5, n_called) * HOUR
    reached_first = rng.random(n_called) < 0.78
    second = ~reached_first & (rng.random(n_called) < 0.6)
    reached_second = rng.random(n_called) < 0.6

    ro = np.r_[called.index.to_numpy(), called.index.to_numpy()[second]]
    attempted = np.r_[
        first, first[second] + DAY + rng.uniform(-2, 2, second.sum()) * HOUR
    ]
    reached = np.r_[reached_first, reached_second[second]]
    complaint = orders.loc[ro, "has_complaint"].to_numpy()
    comeback = orders.loc[ro, "is_comeback"].to_numpy()
    dissatisfied_share = np.select([complaint, comeback], [0.35, 0.25], 0.04)
    dissatisfied = reached & (rng.random(len(ro)) < dissatisfied_share)
    store = orders.loc[ro, "store"].to_numpy()
    is_china = setup.store_attribute("country")[store] == "CN"
    channel = np.where(
        is_china,
        choose(rng, ("phone", "wechat"), (0.8, 0.2), len(ro)),
        choose(rng, ("phone", "sms"), (0.7, 0.3), len(ro)),
    )
    return pd.DataFrame(
        {
            "store_id": text_take(setup.store_ids, store),
            "ro": ro,
            "attempted_at": minutes_to_timestamps(setup.start, attempted),
            "channel": channel,
            "is_reached": reached,
            "is_dissatisfied": pd.array(
                np.where(reached, dissatisfied, None), "boolean"
            ),
        }
    )


def make_recommendations(setup: GroupSetup, orders: pd.DataFrame) -> pd.DataFrame:
    """Draw the inspection findings of ROs with an MPI and whether they sold.

    An inspected RO gets Poisson(1.1) findings; red (safety, now) findings
    sell 55 % of the time, yellow (soon) 25 %, green 10 %.
    """
    rng = setup.rng
    inspected = orders[orders["has_mpi"]]
    counts = rng.poisson(1.1, len(inspected))
    ro = np.repeat(inspected.index.to_numpy(), counts)
    n_rows = len(ro)
    item = RECOMMENDATIONS.iloc[rng.integers(0, len(RECOMMENDATIONS), n_rows)]
    urgency = choose(rng, ("red", "yellow", "green"), (0.25, 0.6, 0.15), n_rows)
    sell_share = np.select([urgency == "red", urgency == "yellow"], [0.55, 0.25], 0.10)
    store = orders.loc[ro, "store"].to_numpy()
    price_factor = setup.store_attribute("price_factor")[store]
    amount = item["amount"].to_numpy() * price_factor * rng.lognormal(0, 0.2, n_rows)
    line = rank_within(ro, np.arange(n_rows)) + 1
    return pd.DataFrame(
        {
            "store_id": text_take(setup.store_ids, store),
            "ro": ro,
            "line_number": np.char.add("R", line.astype(str)),
            "description": item["description"].to_numpy(),
            "urgency": urgency,
            "amount": np.round(amount, 2),
            "hours": item["hours"].to_numpy(),
            "is_sold": rng.random(n_rows) < sell_share,
        }
    )


def make_warranty_claims(
    setup: GroupSetup, orders: pd.DataFrame, lines: pd.DataFrame
) -> pd.DataFrame:
    """File one claim per warranty RO and draw the maker's decision.

    About 13 % of claims are rejected or returned on first submission; 60 %
    of those are paid after resubmission. Claims filed in the last 30 days
    may still be waiting for a decision.
    """
    rng = setup.rng
    warranty_lines = lines[lines["pay_type"] == "warranty"]
    claimed = (
        warranty_lines[["labor_sales", "parts_sales"]]
        .sum(axis=1)
        .groupby(warranty_lines["ro"])
        .sum()
    )
    ro = claimed.index.to_numpy()
    n_claims = len(ro)
    submitted = orders.loc[ro, "closed"].to_numpy() + rng.uniform(0, 5, n_claims) * DAY
    pending = (submitted > (setup.n_days - 30) * DAY) & (rng.random(n_claims) < 0.5)
    first = choose(
        rng, ("accepted", "rejected", "returned"), (0.87, 0.09, 0.04), n_claims
    )
    rejected_first = first != "accepted"
    draw = rng.random(n_claims)
    status = np.select(
        [
            pending,
            rejected_first & (draw < 0.6),
            rejected_first,
            draw < 0.03,
            draw < 0.04,
        ],
        ["submitted", "paid", first, "accepted", "charged_back"],
        "paid",
    )
    amount = np.round(claimed.to_numpy(), 2)
    paid = np.select(
        [status == "paid", status == "charged_back"], [amount, 0.0], np.nan
    )
    reason = choose(rng, WARRANTY_REJECT_REASONS, None, n_claims)
    store = orders.loc[ro, "store"].to_numpy()
    prefix = text_take(np.char.add(setup.store_ids, "-W"), store)
    return pd.DataFrame(
        {
            "store_id": text_take(setup.store_ids, store),
            "claim_id": sequence_ids(prefix, rank_within(store, submitted), 6),
            "ro": ro,
            "submitted_at": minutes_to_timestamps(setup.start, submitted),
            "status": status,
            "is_rejected_first": pd.array(
                np.where(pending, None, rejected_first), dtype="boolean"
            ),
            "reject_reason": np.where(rejected_first & ~pending, reason, None),
            "amount_claimed": amount,
            "amount_paid": paid,
        }
    )
