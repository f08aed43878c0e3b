"""KPIs whose meaning depends on work that a filtered export leaves out.

An import profile can declare that its export holds only part of the service
work (``scope`` in ``import_summary.json``: the pay types present and whether
all work or only maintenance and add-on work). A warranty claim rate of 0 %
or a comeback rate of 0.5 % from such an export would read as measurements
but only reflect the filter, so those KPIs are reported as not available.
The same-VIN revisit rate stays, because it counts every return.

Every other KPI computed from repair orders, lines or recommendations stays
available but describes only the scope: its ``reason`` carries the caveat
"measured on <scope> only" (see :func:`scope_caveat`), which the report's
caveats list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "SCOPE_DEPENDENT_KPIS",
    "SCOPE_FREE_TABLES",
    "describe_scope",
    "scope_caveat",
    "scope_reason",
]

#: Tables an export's scope does not filter (surveys, appointments and
#: follow-ups come from their own systems). A KPI that needs only these gets
#: no scope caveat.
SCOPE_FREE_TABLES = frozenset({"surveys", "appointments", "followups"})

# KPI name -> what it needs: "warranty" (warranty ROs and claims present) or
# "all_work" (every pay type and every kind of work, so returns for repairs
# can be seen).
SCOPE_DEPENDENT_KPIS: dict[str, str] = {
    "warranty_claim_rate": "warranty",
    "warranty_rejection_rate": "warranty",
    "comeback_candidate_rate": "all_work",
    "comeback_confirmed_rate": "all_work",
    "first_time_fix_rate": "all_work",
}

_WORK_TEXT = {"all": "all", "maintenance_and_addon": "maintenance and add-on"}


def describe_scope(scope: Mapping[str, Any] | None) -> str | None:
    """Return the scope in words (``"customer_pay maintenance and add-on
    work"``), or None when the export holds all work."""
    if not scope:
        return None
    pay_types = scope.get("pay_types")
    work = scope.get("work") or "all"
    if pay_types is None and work == "all":
        return None
    pays = "all pay types" if pay_types is None else "/".join(pay_types)
    return f"{pays}, {_WORK_TEXT.get(work, work)} work"


def scope_reason(name: str, scope: Mapping[str, Any] | None) -> str | None:
    """Return why KPI ``name`` is not available under ``scope``, or None."""
    needs = SCOPE_DEPENDENT_KPIS.get(name)
    described = describe_scope(scope)
    if needs is None or described is None or scope is None:
        return None
    pay_types = scope.get("pay_types")
    has_all_pay_types = pay_types is None
    if needs == "warranty":
        if has_all_pay_types or "warranty" in pay_types:
            return None
        excluded = "warranty work is not in it"
    else:
        if has_all_pay_types and (scope.get("work") or "all") == "all":
            return None
        excluded = "repairs that could come back are not in it"
    note = f" ({scope['note']})" if scope.get("note") else ""
    return (
        f"the export is limited to {described}{note}, so {excluded}; "
        "the value would reflect the filter, not the store"
    )


def scope_caveat(
    name: str, requires: tuple[str, ...], scope: Mapping[str, Any] | None
) -> str | None:
    """Return the caveat of a KPI measured on a limited scope, or None.

    Parameters
    ----------
    name
        KPI name; a KPI withheld by :func:`scope_reason` gets no caveat.
    requires
        The KPI's ``requires`` (``"table.column"``); a KPI that needs only
        :data:`SCOPE_FREE_TABLES` gets no caveat.
    scope
        The import summary's ``scope``.
    """
    described = describe_scope(scope)
    if described is None or scope_reason(name, scope) is not None:
        return None
    tables = {requirement.partition(".")[0] for requirement in requires}
    if tables and tables <= SCOPE_FREE_TABLES:
        return None
    return f"measured on {described} only"
