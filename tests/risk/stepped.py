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
    ins: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for p, i, q in g.inputs[["process", "item", "quantity"]].itertuples(index=False):
        ins[p].append((i, float(q)))
    outs: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for p, i, q in g.outputs[["process", "item", "quantity"]].itertuples(index=False):
        outs[p].append((i, float(q)))
    cap = g.processes["capacity"].to_dict()
    procs_at: dict[str, list[str]] = defaultdict(list)
    for p, s in g.processes["site"].items():
        procs_at[s].append(p)
    lanes_from: dict[tuple[str, str], list[str]] = defaultdict(list)
    for o, i, d in g.lanes[["origin", "item", "destination"]].itertuples(index=False):
        lanes_from[(o, i)].append(d)
    shipped_from = defaultdict(set)
    for o, i in lanes_from:
        shipped_from[o].add(i)
    demand = list(g.demands[["site", "item", "rate"]].itertuples(index=False))
    first_short, lost, t = None, 0.0, 0.0
    steps = int(round(until / dt))
    for _ in range(steps):
        for site in order:
            for p in procs_at.get(site, []):
                if p in down:
                    continue
                runs = cap[p] * dt
                for i, q in ins[p]:
                    runs = min(runs, inv[(site, i)] / q)
                for i, q in ins[p]:
                    inv[(site, i)] -= runs * q
                for i, q in outs[p]:
                    inv[(site, i)] += runs * q
            for item in sorted(shipped_from[site]):
                dests = lanes_from[(site, item)]
                q = inv[(site, item)]
                inv[(site, item)] = 0.0
                for dest in dests:
                    inv[(dest, item)] += q / len(dests)
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
