"""Engine results -> named tidy tables, for results that do not offer `to_tables()` themselves.

A simulation result (`SimulationResult`) stores what its own `export()` writes
(demand, node, process, lane, costs) plus the tables the report and dashboard read:
`deliveries` (required vs delivered per sample, period, program and party),
`programs` (the engine's own quantiles and binding constraint per program),
`binding` (one row per program and constraint with its share of short periods),
`sensitivity` (one-at-a-time) and `costs_by_year`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


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
