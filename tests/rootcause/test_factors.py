import pandas as pd

from kpitools.rootcause import add_factor_columns


def _comebacks():
    return pd.DataFrame(
        {
            "store_id": ["S1"] * 4,
            "ro_number": ["1", "2", "3", "4"],
            "opened_at": pd.to_datetime(
                [
                    "2024-06-03 08:00",
                    "2024-06-03 09:00",
                    "2024-06-03 10:00",
                    "2024-06-04 08:00",
                ]
            ),
            "technician_id": ["T1", "T1", "T2", "T1"],
            "model_year": pd.array([2024, 2020, 2012, None], dtype="Int64"),
            "mileage": [5_000.0, 20_000.0, 80_000.0, None],
            "mileage_unit": ["km", "mi", "km", "km"],
            "is_appointment": pd.array([True, False, None, True], dtype="boolean"),
        }
    )


def test_derived_factor_columns():
    lines = pd.DataFrame(
        {
            "store_id": ["S1", "S1", "S1"],
            "ro_number": ["1", "1", "2"],
            "op_code": ["OIL", "BRK01", "ALIGN"],
            "hours_sold": [0.5, 1.5, 1.0],
        }
    )
    table = add_factor_columns(_comebacks(), lines)
    # 20,000 mi = 32,187 km
    assert table["mileage_band"].tolist()[:3] == ["<10k km", "30-60k km", "60-100k km"]
    assert pd.isna(table["mileage_band"].iloc[3])
    # 2024 - 2024 = 0, 2024 - 2020 = 4, 2024 - 2012 = 12 years
    assert table["vehicle_age"].tolist()[:3] == ["0-1 y", "4-5 y", "10+ y"]
    # T1 opened two ROs on 3 June, T2 one, T1 one on 4 June
    assert table["workload"].tolist() == ["1-3 ROs/day"] * 4
    assert table["weekday"].tolist() == ["Monday"] * 3 + ["Tuesday"]
    assert table["appointment"].tolist()[:2] == ["appointment", "walk-in"]
    assert pd.isna(table["appointment"].iloc[2])
    # the main op code is the line with most hours sold
    assert table["op_code"].tolist()[:2] == ["BRK01", "ALIGN"]
    assert pd.isna(table["op_code"].iloc[2])


def test_workload_counts_ros_per_technician_day():
    comebacks = pd.concat([_comebacks()] * 3, ignore_index=True)
    comebacks["ro_number"] = [str(i) for i in range(len(comebacks))]
    table = add_factor_columns(comebacks)
    # T1 on 3 June: 2 ROs x 3 copies = 6 ROs
    assert table.loc[0, "workload"] == "4-6 ROs/day"
    assert table["op_code"].isna().all()
