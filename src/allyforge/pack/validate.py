"""Validation that tells everything at once.

Turns a RawPack's string cells into typed tables, collecting every Problem (file,
row, column, what is wrong) before raising one PackError. Checks are grouped by
kind: cells (types, ranges, required), keys, references, and the pack's own rules
(acyclic BOM, lane shares, sourcing of figures, calendar, currencies).
"""

from __future__ import annotations

import datetime as dt
import graphlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from allyforge.calendar import Calendar, CalendarError
from allyforge.pack.errors import PackError, Problem
from allyforge.pack.read import ROW, RawPack
from allyforge.schema import Column, Table, schema

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHARE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class PackMeta:
    name: str
    version: str
    description: str
    base_currency: str
    default_scenario: str | None
    calendar: Calendar


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(file, None if row is None else int(row), column, message))

    def add_rows(self, file: str, rows: Iterable[int], column: str | None, message: str, limit: int = 50) -> None:
        rows = list(rows)
        for r in rows[:limit]:
            self.add(file, r, column, message)
        if len(rows) > limit:
            self.add(file, None, column, f"{message} (and {len(rows) - limit} more rows)")


# --- metadata --------------------------------------------------------------------
def _meta(raw: RawPack, out: _Collector) -> PackMeta | None:
    m, label = raw.meta, raw.meta_label
    if not m:
        return None
    for f in ("name", "version", "calendar", "base_currency"):
        if f not in m or m[f] in (None, ""):
            out.add(label, None, f, "required field missing")
    cal = m.get("calendar") or {}
    calendar = None
    if not isinstance(cal, dict):
        out.add(label, None, "calendar", "must be a mapping {kind, start, end}")
    elif cal:
        try:
            calendar = Calendar(str(cal.get("kind", "month")), str(cal.get("start", "")), str(cal.get("end", "")))
        except CalendarError as e:
            out.add(label, None, "calendar", str(e))
    base = str(m.get("base_currency", "")).strip()
    if base and not _CURRENCY.match(base):
        out.add(label, None, "base_currency", f"{base!r} is not a 3-letter ISO 4217 code")
    if calendar is None or not base:
        return None
    return PackMeta(
        name=str(m.get("name", "")),
        version=str(m.get("version", "")),
        description=str(m.get("description", "") or ""),
        base_currency=base,
        default_scenario=(str(m["default_scenario"]) if m.get("default_scenario") else None),
        calendar=calendar,
    )


# --- cells -----------------------------------------------------------------------
def _empty(table: Table) -> pd.DataFrame:
    df = pd.DataFrame({c.name: pd.Series(dtype=object) for c in table.columns})
    df[ROW] = pd.Series(dtype=np.int64)
    return df


