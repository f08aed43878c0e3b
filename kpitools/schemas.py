"""Canonical tables: one pandera schema per table, declared once.

Every importer writes these tables and every analysis reads them. Conventions:

* IDs (``ro_number``, ``store_id``, ``advisor_id``, ...) are strings, so leading
  zeros survive (``"034"`` is not ``34``).
* Timestamps are naive local store time (``datetime64[ns]``).
* Money is in the store's currency (``stores.currency``), before tax.
* Hours are clock hours. A DMS that sells labour in units of N minutes
  (Chinese 工时) is converted at import.
* Mileage is in the unit named by ``mileage_unit`` (``km`` or ``mi``).
* Child tables carry ``store_id`` as well as ``ro_number``: RO numbers are only
  unique within one store's DMS, so joins use ``(store_id, ro_number)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from kpitools.exceptions import DataValidationError

__all__ = [
    "APPOINTMENT_STATUSES",
    "COMEBACK_CAUSES",
    "PAY_TYPES",
    "RO_TYPES",
    "SYSTEM_GROUPS",
    "TABLE_NAMES",
    "TABLE_SCHEMAS",
    "TableSpec",
    "empty_table",
    "validate_table",
]

PAY_TYPES = ("customer_pay", "warranty", "internal", "insurance", "service_contract")
RO_TYPES = ("maintenance", "repair", "body_paint", "other")
LANES = ("express", "main_shop")
SYSTEM_GROUPS = (
    "maintenance",
    "engine",
    "transmission",
    "electrical",
    "brakes",
    "suspension_steering",
    "hvac",
    "tyres_wheels",
    "body",
    "other",
)
APPOINTMENT_STATUSES = ("booked", "arrived", "cancelled", "no_show", "rescheduled")
COMEBACK_CAUSES = (
    "workmanship",
    "misdiagnosis",
    "part_failure",
    "intermittent",
    "new_issue",
)
CLAIM_STATUSES = (
    "submitted",
    "accepted",
    "rejected",
    "returned",
    "paid",
    "charged_back",
)
URGENCIES = ("red", "yellow", "green")


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its schema, primary key and a one-line description."""

    name: str
    description: str
    key: tuple[str, ...]
    schema: pa.DataFrameSchema

    @property
    def columns(self) -> list[str]:
        """Column names in declared order."""
        return list(self.schema.columns)

    @property
    def required_columns(self) -> list[str]:
        """Columns that must be present (the others may be absent or all null)."""
        return [name for name, col in self.schema.columns.items() if col.required]


def _id(
    description: str, *, nullable: bool = False, required: bool = True
) -> pa.Column:
    return pa.Column(str, nullable=nullable, required=required, description=description)


def _text(description: str, *, isin: tuple[str, ...] | None = None) -> pa.Column:
    checks = [pa.Check.isin(isin)] if isin else None
    return pa.Column(
        str, checks=checks, nullable=True, required=False, description=description
    )


def _time(description: str, *, required: bool = False) -> pa.Column:
    return pa.Column(
        "datetime64[ns]",
        nullable=not required,
        required=required,
        description=description,
    )


def _amount(description: str, *, non_negative: bool = False) -> pa.Column:
    checks = [pa.Check.ge(0)] if non_negative else None
    return pa.Column(
        float, checks=checks, nullable=True, required=False, description=description
    )


def _flag(description: str) -> pa.Column:
    return pa.Column("boolean", nullable=True, required=False, description=description)


def _count(description: str, *, low: int = 0, high: int | None = None) -> pa.Column:
    checks = [pa.Check.in_range(low, high)] if high is not None else [pa.Check.ge(low)]
    return pa.Column(
        "Int64", checks=checks, nullable=True, required=False, description=description
    )


def _schema(
    name: str, columns: dict[str, pa.Column], key: tuple[str, ...]
) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        columns,
        name=name,
        coerce=True,
        strict=False,
        unique=list(key),
        report_duplicates="all",
    )


STORES = TableSpec(
    "stores",
    "one row per store (rooftop)",
    ("store_id",),
    _schema(
        "stores",
        {
            "store_id": _id("store code"),
            "store_name": _text("display name of the store"),
            "region": _text("region or OEM zone"),
            "brand": _text("franchise brand"),
            "country": _text("ISO country code, e.g. CN, US"),
            "currency": _text("ISO currency of every amount, e.g. CNY, USD"),
            "door_labor_rate": _amount("posted customer-pay labour rate per hour"),
            "n_advisors": _count("service advisors employed"),
        },
        ("store_id",),
    ),
)

