"""Import profiles: one YAML file per source maps its layout, columns and codes.

A profile is data, so a user can describe a new DMS export without writing
Python. Its keys:

``name``, ``description``
    Identification.
``source``
    Layout options (:class:`kpitools.importing.readers.Layout`).
``store_id``
    Default store code, overridden by ``kpitools import --store``.
``vin_check_digit``
    ``always``, ``north_america`` (maker code 1-5) or ``never``.
``labor_unit_minutes``
    Minutes per labour unit for fields of type ``hours`` (60: clock hours).
``personal``
    ``columns`` (source column -> name) and ``keep`` (names kept, hashed).
``scope``
    What the export was filtered to, when it does not hold all service work:
    ``pay_types`` (canonical pay types present, e.g. ``[customer_pay]``),
    ``work`` (``all`` or ``maintenance_and_addon``) and a ``note``. It is
    recorded in ``import_summary.json``, and KPIs whose meaning depends on
    the excluded work are reported as not available
    (:data:`kpitools.kpis.SCOPE_DEPENDENT_KPIS`).
``fields``
    Field name -> ``{column, type, ...}``; see :class:`FieldSpec`.
``tables``
    Canonical table -> how it is built; see :class:`TableProfile`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kpitools.exceptions import ProfileError
from kpitools.importing.readers import Layout
from kpitools.paths import PACKAGE_DIR
from kpitools.schemas import PAY_TYPES, TABLE_SCHEMAS

__all__ = [
    "FIELD_TYPES",
    "PROFILES_DIR",
    "FieldSpec",
    "Profile",
    "Scope",
    "TableProfile",
    "available_profiles",
    "load_profile",
]

PROFILES_DIR = PACKAGE_DIR / "profiles"
FIELD_TYPES = (
    "id",
    "text",
    "date",
    "amount",
    "number",
    "hours",
    "integer",
    "code",
    "flag",
    "vin",
    "constant",
    "difference",
)
TABLE_SOURCES = ("records", "aggregate", "explode")
SCOPE_WORK = ("all", "maintenance_and_addon")
VIN_CHECKS = ("always", "north_america", "never")
# Directives of datetime.strptime (Python 3.11 docs, "format codes").
_STRPTIME_DIRECTIVES = set("aAwdbBmyYHIpMSfzZjUWcxXGuV%")


@dataclass(frozen=True)
class FieldSpec:
    """One field read from a source column (or computed from other fields).

    Attributes
    ----------
    name
        Canonical column name or an extra column kept beside them.
    column
        Source column, as the reader names it (split headers joined by a
        space, repeated names suffixed ``.1``, ``.2``).
    type
        One of :data:`FIELD_TYPES`. ``hours`` is a number converted with
        ``labor_unit_minutes``; ``difference`` is ``of[0] - of[1]``.
    formats
        Date formats tried in order (``strftime`` patterns or ``excel``).
    codes, default
        Code translation for ``code`` fields; unknown codes fail unless a
        default is given.
    map_from
        For ``code`` fields: translate another field's value instead of a
        column (for example ``op_code`` to ``system_group``).
    required
        A missing value sends the row to quarantine.
    optional
        The column may be absent from a file: the import warns, records
        it in the summary and leaves the field out. Otherwise a missing
        column of a field the table uses fails the import.
    minimum
        Smallest valid value of a number; below it the row is quarantined.
    key
        Where the field is defined in the profile, e.g. ``fields.ro_type``.
    """

    name: str
    column: str | None = None
    type: str = "text"
    formats: tuple[str, ...] = ()
    codes: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    map_from: str | None = None
    required: bool = False
    optional: bool = False
    minimum: float | None = None
    value: Any = None
    of: tuple[str, ...] = ()
    true_pattern: str | None = None
    false_pattern: str | None = None
    key: str = ""


@dataclass(frozen=True)
class TableProfile:
    """How one canonical table is built.

    ``source`` is ``records`` (one row per source record), ``aggregate``
    (grouped from another table's rows by RO) or ``explode`` (one row per
    line listed in text cells of another table's records).
    """

    name: str
    source: str = "records"
    files: str | None = None
    columns: tuple[str, ...] | None = None
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    line_number: str | None = None
    duplicates: str = "key"
    constants: dict[str, Any] = field(default_factory=dict)
    personal: bool = False
    from_table: str | None = None
    first: tuple[str, ...] = ()
    sums: tuple[str, ...] = ()
    main_technician_by: str | None = None
    total_sales: bool = False
    explode_columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    pattern: str | None = None


@dataclass(frozen=True)
class Scope:
    """The part of the service work an export contains.

    ``pay_types`` is None when every pay type is present; ``work`` is
    ``"all"`` or ``"maintenance_and_addon"``.
    """

    pay_types: tuple[str, ...] | None = None
    work: str = "all"
    note: str = ""

    @property
    def is_complete(self) -> bool:
        """Whether the export holds every pay type and every kind of work."""
        return self.pay_types is None and self.work == "all"

    def as_dict(self) -> dict[str, Any]:
        """Return the scope as written to ``import_summary.json``."""
        return {
            "pay_types": None if self.pay_types is None else list(self.pay_types),
            "work": self.work,
            "note": self.note,
        }


@dataclass(frozen=True)
class Profile:
    """A validated import profile."""

    name: str
    description: str
    path: Path | None
    layout: Layout
    store_id: str | None
    vin_check_digit: str
    labor_unit_minutes: float
    personal_columns: dict[str, str]
    personal_keep: tuple[str, ...]
    fields: dict[str, FieldSpec]
    tables: dict[str, TableProfile]
    scope: Scope = field(default_factory=Scope)


def available_profiles() -> list[str]:
    """Names of the profiles shipped with kpitools."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def load_profile(name_or_path: str | Path | Profile) -> Profile:
    """Load and validate a profile by shipped name or by file path.

    Raises
    ------
    ProfileError
        The profile is not found, is not valid YAML, or a key is missing or
        invalid; the message names the file and the key.
    """
    if isinstance(name_or_path, Profile):
        return name_or_path
    path = Path(name_or_path)
    if not path.suffix:
        path = PROFILES_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise ProfileError(
            f"Import profile {name_or_path!r} not found. Pass a YAML file path or "
            f"one of the shipped profiles: {', '.join(available_profiles())}."
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ProfileError(f"{path}: not valid YAML ({error}).") from None
    return parse_profile(raw, source=path)


def parse_profile(raw: Any, *, source: Path | None = None) -> Profile:
    """Validate a profile given as a mapping (the parsed YAML)."""
    where = str(source) if source else "profile"
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: a profile must be a mapping of keys.")
    _check_keys(
        raw,
        {
            "name",
            "description",
            "source",
            "store_id",
            "vin_check_digit",
            "labor_unit_minutes",
            "personal",
            "scope",
            "fields",
            "tables",
        },
        where,
        "",
    )
    name = _required(raw, "name", str, where)
    fields = {
        key: _parse_field(
            key, spec, where, f"fields.{key}", _allowed_codes(key, TABLE_SCHEMAS)
        )
        for key, spec in _mapping(raw, "fields", where).items()
    }
    tables_raw = _required(raw, "tables", dict, where)
    tables = {
        key: _parse_table(key, spec, where, fields) for key, spec in tables_raw.items()
    }
    vin_check = raw.get("vin_check_digit", "north_america")
    if vin_check not in VIN_CHECKS:
        raise ProfileError(
            f"{where}: vin_check_digit is {vin_check!r}; use one of {VIN_CHECKS}."
        )
    personal = _mapping(raw, "personal", where)
    _check_keys(personal, {"columns", "keep"}, where, "personal.")
    personal_columns = personal.get("columns") or {}
    keep = tuple(personal.get("keep") or ())
    unknown_keep = set(keep) - set(personal_columns.values())
    if unknown_keep:
        raise ProfileError(
            f"{where}: personal.keep names {sorted(unknown_keep)}, which are not "
            f"values of personal.columns ({sorted(personal_columns.values())})."
        )
    minutes = raw.get("labor_unit_minutes", 60)
    if not isinstance(minutes, int | float) or minutes <= 0:
        raise ProfileError(
            f"{where}: labor_unit_minutes is {minutes!r}; give the minutes per "
            "labour unit as a positive number (60 for clock hours)."
        )
    return Profile(
        name=name,
        description=str(raw.get("description", "")),
        path=source,
        layout=_parse_layout(_mapping(raw, "source", where), where),
        store_id=None if raw.get("store_id") is None else str(raw["store_id"]),
        vin_check_digit=vin_check,
        labor_unit_minutes=float(minutes),
        personal_columns={str(k): str(v) for k, v in personal_columns.items()},
        personal_keep=keep,
        fields=fields,
        tables=tables,
        scope=_parse_scope(_mapping(raw, "scope", where), where),
    )


def _parse_scope(raw: dict[str, Any], where: str) -> Scope:
    _check_keys(raw, {"pay_types", "work", "note"}, where, "scope.")
    pay_types = raw.get("pay_types")
    if pay_types is not None:
        if not isinstance(pay_types, list) or not pay_types:
            raise ProfileError(
                f"{where}: scope.pay_types is {pay_types!r}; give a non-empty "
                f"list of pay types from {PAY_TYPES}."
            )
        unknown = sorted(set(map(str, pay_types)) - set(PAY_TYPES))
        if unknown:
            raise ProfileError(
                f"{where}: scope.pay_types has unknown pay types {unknown}; use "
                f"some of {PAY_TYPES}."
            )
        pay_types = tuple(str(p) for p in pay_types)
    work = raw.get("work", "all")
    if work not in SCOPE_WORK:
        raise ProfileError(f"{where}: scope.work is {work!r}; use one of {SCOPE_WORK}.")
    return Scope(pay_types=pay_types, work=work, note=str(raw.get("note", "")))


def _parse_layout(raw: dict[str, Any], where: str) -> Layout:
    allowed = set(Layout.__dataclass_fields__)
    _check_keys(raw, allowed, where, "source.")
    options = dict(raw)
    if "record_start" in options and options["record_start"] is not None:
        start = options["record_start"]
        if not isinstance(start, dict) or set(start) != {"column", "pattern"}:
            raise ProfileError(
                f"{where}: source.record_start must be a mapping with 'column' "
                f"and 'pattern'; got {start!r}."
            )
        _check_regex(start["pattern"], where, "source.record_start.pattern")
        options["record_start"] = (str(start["column"]), str(start["pattern"]))
    if "record_lists" in options:
        options["record_lists"] = tuple(options["record_lists"] or ())
    if options.get("totals_pattern"):
        _check_regex(options["totals_pattern"], where, "source.totals_pattern")
    for key in ("header_row", "header_rows"):
        if key in options and (not isinstance(options[key], int) or options[key] < 1):
            raise ProfileError(
                f"{where}: source.{key} is {options[key]!r}; give a 1-based row "
                "number (a positive integer)."
            )
    file_format = options.get("format", "auto")
    if file_format not in {"auto", "csv", "tsv", "excel", "parquet"}:
        raise ProfileError(
            f"{where}: source.format is {file_format!r}; use auto, csv, tsv, "
            "excel or parquet."
        )
    return Layout(**options)


def _allowed_codes(name: str, tables: dict[str, Any]) -> tuple[str, ...]:
    """Values the schemas of ``tables`` allow in column ``name`` (empty: any)."""
    allowed: list[str] = []
    for spec in tables.values():
        column = spec.schema.columns.get(name)
        for check in column.checks if column is not None else ():
            allowed += check.statistics.get("allowed_values") or ()
    return tuple(dict.fromkeys(allowed))


def _check_date_formats(formats: tuple[str, ...], where: str, key: str) -> None:
    """Raise ProfileError for a format with a directive strptime rejects."""
    for date_format in formats:
        if date_format == "excel":
            continue
        directives = re.findall(r"%(.?)", date_format)
        bad = [d for d in directives if d not in _STRPTIME_DIRECTIVES]
        if bad:
            raise ProfileError(
                f"{where}: {key}.formats has {date_format!r}, whose directive "
                f"'%{bad[0]}' is not a strptime directive. Use directives such "
                "as %Y %m %d %H %M %S (see the Python datetime docs), or excel."
            )


def _check_codes(
    codes: dict[str, str], default: Any, allowed: tuple[str, ...], where: str, key: str
) -> None:
    """Raise ProfileError for a code target the canonical column does not allow."""
    targets = {f"{key}.codes.{source}": target for source, target in codes.items()}
    if default is not None:
        targets[f"{key}.default"] = str(default)
    for place, target in targets.items():
        if target not in allowed:
            raise ProfileError(
                f"{where}: {place} is {target!r}, which is not an allowed value "
                f"of {key.rsplit('.', 1)[-1]}. Allowed values: {', '.join(allowed)}."
            )


def _parse_field(
    name: str, raw: Any, where: str, key: str, allowed: tuple[str, ...] = ()
) -> FieldSpec:
    if isinstance(raw, str):
        raw = {"column": raw}
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: {key} must be a column name or a mapping.")
    _check_keys(
        raw,
        {
            "column",
            "type",
            "formats",
            "codes",
            "default",
            "map_from",
            "required",
            "optional",
            "min",
            "value",
            "of",
            "true_pattern",
            "false_pattern",
        },
        where,
        f"{key}.",
    )
    field_type = raw.get("type", "text")
    if field_type not in FIELD_TYPES:
        raise ProfileError(
            f"{where}: {key}.type is {field_type!r}; use one of {FIELD_TYPES}."
        )
    formats = raw.get("formats") or ()
    if isinstance(formats, str):
        formats = (formats,)
    if field_type == "date" and not formats:
        raise ProfileError(
            f"{where}: {key} is a date but declares no formats. Add formats: "
            "['%Y-%m-%d'] (or excel for serial numbers); formats are never guessed."
        )
    if field_type == "code" and not raw.get("codes"):
        raise ProfileError(f"{where}: {key} is a code field without codes:.")
    codes = {str(k): str(v) for k, v in (raw.get("codes") or {}).items()}
    if field_type == "code" and allowed:
        _check_codes(codes, raw.get("default"), allowed, where, key)
    if field_type == "date":
        _check_date_formats(tuple(str(f) for f in formats), where, key)
    if field_type == "difference" and len(raw.get("of") or ()) != 2:
        raise ProfileError(f"{where}: {key}.of must list two fields: [a, b] = a - b.")
    if field_type == "constant" and "value" not in raw:
        raise ProfileError(f"{where}: {key} is a constant without value:.")
    needs_column = field_type not in {"constant", "difference"} and not raw.get(
        "map_from"
    )
    if needs_column and not raw.get("column"):
        raise ProfileError(f"{where}: {key}.column is missing.")
    for pattern_key in ("true_pattern", "false_pattern"):
        if raw.get(pattern_key):
            _check_regex(raw[pattern_key], where, f"{key}.{pattern_key}")
    return FieldSpec(
        name=name,
        column=None if raw.get("column") is None else str(raw["column"]),
        type=field_type,
        formats=tuple(str(f) for f in formats),
        codes=codes,
        default=raw.get("default"),
        map_from=raw.get("map_from"),
        required=bool(raw.get("required", False)),
        optional=bool(raw.get("optional", False)),
        key=key,
        minimum=raw.get("min"),
        value=raw.get("value"),
        of=tuple(raw.get("of") or ()),
        true_pattern=raw.get("true_pattern"),
        false_pattern=raw.get("false_pattern"),
    )


def _parse_table(
    name: str, raw: Any, where: str, fields: dict[str, FieldSpec]
) -> TableProfile:
    key = f"tables.{name}"
    if name not in TABLE_SCHEMAS or name == "stores":
        tables = [t for t in TABLE_SCHEMAS if t != "stores"]
        raise ProfileError(f"{where}: {key}: unknown table; use one of {tables}.")
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: {key} must be a mapping.")
    _check_keys(
        raw,
        {
            "source",
            "files",
            "columns",
            "fields",
            "line_number",
            "duplicates",
            "constants",
            "personal",
            "from",
            "first",
            "sum",
            "main_technician_by",
            "total_sales",
            "explode",
            "pattern",
        },
        where,
        f"{key}.",
    )
    source = raw.get("source", "records")
    if source not in TABLE_SOURCES:
        raise ProfileError(
            f"{where}: {key}.source is {source!r}; use one of {TABLE_SOURCES}."
        )
    local = {
        k: _parse_field(
            k,
            v,
            where,
            f"{key}.fields.{k}",
            _allowed_codes(k, {name: TABLE_SCHEMAS[name]}),
        )
        for k, v in (raw.get("fields") or {}).items()
    }
    columns = raw.get("columns")
    if columns == "canonical":
        columns = None
    elif columns is not None:
        known = {**fields, **local}
        unknown = [c for c in columns if c not in known]
        if unknown and source == "records":
            raise ProfileError(
                f"{where}: {key}.columns lists {unknown}, which are not defined "
                f"under fields: (defined: {sorted(known)})."
            )
        columns = tuple(columns)
    if source != "records" and not raw.get("from"):
        raise ProfileError(f"{where}: {key} has source {source} but no from: table.")
    if source == "explode" and not raw.get("explode"):
        raise ProfileError(f"{where}: {key}.explode must map source columns.")
    if raw.get("pattern"):
        _check_regex(raw["pattern"], where, f"{key}.pattern")
    duplicates = raw.get("duplicates", "key")
    if duplicates not in {"key", "content"}:
        raise ProfileError(
            f"{where}: {key}.duplicates is {duplicates!r}; use key or content."
        )
    return TableProfile(
        name=name,
        source=source,
        files=raw.get("files"),
        columns=columns,
        fields=local,
        line_number=raw.get("line_number"),
        duplicates=duplicates,
        constants=dict(raw.get("constants") or {}),
        personal=bool(raw.get("personal", False)),
        from_table=raw.get("from"),
        first=tuple(raw.get("first") or ()),
        sums=tuple(raw.get("sum") or ()),
        main_technician_by=raw.get("main_technician_by"),
        total_sales=bool(raw.get("total_sales", False)),
        explode_columns=dict(raw.get("explode") or {}),
        pattern=raw.get("pattern"),
    )


def _check_keys(
    raw: dict[str, Any], allowed: set[str], where: str, prefix: str
) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ProfileError(
            f"{where}: unknown key {prefix}{unknown[0]}; allowed keys here are "
            f"{sorted(allowed)}."
        )


def _required(raw: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in raw:
        raise ProfileError(f"{where}: the key '{key}' is missing.")
    if not isinstance(raw[key], kind):
        raise ProfileError(
            f"{where}: '{key}' must be a {kind.__name__}; got {raw[key]!r}."
        )
    return raw[key]


def _mapping(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, dict):
        raise ProfileError(f"{where}: '{key}' must be a mapping; got {value!r}.")
    return value


def _check_regex(pattern: Any, where: str, key: str) -> None:
    try:
        re.compile(str(pattern))
    except re.error as error:
        raise ProfileError(
            f"{where}: {key} is not a valid regular expression ({error})."
        ) from None