def _typed_column(col: Column, s: pd.Series, rows: pd.Series, label: str, cal: Calendar | None, out: _Collector) -> pd.Series:
    s = s.astype("str").fillna("")  # arrow-backed strings: fast comparisons
    blank = s.eq("").to_numpy()
    if col.required and blank.any():
        out.add_rows(label, rows[blank], col.name, "required value missing")
    filled = s.where(~blank, col.default) if col.default != "" else s
    blank = filled.eq("").to_numpy()
    dtype = col.dtype
    if dtype in ("int", "float"):
        num = pd.to_numeric(filled.where(~blank, None), errors="coerce").astype(float)
        vals = num.to_numpy()
        bad = ~blank & np.isnan(vals)
        if bad.any():
            out.add_rows(label, rows[bad], col.name, f"not a number: expected {dtype}")
        nonfinite = ~blank & ~np.isnan(vals) & ~np.isfinite(vals)
        text = filled.str.lower()
        nan_text = (~blank & text.isin(["nan", "-nan", "+nan"])).to_numpy()
        if nonfinite.any() or nan_text.any():
            out.add_rows(label, rows[nonfinite | nan_text], col.name, "NaN or infinite value")
        ok = ~blank & np.isfinite(vals)
        if dtype == "int":
            frac = ok & (np.floor(np.where(ok, vals, 0)) != np.where(ok, vals, 0))
            if frac.any():
                out.add_rows(label, rows[frac], col.name, "must be a whole number")
        _check_range(col, vals, ok, rows, label, out)
        if dtype == "int" and not (blank | ~np.isfinite(vals)).any():
            return pd.Series(vals.astype(np.int64), index=s.index)
        return pd.Series(np.where(np.isfinite(vals), vals, np.nan), index=s.index, dtype=float)
    if dtype == "bool":
        low = filled.str.lower()
        bad = ~blank & ~low.isin(["true", "false", "1", "0", "yes", "no"]).to_numpy()
        if bad.any():
            out.add_rows(label, rows[bad], col.name, "not a boolean: expected true or false")
        return low.isin(["true", "1", "yes"])
    if dtype.startswith("enum:"):
        allowed = col.enum_values
        bad = ~blank & ~filled.isin(allowed).to_numpy()
        if bad.any():
            for r, v in zip(rows[bad][:50], filled[bad][:50]):
                out.add(label, r, col.name, f"{v!r} is not one of {', '.join(allowed)}")
        return filled.where(~blank, None)
    if dtype == "list":
        parsed = {v: tuple(x.strip() for x in v.split(";") if x.strip()) for v in pd.unique(filled)}
        return pd.Series([parsed[v] for v in filled], index=s.index, dtype=object)
    if dtype in ("country", "country_or_any", "currency"):
        pat = _CURRENCY if dtype == "currency" else _COUNTRY
        ok = filled.str.match(pat.pattern).to_numpy() | blank
        if dtype == "country_or_any":
            ok |= filled.eq("*").to_numpy()
        if (~ok).any():
            what = "3-letter ISO 4217 currency" if dtype == "currency" else "ISO 3166 alpha-2 country"
            for r, v in zip(rows[~ok][:50], filled[~ok][:50]):
                out.add(label, r, col.name, f"{v!r} is not a {what}{' or *' if dtype == 'country_or_any' else ''}")
        return filled.where(~blank, None)
    if dtype == "date":
        parsed = pd.to_datetime(filled.where(~blank, None), format="%Y-%m-%d", errors="coerce")
        bad = ~blank & parsed.isna().to_numpy()
        if bad.any():
            out.add_rows(label, rows[bad], col.name, "not a date: expected YYYY-MM-DD")
        return parsed
    if dtype == "period":
        if cal is not None:
            uniq = pd.unique(filled[~blank])
            bad_labels: dict[str, str] = {}
            for v in uniq:
                if not cal.contains(v):
                    try:
                        cal.first_day(v)
                        bad_labels[v] = f"period {v} is outside the calendar {cal.start}..{cal.end}"
                    except CalendarError as e:
                        bad_labels[v] = str(e)
            if bad_labels:
                mask = filled.isin(list(bad_labels)).to_numpy()
                for r, v in zip(rows[mask][:50], filled[mask][:50]):
                    out.add(label, r, col.name, bad_labels[v])
        return filled.where(~blank, None)
    return filled.where(~blank, None)


def _check_range(col: Column, vals: np.ndarray, ok: np.ndarray, rows: pd.Series, label: str, out: _Collector) -> None:
    v = np.where(ok, vals, 0.0)
    checks = {
        "nonneg": (v < 0, "must not be negative"),
        "positive": (v <= 0, "must be positive"),
        "unit_open": ((v <= 0) | (v > 1), "must be in (0, 1]"),
        "unit": ((v < 0) | (v > 1), "must be in [0, 1]"),
        "month": ((v < 1) | (v > 12), "must be a month number 1-12"),
        "lat": ((v < -90) | (v > 90), "must be a latitude in [-90, 90]"),
        "lon": ((v < -180) | (v > 180), "must be a longitude in [-180, 180]"),
    }
    if col.check in checks:
        bad, msg = checks[col.check]
        bad = bad & ok
        if bad.any():
            out.add_rows(label, rows[bad], col.name, msg)


def _type_table(table: Table, df: pd.DataFrame, label: str, cal: Calendar | None, out: _Collector) -> pd.DataFrame:
    header = df.attrs.get("header", [c for c in df.columns if c != ROW])
    seen: set[str] = set()
    for h in header:
        if h in seen:
            out.add(label, 1, h, "duplicate column")
        seen.add(h)
        if h and h not in table.column_names:
            out.add(label, 1, h, f"unknown column for table {table.name} (see `allyforge schema`)")
    if "" in header:
        out.add(label, 1, None, "a header cell is blank")
    for r, n in df.attrs.get("extra_cells", [])[:20]:
        out.add(label, r, None, f"{n} cells but the header has {len(header)}")
    rows = df[ROW]
    typed: dict[str, Any] = {}
    for col in table.columns:
        if col.name not in df.columns:
            if col.required:
                out.add(label, 1, col.name, "required column missing")
            s = pd.Series([""] * len(df), index=df.index, dtype=object)
        else:
            s = df[col.name]
        typed[col.name] = _typed_column(col, s, rows, label, cal, out)
    res = pd.DataFrame(typed, index=df.index)
    res[ROW] = rows.to_numpy()
    return res


