"""Generate a layered AND/OR supply graph of N sites for the risk benchmarks.

Mines → refiners → component plants → integrators → customers (20/25/30/15/10 % of
sites). Items of a tier are made at 2–5 sites each (OR); a recipe needs 1–3 items
of the tier above (AND); each input is sourced by lanes from 1–3 makers with
shares summing to 1; every tenth producing site makes a second item (a site × item
node). Stocks at half the sites; customers demand end items. Deterministic for a seed.
"""

from __future__ import annotations

import numpy as np

from allyforge.risk.exposure import build_sourcing, node_requirements
from allyforge.risk.graph import SupplyGraph, make_graph

COUNTRIES = ["CN", "AU", "JP", "US", "KR", "DE", "CA", "MY"]


def generate(n_sites: int = 1000, seed: int = 7) -> SupplyGraph:
    rng = np.random.default_rng(seed)
    fractions = [0.20, 0.25, 0.30, 0.15]
    counts = [max(2, int(n_sites * f)) for f in fractions]
    n_cust = max(1, n_sites - sum(counts))
    sites, procs, outs, ins, lanes, stocks, demands, programs = {}, {}, [], [], {}, [], [], {}
    kinds = ["mine", "refinery", "plant", "plant"]
    item_kind = ["mineral", "material", "component", "end_item"]
    makers_prev: dict[str, list[str]] = {}
    item_kinds: dict[str, str] = {}
    lane_id = 0
    for tier, n in enumerate(counts):
        n_items = max(1, n // 3)
        items = [f"t{tier}i{j}" for j in range(n_items)]
        for it in items:
            item_kinds[it] = item_kind[tier]
        makers: dict[str, list[str]] = {it: [] for it in items}
        for k in range(n):
            s = f"t{tier}s{k}"
            sites[s] = {"country": COUNTRIES[int(rng.integers(len(COUNTRIES)))], "kind": kinds[tier], "ttr": float(rng.integers(1, 13))}
            made = [items[k % n_items]]
            if k % 10 == 9 and n_items > 1:
                made.append(items[(k + 1) % n_items])
            for m, it in enumerate(made):
                p = f"{s}p{m}"
                procs[p] = (s, float(rng.uniform(5, 50)))
                outs.append((p, it, 1.0))
                makers[it].append(s)
                if rng.random() < 0.5:
                    stocks.append((s, it, float(rng.uniform(0, 100))))
                if tier > 0:
                    prev_items = list(makers_prev)
                    for need in rng.choice(prev_items, size=int(rng.integers(1, min(3, len(prev_items)) + 1)), replace=False):
                        need = str(need)
                        ins.append((p, need, float(rng.integers(1, 4))))
                        cands = makers_prev[need]
                        src = rng.choice(cands, size=int(rng.integers(1, min(3, len(cands)) + 1)), replace=False)
                        w = rng.dirichlet(np.ones(len(src)))
                        for q, (o, sh) in enumerate(zip(src, w)):
                            lanes[f"l{lane_id}"] = (need, str(o), s, None, float(sh), q + 1, 1.0)
                            lane_id += 1
        makers_prev = {it: v for it, v in makers.items() if v}
    ends = list(makers_prev)
    for c in range(n_cust):
        s = f"cust{c}"
        sites[s] = {"country": COUNTRIES[c % 4], "kind": "customer"}
        it = ends[c % len(ends)]
        src = makers_prev[it][: 2]
        for q, o in enumerate(src):
            lanes[f"l{lane_id}"] = (it, o, s, None, 1.0 / len(src), q + 1, 1.0)
            lane_id += 1
        party = "US" if c % 2 else "JP"
        demands.append((s, it, party, float(rng.uniform(1, 5))))
        programs.setdefault(f"prog_{it}_{party}", (it, party))
    g = make_graph(sites, procs, outs, ins, lanes, stocks, demands, programs, items=item_kinds, horizon=36.0)
    # size capacity at 1.05–1.6× each process's planned load so the intact network meets demand
    req = node_requirements(g, build_sourcing(g)).set_index(["site", "item"])["requirement"]
    out_node = list(zip(g.outputs["process"].map(g.processes["site"]), g.outputs["item"]))
    load = req.reindex(out_node).fillna(0.0).to_numpy() / g.outputs["quantity"].to_numpy()
    per_proc = dict(zip(g.outputs["process"], load))
    cap = [max(1.0, per_proc.get(p, 0.0)) * float(rng.uniform(1.05, 1.6)) for p in g.processes.index]
    g.processes["capacity"] = cap
    return g
