"""Appointment rate, show and no-show, funnel and punctuality."""

from __future__ import annotations

import pandas as pd
import pytest

from kpitools.kpis import KpiSettings

from .conftest import kpi_by, kpi_row, make_data, ro


def appointment(key, slot, status, **fields):
    return {
        "store_id": "S1",
        "appointment_id": key,
        "advisor_id": "A",
        "slot_at": pd.Timestamp(slot),
        "status": status,
        **{k: pd.Timestamp(v) if k.endswith("_at") else v for k, v in fields.items()},
    }


@pytest.fixture
def data():
    appointments = [
        # arrived, RO R1, service started 10 minutes after the slot
        appointment(
            "a1",
            "2024-03-01 09:00",
            "arrived",
            arrived_at="2024-03-01 08:55",
            service_started_at="2024-03-01 09:10",
            ro_number="R1",
        ),
        appointment("a2", "2024-03-02 10:00", "no_show"),
        # cancelled 48 hours ahead: not due
        appointment(
            "a3", "2024-03-03 10:00", "cancelled", cancelled_at="2024-03-01 10:00"
        ),
        # cancelled 2 hours ahead: a no-show under the 24-hour cut-off
        appointment(
            "a4", "2024-03-04 10:00", "cancelled", cancelled_at="2024-03-04 08:00"
        ),
        # arrived 30 minutes late for service, no RO opened
        appointment(
            "a5",
            "2024-03-05 10:00",
            "arrived",
            arrived_at="2024-03-05 10:20",
            service_started_at="2024-03-05 10:30",
        ),
        appointment("a6", "2024-03-06 10:00", "rescheduled"),
    ]
    orders = [
        ro("R1", "2024-03-01 09:10", appointment_id="a1"),
        ro("R2", "2024-03-02"),
        ro("R3", "2024-03-03"),
        ro("R4", "2024-03-04"),
    ]
    return make_data(repair_orders=orders, appointments=appointments)


def test_show_rate(data):
    row = kpi_row(data, "appointment_show_rate")
    # due: a1, a2, a4 (late cancellation), a5; arrived: a1, a5
    assert row["numerator"] == 2
    assert row["denominator"] == 4
    assert row["value"] == pytest.approx(0.5)


def test_no_show_rate(data):
    assert kpi_row(data, "appointment_no_show_rate")["value"] == pytest.approx(0.5)


def test_cancellation_cutoff_setting(data):
    settings = KpiSettings(cancellation_cutoff_hours=1)
    row = kpi_row(data, "appointment_show_rate", settings)
    # a4 cancelled 2 hours ahead is now an early cancellation: 2 of 3
    assert row["value"] == pytest.approx(2 / 3)


def test_arrival_to_ro(data):
    # arrived a1 and a5; only a1 has an RO
    assert kpi_row(data, "appointment_arrival_to_ro_rate")["value"] == 0.5


def test_conversion(data):
    row = kpi_row(data, "appointment_conversion")
    # booked a1..a5 (a6 rescheduled); one RO
    assert row["denominator"] == 5
    assert row["value"] == pytest.approx(0.2)


def test_punctuality(data):
    # a1 started 10 minutes after the slot, a5 30 minutes
    assert kpi_row(data, "appointment_punctuality")["value"] == pytest.approx(0.5)


def test_punctuality_minutes_setting(data):
    settings = KpiSettings(punctuality_minutes=30)
    assert kpi_row(data, "appointment_punctuality", settings)["value"] == 1.0


def test_appointment_rate(data):
    # R1 of four ROs came from an appointment
    assert kpi_row(data, "appointment_rate")["value"] == pytest.approx(0.25)


def test_appointment_rate_linked_from_appointments(data):
    data.tables["repair_orders"]["appointment_id"] = None
    assert kpi_row(data, "appointment_rate")["value"] == pytest.approx(0.25)


def test_no_appointments_table():
    data = make_data(repair_orders=[ro("R1", "2024-03-01")])
    for name in ("appointment_show_rate", "appointment_conversion"):
        row = kpi_row(data, name)
        assert not row["available"]
        assert "no appointments table" in row["reason"]


def test_punctuality_without_start_times(data):
    data.tables["appointments"]["service_started_at"] = pd.NaT
    row = kpi_row(data, "appointment_punctuality")
    assert not row["available"]
    assert "service_started_at is empty" in row["reason"]


def test_month_without_appointments(data):
    data.tables["repair_orders"].loc[3, "opened_at"] = pd.Timestamp("2024-04-02")
    table = kpi_by(data, "appointment_show_rate", "store,month")
    april = table.loc[("S1", "2024-04")]
    assert april["denominator"] == 0
    assert pd.isna(april["value"])
    assert april["reason"] == "no appointments due in the period"