REPAIR_ORDERS = TableSpec(
    "repair_orders",
    "one row per repair order (RO)",
    ("store_id", "ro_number"),
    _schema(
        "repair_orders",
        {
            "store_id": _id("store code"),
            "ro_number": _id("RO number as printed by the DMS"),
            "advisor_id": _id("service advisor code", nullable=True),
            "technician_id": _id(
                "main technician (the one with most hours sold)",
                nullable=True,
                required=False,
            ),
            "vin": _id("17-character VIN, upper case", nullable=True, required=False),
            "model": _text("vehicle model"),
            "model_year": _count("model year", low=1950, high=2100),
            "mileage": _amount("odometer at check-in", non_negative=True),
            "mileage_unit": _text("km or mi", isin=("km", "mi")),
            "ro_type": _text("maintenance, repair, body_paint or other", isin=RO_TYPES),
            "pay_type": _text("main pay type of the RO", isin=PAY_TYPES),
            "lane": _text("express or main_shop", isin=LANES),
            "is_waiter": _flag("customer waited at the store"),
            "opened_at": _time("RO opened (vehicle checked in)", required=True),
            "promised_at": _time("promised completion time"),
            "completed_at": _time("work completed"),
            "closed_at": _time("RO closed (invoiced)"),
            "delivered_at": _time("vehicle handed back"),
            "appointment_id": _id(
                "appointment that led to the RO", nullable=True, required=False
            ),
            "is_comeback_flagged": _flag("DMS comeback flag set by a person"),
            "comeback_cause": _text(
                "confirmed comeback cause code", isin=COMEBACK_CAUSES
            ),
            "has_mpi": _flag("a multi-point inspection was completed"),
            "has_complaint": _flag("a customer complaint was logged on the RO"),
            "labor_sales": _amount("labour sales"),
            "parts_sales": _amount("parts sales"),
            "sublet_sales": _amount("sublet sales"),
            "discount": _amount("discount given, as a positive amount"),
            "total_sales": _amount("total invoiced before tax"),
            "labor_cost": _amount("labour cost"),
            "parts_cost": _amount("parts cost"),
        },
        ("store_id", "ro_number"),
    ),
)

RO_LINES = TableSpec(
    "ro_lines",
    "one row per labour operation on an RO",
    ("store_id", "ro_number", "line_number"),
    _schema(
        "ro_lines",
        {
            "store_id": _id("store code"),
            "ro_number": _id("RO number"),
            "line_number": _id("line label within the RO (A, B, 1, 2, ...)"),
            "op_code": _id("labour operation code", nullable=True),
            "op_description": _text("labour operation text"),
            "system_group": _text(
                "vehicle system the operation works on", isin=SYSTEM_GROUPS
            ),
            "pay_type": _text("pay type of the line", isin=PAY_TYPES),
            "technician_id": _id("technician code", nullable=True, required=False),
            "hours_sold": _amount("labour hours billed"),
            "hours_clocked": _amount(
                "technician time clocked on the job", non_negative=True
            ),
            "labor_sales": _amount("labour sales"),
            "labor_cost": _amount("labour cost"),
            "parts_sales": _amount("parts sales"),
            "parts_cost": _amount("parts cost"),
            "sublet_sales": _amount("sublet sales"),
            "sublet_cost": _amount("sublet cost"),
            "complaint": _text("customer concern (free text)"),
            "cause": _text("cause found (free text)"),
            "correction": _text("correction made (free text)"),
        },
        ("store_id", "ro_number", "line_number"),
    ),
)

APPOINTMENTS = TableSpec(
    "appointments",
    "one row per appointment booked",
    ("store_id", "appointment_id"),
    _schema(
        "appointments",
        {
            "store_id": _id("store code"),
            "appointment_id": _id("appointment number"),
            "advisor_id": _id("advisor the appointment is booked with", nullable=True),
            "vin": _id("VIN", nullable=True, required=False),
            "channel": _text("phone, app, web, walk-in booking, ..."),
            "booked_at": _time("when the booking was made"),
            "slot_at": _time("appointment slot start", required=True),
            "status": _text("final status", isin=APPOINTMENT_STATUSES),
            "cancelled_at": _time("when it was cancelled"),
            "arrived_at": _time("when the customer arrived"),
            "service_started_at": _time("when check-in or service started"),
            "ro_number": _id("RO opened from it", nullable=True, required=False),
        },
        ("store_id", "appointment_id"),
    ),
)

SURVEYS = TableSpec(
    "surveys",
    "one row per customer survey sent",
    ("store_id", "survey_id"),
    _schema(
        "surveys",
        {
            "store_id": _id("store code"),
            "survey_id": _id("survey number"),
            "ro_number": _id("RO surveyed", nullable=True),
            "advisor_id": _id("advisor of the RO", nullable=True),
            "sent_at": _time("survey sent"),
            "answered_at": _time("survey answered (null: not answered)"),
            "overall_score": _amount("overall satisfaction score", non_negative=True),
            "score_scale": _count("top of the overall scale: 5 or 10", low=1, high=10),
            "recommend_score": _count("likelihood to recommend, 0-10", low=0, high=10),
            "is_top_box": _flag("completely satisfied (top box of the scale)"),
            "factor_service_initiation": _amount("factor score 1-10"),
            "factor_service_advisor": _amount("factor score 1-10"),
            "factor_service_facility": _amount("factor score 1-10"),
            "factor_vehicle_pickup": _amount("factor score 1-10"),
            "factor_service_quality": _amount("factor score 1-10"),
        },
        ("store_id", "survey_id"),
    ),
)