# --- cross-table rules ---------------------------------------------------------------
def _keys(t: Table, df: pd.DataFrame, label: str, out: _Collector) -> None:
    key = list(t.key)
    if df.empty or any(k not in df for k in key):
        return
    dup = df.duplicated(key, keep="first")
    if dup.any():
        first = df[~dup].set_index(key)[ROW]
        for _, r in df[dup].iterrows():
            k = tuple(r[c] for c in key)
            k1 = k[0] if len(k) == 1 else k
            out.add(label, r[ROW], key[0] if len(key) == 1 else ",".join(key), f"duplicate key {k1!r} (first at row {first.get(k1, '?')})")


def _refs(tables: dict[str, pd.DataFrame], labels: dict[str, str], out: _Collector) -> None:
    ids = {n: set(df["id"].dropna()) for n, df in tables.items() if "id" in df}
    groups = {g for gs in tables["items"]["groups"] for g in gs} if "items" in tables else set()
    ids["items_or_groups"] = ids.get("items", set()) | groups | {"*"}
    for name, t in schema().items():
        df = tables.get(name)
        if df is None or df.empty:
            continue
        for col in t.columns:
            if not col.ref or col.ref == "candidate_target":
                continue
            known = ids.get(col.ref, set())
            what = "item or item group" if col.ref == "items_or_groups" else col.ref.rstrip("s").replace("_", " ")
            if col.dtype == "list":  # every element of every cell, in row order
                bad = [(r, v) for r, vs in zip(df[ROW].to_numpy(), df[col.name].to_numpy(object)) for v in vs if v not in known]
            else:
                b = df[df[col.name].notna() & ~df[col.name].isin(known)]
                bad = list(zip(b[ROW], b[col.name]))
            for r, v in bad[:50]:
                out.add(labels[name], r, col.name, f"unknown {what} {v!r}")


def _candidate_targets(tables: dict[str, pd.DataFrame], labels: dict[str, str], out: _Collector) -> None:
    c = tables.get("candidates")
    if c is None or c.empty:
        return
    want = {"capacity": "processes", "substitute": "processes", "second_source": "lanes", "stockpile": "items"}
    for _, r in c.iterrows():
        target_table = want.get(r["kind"])
        if target_table is None:
            continue
        df = tables.get(target_table)
        if df is None or r["target"] not in set(df["id"]):
            out.add(labels["candidates"], r[ROW], "target", f"kind {r['kind']} needs a {target_table.rstrip('s')} id; {r['target']!r} is not one")
            continue
        if r["kind"] in ("second_source", "substitute"):
            status = df.set_index("id").loc[r["target"], "status"]
            if status != "candidate":
                out.add(labels["candidates"], r[ROW], "target", f"{r['target']!r} must have status candidate to be bought as {r['kind']}")
        if r["kind"] == "stockpile" and r["site"] is None:
            out.add(labels["candidates"], r[ROW], "site", "a stockpile candidate needs the site that holds it")


def _bom_cycles(tables: dict[str, pd.DataFrame], labels: dict[str, str], out: _Collector) -> None:
    pi, po = tables.get("process_inputs"), tables.get("process_outputs")
    if pi is None or po is None or pi.empty or po.empty:
        return
    edges = pi[["process", "item", ROW]].dropna().merge(po[["process", "item"]].dropna(), on="process", suffixes=("_in", "_out"))
    preds: dict[str, set[str]] = {}
    for a, b in zip(edges["item_in"], edges["item_out"]):
        preds.setdefault(b, set()).add(a)
    try:
        for _ in graphlib.TopologicalSorter(preds).static_order():
            pass
        return  # acyclic: the common case needs no graph library
    except graphlib.CycleError:
        import networkx as nx  # to name every cycle
    g = nx.DiGraph()
    g.add_edges_from(zip(edges["item_in"], edges["item_out"]))
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1 and not g.has_edge(next(iter(comp)), next(iter(comp))):
            continue
        cyc = nx.find_cycle(g.subgraph(comp))
        items = [u for u, _ in cyc] + [cyc[0][0]]
        rows = edges[edges["item_in"].isin(comp) & edges["item_out"].isin(comp)]
        out.add(labels["process_inputs"], int(rows[ROW].min()), "item", "cycle in the bill of materials: " + " -> ".join(items))


