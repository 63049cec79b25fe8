"""The supply graph risk analyses read: one period's rates, trade rules resolved to pass fractions.

Risk questions are asked "as of" one moment, so the Network's time-phased data is
collapsed here to per-period rates at that moment (capacity with overrides held,
demand of that period) and each lane gets the fraction of its flow the trade rules
in force let through. Tests and benchmarks build a `SupplyGraph` directly; packs (under a
scenario or not) go through `allyforge.risk.moment`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


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