RECOMMENDATIONS = TableSpec(
    "recommendations",
    "one row per additional service recommended after inspection (MPI/ASR)",
    ("store_id", "ro_number", "line_number"),
    _schema(
        "recommendations",
        {
            "store_id": _id("store code"),
            "ro_number": _id("RO the recommendation was made on"),
            "line_number": _id("recommendation number within the RO"),
            "description": _text("recommended work"),
            "urgency": _text("red (now), yellow (soon) or green", isin=URGENCIES),
            "amount": _amount("price quoted", non_negative=True),
            "hours": _amount("labour hours quoted", non_negative=True),
            "is_sold": _flag("customer accepted the work"),
        },
        ("store_id", "ro_number", "line_number"),
    ),
)

WARRANTY_CLAIMS = TableSpec(
    "warranty_claims",
    "one row per warranty claim submitted to the OEM",
    ("store_id", "claim_id"),
    _schema(
        "warranty_claims",
        {
            "store_id": _id("store code"),
            "claim_id": _id("claim number"),
            "ro_number": _id("RO the claim is for", nullable=True),
            "submitted_at": _time("first submission"),
            "status": _text("final status", isin=CLAIM_STATUSES),
            "is_rejected_first": _flag("rejected or returned on first submission"),
            "reject_reason": _text("reason given by the OEM"),
            "amount_claimed": _amount("amount claimed", non_negative=True),
            "amount_paid": _amount("amount paid", non_negative=True),
        },
        ("store_id", "claim_id"),
    ),
)

FOLLOWUPS = TableSpec(
    "followups",
    "one row per post-service follow-up contact attempt",
    ("store_id", "ro_number", "attempted_at"),
    _schema(
        "followups",
        {
            "store_id": _id("store code"),
            "ro_number": _id("RO followed up"),
            "attempted_at": _time("contact attempted", required=True),
            "channel": _text("phone, sms, app, ..."),
            "is_reached": _flag("customer was reached"),
            "is_dissatisfied": _flag("customer said they were not satisfied"),
        },
        ("store_id", "ro_number", "attempted_at"),
    ),
)

TABLE_SCHEMAS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        STORES,
        REPAIR_ORDERS,
        RO_LINES,
        APPOINTMENTS,
        SURVEYS,
        RECOMMENDATIONS,
        WARRANTY_CLAIMS,
        FOLLOWUPS,
    )
}
TABLE_NAMES = tuple(TABLE_SCHEMAS)


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty DataFrame with every column of table ``name``, typed."""
    spec = _spec(name)
    return pd.DataFrame(
        {
            c: pd.Series(dtype=_pandas_dtype(col))
            for c, col in spec.schema.columns.items()
        }
    )


def validate_table(name: str, table: pd.DataFrame, *, source: str = "") -> pd.DataFrame:
    """Validate ``table`` against canonical schema ``name`` and coerce its types.

    Every failure is collected (pandera ``lazy=True``) and raised together as
    one :class:`DataValidationError` whose message names the table, the
    column, the check and up to five failing values with their row numbers.

    Columns that the schema declares but ``table`` lacks are added as all-null
    columns, so downstream code sees one shape. Extra columns are kept.
    """
    spec = _spec(name)
    missing = [c for c in spec.required_columns if c not in table.columns]
    if missing:
        where = f" in {source}" if source else ""
        raise DataValidationError(
            f"Table '{name}'{where} is missing required columns {missing} "
            f"(found: {list(table.columns)}). Map them in the import profile or "
            f"rename the columns to the canonical names."
        )
    table = table.copy()
    for column_name, column in spec.schema.columns.items():
        if column_name not in table.columns:
            table[column_name] = pd.Series(
                index=table.index, dtype=_pandas_dtype(column)
            )
    try:
        return spec.schema.validate(table, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as error:
        raise DataValidationError(_describe_failures(name, source, error)) from None


def _spec(name: str) -> TableSpec:
    if name not in TABLE_SCHEMAS:
        raise KeyError(
            f"Unknown table {name!r}; the canonical tables are {list(TABLE_SCHEMAS)}."
        )
    return TABLE_SCHEMAS[name]


def _pandas_dtype(column: pa.Column) -> str:
    dtype = str(column.dtype)
    return {"str": "str", "float64": "float64"}.get(dtype, dtype)


def _describe_failures(name: str, source: str, error: Exception) -> str:
    where = f" ({source})" if source else ""
    cases = getattr(error, "failure_cases", None)
    if cases is None:
        return f"Table '{name}'{where} failed validation: {error}"
    lines = [f"Table '{name}'{where} failed validation:"]
    for (column, check), group in cases.groupby(
        ["column", "check"], dropna=False, sort=False
    ):
        shown = ", ".join(
            f"row {index}: {value!r}"
            for index, value in zip(
                group["index"].head(5), group["failure_case"].head(5), strict=True
            )
        )
        more = f" and {len(group) - 5} more" if len(group) > 5 else ""
        lines.append(f"  column '{column}' fails {check}: {shown}{more}")
    lines.append(
        "Fix these values in the source file or quarantine the rows at import."
    )
    return "\n".join(lines)