def _lanes(tables: dict[str, pd.DataFrame], labels: dict[str, str], out: _Collector) -> None:
    ln = tables.get("lanes")
    if ln is None or ln.empty:
        return
    label = labels["lanes"]
    same = ln["origin"].notna() & ln["origin"].eq(ln["destination"])
    out.add_rows(label, ln.loc[same, ROW], "destination", "a lane's origin and destination are the same site")
    active = ln[ln["status"].eq("active")]
    g = active.assign(_na=active["share"].isna(), _given=active["share"].notna()).groupby(["destination", "item"], sort=False)
    stats = g.agg(na=("_na", "sum"), given=("_given", "sum"), total=("share", "sum"), first=(ROW, "min"))
    mixed = stats[(stats["na"] > 0) & (stats["given"] > 0)]
    if len(mixed):
        keys = set(mixed.index)
        in_mixed = np.array([k in keys for k in zip(active["destination"], active["item"])], dtype=bool)
        sub = active[in_mixed & active["share"].isna().to_numpy()]
        for (dest, item), grp in sub.groupby(["destination", "item"], sort=False):
            out.add_rows(label, grp[ROW], "share", f"shares into ({dest}, {item}) must be all given or all blank")
    bad = stats[(stats["na"] == 0) & ((stats["total"] - 1.0).abs() > SHARE_TOLERANCE)]
    for (dest, item), r in bad.iterrows():
        rows = active.loc[active["destination"].eq(dest) & active["item"].eq(item), ROW].tolist()
        out.add(label, int(r["first"]), "share", f"shares of active lanes into ({dest}, {item}) sum to {r['total']:.6g}, not 1 (rows {', '.join(map(str, rows[:10]))})")


def _demand_supplied(tables: dict[str, pd.DataFrame], labels: dict[str, str], out: _Collector) -> None:
    d = tables.get("demands")
    if d is None or d.empty:
        return
    made = set(tables["process_outputs"]["item"]) if "process_outputs" in tables else set()
    stocked = set(tables["stocks"]["item"]) if "stocks" in tables else set()
    bad = d[d["item"].notna() & ~d["item"].isin(made | stocked) & d["item"].isin(set(tables["items"]["id"]))]
    for item, grp in bad.groupby("item"):
        out.add(labels["demands"], int(grp[ROW].min()), "item", f"demand for {item!r}, which no process makes and no stock holds ({len(grp)} rows)")


def _sources(tables: dict[str, pd.DataFrame], labels: dict[str, str], given_by_table: dict[str, dict[str, np.ndarray]], out: _Collector) -> None:
    src = tables.get("sources")
    kinds = dict(zip(src["id"], src["kind"])) if src is not None else {}
    for name, t in schema().items():
        df = tables.get(name)
        if df is None or df.empty or "source" not in t.column_names:
            continue
        given = given_by_table.get(name, {})
        figs = [c for c in t.figure_columns if c in given]
        if figs:
            gmat = np.column_stack([given[c] for c in figs])
            nosrc = gmat.any(axis=1) & (df["source"].map(len) == 0).to_numpy()
            idx = np.flatnonzero(nosrc)
            for i in idx[:50]:
                out.add(labels[name], int(df[ROW].iloc[i]), "source", f"figure {figs[int(gmat[i].argmax())]} has no source")
            if len(idx) > 50:
                out.add(labels[name], None, "source", f"{len(idx) - 50} more rows with figures but no source")
        if "low" in df and "high" in df:
            ranged = df["low"].notna() | df["high"].notna()
            for _, r in df[ranged].iterrows():
                if not any(kinds.get(s) == "assumption" for s in r["source"]):
                    out.add(labels[name], r[ROW], "source", "a figure given with a range (low/high) is an assumption: cite a source of kind assumption")
                lo = r["low"] if pd.notna(r["low"]) else r["quantity"]
                hi = r["high"] if pd.notna(r["high"]) else r["quantity"]
                if not (lo <= r["quantity"] <= hi):
                    out.add(labels[name], r[ROW], "low", f"range [{lo:g}, {hi:g}] does not contain quantity {r['quantity']:g}")


