"""The supply graph risk analyses read: one period's rates, trade rules resolved to pass fractions.

Risk questions are asked "as of" one moment, so the Network's time-phased data is
collapsed here to per-period rates at that moment (capacity with overrides held,
demand of that period) and each lane gets the fraction of its flow the trade rules
in force let through. Tests and benchmarks build a `SupplyGraph` directly; packs go
through `from_network`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from allyforge.calendar import CalendarError
from allyforge.network import Network


class RiskInputError(ValueError):
    """A risk question the data cannot answer (bad --at, unknown program, ...)."""


@dataclass(frozen=True)
class SupplyGraph:
    """Sites, recipes, lanes, stocks and demand rates of one moment.

    Frames (all indexed by id unless said): `sites` (name, country, kind, sector, ttr),
    `processes` (site, capacity per period), `inputs`/`outputs` (columns process, item,
    quantity; outputs already multiplied by yield), `lanes` (item, origin, destination,
    capacity [NaN = unlimited], share, priority, passing [0..1 under the rules in force]),
    `stocks` (columns site, item, initial), `demands` (columns site, item, party, rate),
    `programs` (item, party, name), `items` (name, kind, unit).
    """

    sites: pd.DataFrame
    processes: pd.DataFrame
    inputs: pd.DataFrame
    outputs: pd.DataFrame
    lanes: pd.DataFrame
    stocks: pd.DataFrame
    demands: pd.DataFrame
    programs: pd.DataFrame
    items: pd.DataFrame
    horizon: float = 12.0
    at: str = ""
    rules_applied: tuple[str, ...] = field(default=())
    party_country: dict[str, str] = field(default_factory=dict)

    def country_of_party(self, party: str) -> str:
        return self.party_country.get(party, party)

    def program_roots(self, program: str) -> pd.Series:
        """Receiving sites of a program with the share of its demand each takes (sums to 1)."""
        p = self.programs.loc[program]
        d = self.demands[(self.demands["item"] == p["item"]) & (self.demands["party"] == p["party"])]
        by = d.groupby("site")["rate"].sum()
        if len(by) and by.sum() > 0:
            return by[by > 0] / by.sum()
        if len(by):
            return pd.Series(1.0 / len(by), index=by.index)
        # No demand recorded: the party's own final-assembly sites (else every maker).
        makers = self.outputs.loc[self.outputs["item"] == p["item"], "process"].map(self.processes["site"]).unique()
        own = [s for s in makers if self.sites.loc[s].get("party", None) == p["party"]]
        sites = own or list(makers)
        return pd.Series(1.0 / len(sites), index=sites) if sites else pd.Series(dtype=float)


def resolve_at(net: Network, at: str | None) -> tuple[str, dt.date]:
    """`--at` as (period label, date): a period label means its first day; a date its period;
    "first-demand" the first period with positive demand."""
    cal = net.calendar
    if at is None or str(at).strip() == "":
        return cal.periods[0], cal.first_date
    if str(at).strip() == "first-demand":
        d = net.table("demands").reset_index()
        periods = sorted({cal.index(p) for p, q in zip(d["period"], d["quantity"]) if q > 0})
        first = cal.periods[periods[0]] if periods else cal.periods[0]
        return first, cal.first_day(first)
    s = str(at).strip()
    if cal.contains(s):
        return s, cal.first_day(s)
    try:
        cal.first_day(s)
        raise RiskInputError(f"--at period {s} falls outside the pack's calendar {cal.start}..{cal.end}")
    except CalendarError:
        pass
    try:
        day = dt.date.fromisoformat(s)
    except ValueError:
        raise RiskInputError(f"--at {s!r} is neither a period of the pack's calendar ({cal.start}..{cal.end}) nor a date YYYY-MM-DD") from None
    k = cal.period_of_date(day)
    if k is None:
        raise RiskInputError(f"--at {s} falls outside the pack's calendar {cal.start}..{cal.end}")
    return cal.periods[k], day


def lane_passing(net: Network, day: dt.date) -> tuple[pd.Series, tuple[str, ...]]:
    """Fraction of each active lane's flow the trade rules in force on `day` let through.

    A rule matches a lane by the lane's item (or one of its groups), the origin and
    destination sites' countries, and the destination site's sector against `end_use`.
    ban passes 0, license passes `fraction`, delay passes all; several rules multiply.
    """
    lanes = net.active("lanes")
    sites = net.table("sites")
    items = net.table("items")
    passing = pd.Series(1.0, index=lanes.index, name="passing")
    applied: list[str] = []
    if not len(lanes):
        return passing, ()
    o_cty = lanes["origin"].map(sites["country"])
    d_cty = lanes["destination"].map(sites["country"])
    d_sec = lanes["destination"].map(sites["sector"]).fillna("civil")
    groups = lanes["item"].map(lambda i: {i, *items.loc[i, "groups"]})
    day64 = pd.Timestamp(day)
    for rid, r in net.table("trade_rules").iterrows():
        if r["start"] > day64 or (pd.notna(r["end"]) and r["end"] < day64):
            continue
        names = set(r["items"])
        hit = (o_cty == r["origin_country"]) & ((d_cty == r["destination_country"]) | (r["destination_country"] == "*"))
        if r["end_use"] not in (None, "any") and pd.notna(r["end_use"]):
            hit &= d_sec == r["end_use"]
        hit &= groups.map(lambda g: "*" in names or bool(g & names))
        if not hit.any():
            continue
        applied.append(str(rid))
        if r["effect"] == "ban":
            passing[hit] *= 0.0
        elif r["effect"] == "license":
            frac = float(r["fraction"]) if pd.notna(r["fraction"]) else 0.0
            passing[hit] *= frac
    return passing, tuple(applied)


def from_network(net: Network, at: str | None = None, ttr: dict[str, float] | float | None = None, apply_rules: bool = True) -> SupplyGraph:
    """Collapse a Network to the rates and rules in force at `at` (default: first period)."""
    period, day = resolve_at(net, at)
    k = net.calendar.index(period)
    sites = net.table("sites")[["name", "country", "kind", "sector", "party", "ttr"]].copy()
    sites["sector"] = sites["sector"].fillna("civil")
    if isinstance(ttr, (int, float)):
        sites["ttr"] = float(ttr)
    elif isinstance(ttr, dict):
        ttr = dict(ttr)
        if "*" in ttr:
            sites["ttr"] = float(ttr.pop("*"))
        unknown = sorted(set(ttr) - set(sites.index))
        if unknown:
            raise RiskInputError(f"--ttr names unknown site(s): {', '.join(unknown)}")
        for s, v in ttr.items():
            sites.loc[s, "ttr"] = float(v)

    procs = net.active("processes")
    cap = net.capacity_array().isel(period=k).to_series()
    processes = pd.DataFrame({"site": procs["site"], "capacity": cap.reindex(procs.index).to_numpy(float), "annual_output": procs["annual_output"]}, index=procs.index)
    yld = procs["yield"].fillna(1.0)
    ins = net.table("process_inputs").reset_index()[["process", "item", "quantity"]]
    ins = ins[ins["process"].isin(procs.index)].reset_index(drop=True)
    outs = net.table("process_outputs").reset_index()[["process", "item", "quantity"]]
    outs = outs[outs["process"].isin(procs.index)].reset_index(drop=True)
    outs["quantity"] = outs["quantity"].to_numpy(float) * outs["process"].map(yld).to_numpy(float)

    lanes = net.active("lanes")[["item", "origin", "destination", "capacity", "share", "priority"]].copy()
    if apply_rules:
        passing, applied = lane_passing(net, day)
    else:
        passing, applied = pd.Series(1.0, index=lanes.index), ()
    lanes["passing"] = passing.reindex(lanes.index).fillna(1.0)

    st = net.table("stocks").reset_index()
    stocks = st[["site", "item", "initial"]].fillna({"initial": 0.0})
    d = net.table("demands").reset_index()
    d = d[d["period"] == period]
    demands = d.groupby(["site", "item", "party"], as_index=False)["quantity"].sum().rename(columns={"quantity": "rate"})
    programs = net.table("programs")[["item", "party", "name"]].copy()
    programs["name"] = programs["name"].where(programs["name"].notna() & programs["name"].astype(str).ne(""), programs["item"])
    items = net.table("items")[["name", "kind", "unit", "groups"]]
    horizon = float(len(net.periods) - k)
    party_country = net.table("parties")["country"].astype(str).to_dict()
    return SupplyGraph(sites, processes, ins, outs, lanes, stocks, demands, programs, items, horizon=horizon, at=period, rules_applied=applied, party_country=party_country)


def node_table(g: SupplyGraph) -> pd.DataFrame:
    """Nodes whose loss risk analyses ask about: each producing site, and site × item where a site makes several items.

    Columns: node, site, item (None for the whole site), processes (tuple of ids).
    """
    out = g.outputs.assign(site=g.outputs["process"].map(g.processes["site"]))
    rows = []
    for site, grp in out.groupby("site", sort=True):
        procs = tuple(sorted(set(grp["process"])))
        rows.append({"node": site, "site": site, "item": None, "processes": procs})
        items = sorted(set(grp["item"]))
        if len(items) > 1:
            for it in items:
                ps = tuple(sorted(set(grp.loc[grp["item"] == it, "process"])))
                rows.append({"node": f"{site}/{it}", "site": site, "item": it, "processes": ps})
    return pd.DataFrame(rows, columns=["node", "site", "item", "processes"])


def empty_frames() -> dict[str, pd.DataFrame]:
    """Empty frames with the right columns, for building graphs by hand."""
    return {
        "inputs": pd.DataFrame(columns=["process", "item", "quantity"]),
        "stocks": pd.DataFrame(columns=["site", "item", "initial"]),
        "demands": pd.DataFrame(columns=["site", "item", "party", "rate"]),
    }


def as_float(a: pd.Series) -> np.ndarray:
    return pd.to_numeric(a, errors="coerce").to_numpy(float)


def make_graph(
    sites: dict[str, dict],
    processes: dict[str, tuple[str, float]],
    outputs: list[tuple[str, str, float]],
    inputs: list[tuple[str, str, float]] = (),
    lanes: dict[str, tuple] = (),
    stocks: list[tuple[str, str, float]] = (),
    demands: list[tuple[str, str, str, float]] = (),
    programs: dict[str, tuple[str, str]] | None = None,
    items: dict[str, str] | None = None,
    horizon: float = 1000.0,
) -> SupplyGraph:
    """A SupplyGraph from plain Python data (tests, benchmarks, hand-built cases).

    sites: id -> {country, kind, sector?, ttr?}; processes: id -> (site, capacity);
    outputs/inputs: (process, item, quantity); lanes: id -> (item, origin, destination,
    capacity|None, share|None, priority, passing); stocks: (site, item, initial);
    demands: (site, item, party, rate); programs: id -> (item, party); items: id -> kind.
    """
    s = pd.DataFrame.from_dict(sites, orient="index")
    s["name"] = s.get("name", pd.Series(s.index, index=s.index)).fillna(pd.Series(s.index, index=s.index))
    for c, dflt in (("country", "XX"), ("kind", "plant"), ("sector", "civil"), ("party", None), ("ttr", np.nan)):
        if c not in s:
            s[c] = dflt
    p = pd.DataFrame([(k, v[0], float(v[1])) for k, v in processes.items()], columns=["id", "site", "capacity"]).set_index("id")
    p["annual_output"] = np.nan
    o = pd.DataFrame(list(outputs), columns=["process", "item", "quantity"])
    i = pd.DataFrame(list(inputs), columns=["process", "item", "quantity"])
    ln = pd.DataFrame([(k, *v) for k, v in dict(lanes).items()], columns=["id", "item", "origin", "destination", "capacity", "share", "priority", "passing"]).set_index("id")
    ln["capacity"] = pd.to_numeric(ln["capacity"], errors="coerce").astype(float)
    ln["share"] = pd.to_numeric(ln["share"], errors="coerce").astype(float)
    st = pd.DataFrame(list(stocks), columns=["site", "item", "initial"])
    d = pd.DataFrame(list(demands), columns=["site", "item", "party", "rate"])
    all_items = set(o["item"]) | set(i["item"]) | set(ln["item"]) | set(d["item"])
    kinds = dict(items or {})
    it = pd.DataFrame({"name": sorted(all_items), "kind": [kinds.get(x, "material") for x in sorted(all_items)], "unit": "unit"}, index=sorted(all_items))
    it["groups"] = [() for _ in range(len(it))]
    pr = pd.DataFrame([(k, v[0], v[1], k) for k, v in (programs or {}).items()], columns=["id", "item", "party", "name"]).set_index("id")
    return SupplyGraph(s, p, i, o, ln, st, d, pr, it, horizon=float(horizon))
