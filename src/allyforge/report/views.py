"""Tidy views the report and dashboard draw from, computed from a stored run's tables.

One place knows how an engine names its columns; everything that draws reads these
views. A simulation run stores per-sample, per-period deliveries by program; the views
turn that into the answer (required vs delivered per program and party, P10/P50/P90
across samples) and the shortfall timeline.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from allyforge.store import Run, Store

QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}
# candidate table names and column spellings, first match wins
DELIVERY_TABLES = ("deliveries", "program_deliveries", "service", "results")
ALIASES = {
    "required": ("required", "demand", "demanded", "requested"),
    "delivered": ("delivered", "fulfilled", "supplied", "shipped"),
    "program": ("program", "item"),
    "party": ("party",),
    "period": ("period",),
    "sample": ("sample",),
}
CONTEXT_TABLES = ("pack_sources", "pack_assumptions", "pack_rules")


def _pick(cols: list[str], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in cols), None)


def deliveries(store: Store, run: Run) -> pd.DataFrame | None:
    """sample, period, program, party, required, delivered — or None when the run has no such table."""
    for t in DELIVERY_TABLES:
        if t not in run.tables:
            continue
        cols = list(store.columns(run.id, t))
        found = {k: _pick(cols, v) for k, v in ALIASES.items()}
        if not all(found[k] for k in ("required", "delivered", "program", "period")):
            continue
        df = store.table(run.id, t)
        out = pd.DataFrame({k: df[c] for k, c in found.items() if c})
        if "sample" not in out:
            out["sample"] = 0
        if "party" not in out:
            out["party"] = ""
        out["period"] = out["period"].astype(str)
        key = ["sample", "period", "program", "party"]
        return out.groupby(key, as_index=False, observed=True)[["required", "delivered"]].sum()
    return None


def _quantiles(g: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    return pd.DataFrame({k: g.quantile(q) for k, q in QUANTILES.items()})


def answer(d: pd.DataFrame) -> pd.DataFrame:
    """Per program and party over the horizon: required, delivered P10/P50/P90, fill rate at P50."""
    per = d.groupby(["program", "party", "sample"], observed=True)[["required", "delivered"]].sum().reset_index()
    g = per.groupby(["program", "party"], observed=True)
    out = _quantiles(g["delivered"]).add_prefix("delivered_")
    out["required"] = g["required"].median()
    out["samples"] = g["sample"].nunique()
    out["fill_p50"] = np.where(out["required"] > 0, out["delivered_p50"] / out["required"].where(out["required"] > 0), np.nan)
    return out.reset_index()


def shortfall_timeline(d: pd.DataFrame) -> pd.DataFrame:
    """Per period and program: cumulative unmet requirement (required so far − delivered so far), P10/P50/P90."""
    d = d.sort_values(["program", "party", "sample", "period"])
    cum = d.groupby(["program", "party", "sample"], observed=True)[["required", "delivered"]].cumsum()
    d = d.assign(shortfall=(cum["required"] - cum["delivered"]).clip(lower=0))
    g = d.groupby(["program", "party", "period"], observed=True)["shortfall"]
    return _quantiles(g).reset_index()


def few_samples_warning(a: pd.DataFrame) -> str | None:
    n = int(a["samples"].min()) if len(a) else 0
    if n < 2:
        return "One sample: the P10–P90 band is a single value, not a range."
    if n < 20:
        return f"Only {n} samples: the P10 and P90 shown are rough; run more samples before relying on the band."
    return None


def scenario_body(store: Store, run: Run) -> dict:
    if not run.scenario_hash:
        return {}
    try:
        text = store.scenario(run.scenario_hash)["body"]
    except Exception:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        import yaml

        try:
            d = yaml.safe_load(text)
        except yaml.YAMLError:
            return {"text": text}
        return d if isinstance(d, dict) else {"text": text}


def optional_table(store: Store, run: Run, *names: str) -> pd.DataFrame | None:
    for n in names:
        if n in run.tables:
            return store.table(run.id, n)
    return None


def engine_tables(run: Run) -> list[str]:
    """The run's own result tables (not the pack context stored beside them)."""
    return [t for t in run.tables if t not in CONTEXT_TABLES]
