"""The schema table: every pack entity and attribute, declared once as data.

Validation, the pack-format documentation (`allyforge schema`, docs/pack-format.md)
and the store's tables all read these two CSV files, so a new column is added in one
place (PyPSA's component_attrs idea).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

NUMERIC_DTYPES = frozenset({"int", "float"})
ROW = "_row"  # column holding each record's row number in its source file


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    dtype: str
    required: bool
    default: str
    unit: str
    check: str
    ref: str
    figure: bool
    time_varying: bool
    description: str

    @property
    def enum_values(self) -> tuple[str, ...]:
        return tuple(self.dtype.split(":", 1)[1].split("|")) if self.dtype.startswith("enum:") else ()

    @property
    def is_numeric(self) -> bool:
        return self.dtype in NUMERIC_DTYPES


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    required: bool
    description: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def figure_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.figure)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def schema() -> dict[str, Table]:
    """All pack tables in dependency order (a table only references earlier ones)."""
    cols: dict[str, list[Column]] = {}
    for r in _rows("attributes.csv"):
        cols.setdefault(r["table"], []).append(
            Column(
                table=r["table"],
                name=r["column"],
                dtype=r["dtype"],
                required=r["required"] == "yes",
                default=r["default"],
                unit=r["unit"],
                check=r["check"],
                ref=r["ref"],
                figure=r["figure"] == "yes",
                time_varying=r["time_varying"] == "yes",
                description=r["description"],
            )
        )
    out: dict[str, Table] = {}
    for r in _rows("tables.csv"):
        out[r["table"]] = Table(
            name=r["table"],
            key=tuple(r["key"].split(";")),
            required=r["required"] == "yes",
            description=r["description"],
            columns=tuple(cols.get(r["table"], ())),
        )
    missing = set(cols) - set(out)
    if missing:
        raise RuntimeError(f"attributes.csv names tables not in tables.csv: {sorted(missing)}")
    return out


def schema_rows() -> list[dict[str, str]]:
    """The schema as flat rows (entity, attribute, dtype, unit, required/default, ...)."""
    rows = []
    for t in schema().values():
        for c in t.columns:
            rows.append(
                {
                    "entity": t.name,
                    "attribute": c.name,
                    "dtype": c.dtype,
                    "unit": c.unit,
                    "required": "key" if c.name in t.key else ("yes" if c.required else "no"),
                    "default": c.default,
                    "references": c.ref,
                    "figure": "yes" if c.figure else "no",
                    "time_varying": "yes" if c.time_varying else "no",
                    "description": c.description,
                }
            )
    return rows