def _trade_rule_windows(tables: dict[str, pd.DataFrame], labels: dict[str, str], cal: Calendar, out: _Collector) -> None:
    tr = tables.get("trade_rules")
    if tr is None or tr.empty:
        return
    label = labels["trade_rules"]
    first, end_excl = pd.Timestamp(cal.first_date), pd.Timestamp(cal.end_date_exclusive)
    for _, r in tr.iterrows():
        s, e = r["start"], r["end"]
        if pd.notna(s) and pd.notna(e) and e < s:
            out.add(label, r[ROW], "end", f"end {e.date()} precedes start {s.date()}")
        if pd.notna(s) and s >= end_excl:
            out.add(label, r[ROW], "start", f"date {s.date()} is outside the calendar (after {cal.end})")
        if pd.notna(e) and e < first:
            out.add(label, r[ROW], "end", f"date {e.date()} is outside the calendar: the rule ends before {cal.start}")
        if r["effect"] == "license" and pd.isna(r["fraction"]):
            out.add(label, r[ROW], "fraction", "effect license needs the licensed fraction")
        if r["effect"] == "delay" and pd.isna(r["delay"]):
            out.add(label, r[ROW], "delay", "effect delay needs the added delay in periods")


def _currencies(tables: dict[str, pd.DataFrame], labels: dict[str, str], base: str, out: _Collector) -> None:
    rates = tables.get("rates")
    known = {base} | (set(rates["currency"].dropna()) if rates is not None else set())
    for name, t in schema().items():
        df = tables.get(name)
        if df is None or df.empty:
            continue
        for col in t.columns:
            if col.dtype == "currency" and col.name in df and not (name == "rates" and col.name == "currency"):
                bad = df[df[col.name].notna() & ~df[col.name].isin(known)]
                for r, v in zip(bad[ROW][:50], bad[col.name][:50]):
                    out.add(labels[name], r, col.name, f"unknown currency {v!r}: no row in rates (base currency is {base})")
    b = tables.get("budgets")
    if b is not None and not b.empty:
        have = set(zip(rates["currency"], rates["fiscal_year"])) if rates is not None else set()
        for _, r in b.iterrows():
            if r["currency"] in known and r["currency"] != base and (r["currency"], r["fiscal_year"]) not in have:
                out.add(labels["budgets"], r[ROW], "fiscal_year", f"no rate for {r['currency']} in fiscal year {r['fiscal_year']}")


def _figure_masks(df: pd.DataFrame, table: Table) -> dict[str, np.ndarray]:
    """Cells holding a figure: filled and not just the column's default (a default claims nothing)."""
    out = {}
    for c in table.figure_columns:
        col = table.column(c)
        filled = df[c].notna().to_numpy()
        if col.default != "":
            filled = filled & (df[c].astype(float) != float(col.default)).to_numpy()
        out[c] = filled
    return out


def validate(raw: RawPack) -> tuple[PackMeta, dict[str, pd.DataFrame], dict[str, str]]:
    """Typed tables of a valid pack, or a PackError listing every problem."""
    out = _Collector()
    out.problems.extend(raw.problems)
    meta = _meta(raw, out)
    cal = meta.calendar if meta else None
    tables: dict[str, pd.DataFrame] = {}
    labels = dict(raw.labels)
    given: dict[str, dict[str, np.ndarray]] = {}
    for name, t in schema().items():
        labels.setdefault(name, f"{name}.csv")
        if name not in raw.tables:
            if t.required:
                out.add(labels[name], None, None, f"required table {name} missing")
            tables[name] = _empty(t)
            continue
        df = _type_table(t, raw.tables[name], labels[name], cal, out)
        given[name] = _figure_masks(df, t)
        _keys(t, df, labels[name], out)
        tables[name] = df
    _refs(tables, labels, out)
    _candidate_targets(tables, labels, out)
    _bom_cycles(tables, labels, out)
    _lanes(tables, labels, out)
    _demand_supplied(tables, labels, out)
    _sources(tables, labels, given, out)
    if meta is not None:
        _trade_rule_windows(tables, labels, meta.calendar, out)
        _currencies(tables, labels, meta.base_currency, out)
    if out.problems or meta is None:
        if not out.problems:
            out.add(raw.meta_label, None, None, "pack metadata missing or unreadable")
        raise PackError(out.problems, raw.source)
    return meta, tables, labels
