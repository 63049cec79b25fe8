"""Build small packs from Python rows (tests only): every figure cites source `s`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

import allyforge

COLUMNS = {
    "sources": ["id", "title", "kind"],
    "parties": ["id", "name", "country", "fiscal_year_start_month", "fiscal_year_named_by", "currency"],
    "items": ["id", "name", "unit", "kind", "groups", "holding_cost", "source"],
    "programs": ["id", "item", "party"],
    "sites": ["id", "name", "country", "kind", "party", "sector"],
    "processes": ["id", "site", "capacity", "cycle_time", "yield", "priority", "cost_per_run", "status", "source"],
    "process_inputs": ["process", "item", "quantity", "low", "high", "source"],
    "process_outputs": ["process", "item", "quantity", "source"],
    "capacities": ["process", "period", "capacity", "source"],
    "lanes": ["id", "item", "origin", "destination", "lead_time", "capacity", "share", "priority", "cost_per_unit", "status", "source"],
    "stocks": ["site", "item", "initial", "policy", "level", "release", "holding_cost", "source"],
    "demands": ["site", "item", "party", "period", "quantity", "priority", "backorder", "backorder_cost", "source"],
    "trade_rules": ["id", "origin_country", "destination_country", "items", "start", "effect", "end", "end_use", "fraction", "delay", "source"],
    "candidates": ["id", "kind", "target", "site", "size", "cost", "currency", "party", "lead_time", "source"],
}


def write_pack(path: Path, tables: dict[str, list[dict[str, Any]]], start: str = "2026-01", end: str = "2026-12", kind: str = "month") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "pack.yaml").write_text(yaml.safe_dump({"name": path.name, "version": "0", "description": "test pack",
                                                     "calendar": {"kind": kind, "start": start, "end": end}, "base_currency": "USD"}))
    tables = dict(tables)
    tables.setdefault("sources", [{"id": "s", "title": "test figure", "kind": "assumption"}])
    tables.setdefault("parties", [{"id": "US", "name": "US", "country": "US", "fiscal_year_start_month": 10, "fiscal_year_named_by": "end", "currency": "USD"}])
    for name, rows in tables.items():
        cols = COLUMNS[name]
        with open(path / f"{name}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                unknown = set(r) - set(cols)
                assert not unknown, (name, unknown)
                row = {**r}
                if "source" in cols and "source" not in row:
                    row["source"] = "s"
                w.writerow(["" if row.get(c) is None else row.get(c) for c in cols])
    return path


def load(path: Path, tables: dict[str, list[dict[str, Any]]], **kw: Any) -> allyforge.Network:
    return allyforge.load_pack(write_pack(path, tables, **kw))
