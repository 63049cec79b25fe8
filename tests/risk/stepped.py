"""A brute-force, time-stepped run of a tiny supply graph: the independent check on the TTS/PI LP.

Each step of length dt, sites in upstream-to-downstream order make as much as
capacity and on-hand inputs allow (a lost site makes nothing, its stock still
ships), push everything they hold of the lanes' items downstream, and customers
take their demand from what is on hand; what is missing is lost. No LP involved.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from allyforge.risk.graph import SupplyGraph


def stepped_run(g: SupplyGraph, down: set[str], until: float, dt: float) -> tuple[float, float]:
    """(time of the first shortfall, lost volume over [0, until])."""
    order_g = nx.DiGraph()
    order_g.add_nodes_from(g.sites.index)
    order_g.add_edges_from(zip(g.lanes["origin"], g.lanes["destination"]))
    order = list(nx.topological_sort(order_g))
    inv: dict[tuple[str, str], float] = defaultdict(float)
    for s, i, q in g.stocks[["site", "item", "initial"]].itertuples(index=False):
        inv[(s, i)] += q
    ins = g.inputs.groupby("process")
    outs = g.outputs.groupby("process")
    procs_at = g.processes.groupby("site").groups
    lanes_from = g.lanes.groupby("origin").groups
    demand = list(g.demands[["site", "item", "rate"]].itertuples(index=False))
    first_short, lost, t = None, 0.0, 0.0
    steps = int(round(until / dt))
    for _ in range(steps):
        for site in order:
            for p in procs_at.get(site, []):
                if p in down:
                    continue
                runs = g.processes.loc[p, "capacity"] * dt
                if p in ins.groups:
                    for _, r in ins.get_group(p).iterrows():
                        runs = min(runs, inv[(site, r["item"])] / r["quantity"])
                    for _, r in ins.get_group(p).iterrows():
                        inv[(site, r["item"])] -= runs * r["quantity"]
                for _, r in outs.get_group(p).iterrows():
                    inv[(site, r["item"])] += runs * r["quantity"]
            out_lanes = g.lanes.loc[list(lanes_from.get(site, []))]
            for item, grp in out_lanes.groupby("item"):
                q = inv[(site, item)]
                inv[(site, item)] = 0.0
                for dest in grp["destination"]:
                    inv[(dest, item)] += q / len(grp)
        t += dt
        for site, item, rate in demand:
            take = min(inv[(site, item)], rate * dt)
            inv[(site, item)] -= take
            short = rate * dt - take
            if short > 1e-9:
                lost += short
                if first_short is None:
                    first_short = t - dt
    return (first_short if first_short is not None else until), lost
