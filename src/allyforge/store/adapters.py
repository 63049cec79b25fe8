"""One adapter per engine result kind: how a result becomes a stored run, and back.

`record_run` asks `adapter_for(result)` first; a result no adapter knows is stored
through the generic protocols in `record.py` (`to_tables()`, a `tables` mapping, a
mapping of frames, `to_frame()`). An adapter names its engine and gives the run's
tables, summary and settings (what the result itself knows about how it was made;
the caller's request settings are laid over them), and, where pages need the result
object again (its charts, its top risks), `load` rebuilds it from the stored tables.
Matching is by class, looked up only in modules already imported, so the store never
imports an engine to store or list runs. An engine that lands later adds one module
with one `Adapter` and names it in `ENGINE_MODULES`.

A simulation result (`SimulationResult`) stores what its own `export()` writes
(demand, node, process, lane, costs) plus the tables the report and dashboard read:
`deliveries` (required vs delivered per sample, period, program and party),
`programs` (the engine's own quantiles and binding constraint per program),
`binding` (one row per program and constraint with its share of short periods),
`sensitivity` (one-at-a-time) and `costs_by_year`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

import pandas as pd

# modules that each define `ADAPTER`, one per engine result kind (simulation's is below)
ENGINE_MODULES = ("allyforge.store.risk_runs", "allyforge.store.schedule_runs", "allyforge.store.optimize_runs")


@dataclass(frozen=True)
class Adapter:
    """How one engine's result is stored: its tables, summary, settings and seed; and read back."""

    engine: str
    matches: Callable[[Any], bool]
    tables: Callable[[Any, Mapping[str, Any] | None], dict[str, Any]]
    summary: Callable[[Any], dict[str, Any] | None] | None = None  # None: the result's own summary()
    settings: Callable[[Any], dict[str, Any]] | None = None
    seed: Callable[[Any], int | None] | None = None
    load: Callable[[dict[str, pd.DataFrame], dict[str, Any]], Any] | None = None  # (tables, summary) -> the result again
    needs: tuple[str, ...] = ()  # the tables `load` reads


def instance_of(obj: Any, module: str, name: str) -> bool:
    """isinstance against `module.name` if that module is loaded (a result's class always is)."""
    cls = getattr(sys.modules.get(module), name, None)
    return isinstance(cls, type) and isinstance(obj, cls)


@cache
def adapters() -> tuple[Adapter, ...]:
    return (SIMULATION, *(import_module(m).ADAPTER for m in ENGINE_MODULES))


def adapter_for(result: Any) -> Adapter | None:
    return next((a for a in adapters() if a.matches(result)), None)


def adapter_of_engine(engine: str) -> Adapter | None:
    return next((a for a in adapters() if a.engine == engine), None)


def is_simulation(result: Any) -> bool:
    return all(hasattr(result, a) for a in ("program_table", "to_frame", "summary", "network"))


def simulation_tables(result: Any, summary: dict | None = None) -> dict[str, Any]:
    """The tables of a SimulationResult; the large tidy ones as Arrow tables with dictionary-encoded labels (cheap to write)."""
    tidy = result.to_arrow if hasattr(result, "to_arrow") else result.to_frame
    tables: dict[str, Any] = {"demand": tidy("demand")}
    tables["deliveries"] = result.deliveries() if hasattr(result, "deliveries") else deliveries(result.to_frame("demand"), result.network)
    progs = result.program_table()
    tables["programs"] = progs.assign(binding=progs["binding"].map(_binding_text))
    tables["binding"] = pd.DataFrame(
        [{"program": r["program"], "party": r["party"], "constraint": c, "share_of_short_periods": float(w)} for r in progs.to_dict("records") for c, w in r["binding"]],
        columns=["program", "party", "constraint", "share_of_short_periods"],
    )
    summary = summary if summary is not None else result.summary()
    sens = pd.DataFrame(summary.get("sensitivity") or [])
    if len(sens):
        tables["sensitivity"] = sens
    for kind in ("node", "process", "lane", "costs"):
        tables[kind] = tidy(kind)
    tables["costs_by_year"] = result.costs().reset_index(drop=True)
    return tables


def deliveries(demand: pd.DataFrame, network: Any) -> pd.DataFrame:
    """Per sample, period, program, party: required (demand arising that period), delivered, backlog, lost."""
    keys = ["sample", "site", "item", "party"]
    d = demand.sort_values([*keys, "period"], kind="stable")
    carried = d.groupby(keys, sort=False)["backlog"].shift(1).fillna(0.0)
    d = d.assign(required=d["due"] - carried)
    progs = network.table("programs").reset_index()
    names = {(r["item"], r["party"]): r["id"] for r in progs.to_dict("records")}
    d["program"] = [names.get((i, p), f"{i}@{p}") for i, p in zip(d["item"], d["party"])]
    out = d.groupby(["sample", "period", "program", "party"], as_index=False, sort=True)[["required", "delivered", "backlog", "lost"]].sum()
    return out


def _binding_text(b: Any) -> str:
    return "; ".join(f"{c} ({w:.0%})" for c, w in b) if b else ""


SIMULATION = Adapter(engine="simulate", matches=is_simulation, tables=simulation_tables, seed=lambda r: getattr(r, "seed", None))
