"""Small random AND/OR supply graphs for property and brute-force tests."""

from __future__ import annotations

import numpy as np

from allyforge.risk.graph import SupplyGraph, make_graph


def random_graph(seed: int, layers: int = 3, width: int = 4, pure_or: bool = False, stock: bool = True) -> SupplyGraph:
    """Layered graph: items of layer k are made from 1–3 items of layer k−1 (AND; one when
    `pure_or`), each item made at 1–2 sites (OR), each consumer fed by lanes from 1–2 makers (OR);
    a customer per final item demands it."""
    rng = np.random.default_rng(seed)
    sites, procs, outs, ins, lanes, stocks = {}, {}, [], [], {}, []
    makers: dict[str, list[str]] = {}
    countries = ["CN", "AU", "JP", "US"]
    prev: list[str] = []
    for k in range(layers):
        items = [f"i{k}_{j}" for j in range(max(1, width - k))]
        for it in items:
            n_make = int(rng.integers(1, 3))
            makers[it] = []
            for m in range(n_make):
                s = f"s_{it}_{m}"
                sites[s] = {"country": countries[int(rng.integers(len(countries)))], "kind": "mine" if k == 0 else "plant", "ttr": float(rng.integers(1, 8))}
                p = f"p_{it}_{m}"
                procs[p] = (s, float(rng.integers(1, 20)))
                outs.append((p, it, float(rng.integers(1, 3))))
                makers[it].append(s)
                if stock and rng.random() < 0.5:
                    stocks.append((s, it, float(rng.integers(0, 30))))
                if k > 0:
                    n_in = 1 if pure_or else int(rng.integers(1, min(3, len(prev)) + 1))
                    for need in rng.choice(prev, size=n_in, replace=False):
                        ins.append((p, str(need), float(rng.integers(1, 3))))
                        src = list(rng.choice(makers[str(need)], size=int(rng.integers(1, len(makers[str(need)]) + 1)), replace=False))
                        for q, o in enumerate(src):
                            lanes[f"l_{need}_{o}_{s}"] = (str(need), str(o), s, None, 1.0 / len(src), q + 1, 1.0)
        prev = items
    demands, programs = [], {}
    for it in prev:
        c = f"cust_{it}"
        sites[c] = {"country": "JP", "kind": "customer"}
        for q, o in enumerate(makers[it]):
            lanes[f"l_{it}_{o}_{c}"] = (it, o, c, None, 1.0 / len(makers[it]), q + 1, 1.0)
        demands.append((c, it, "JP", float(rng.integers(1, 10))))
        programs[f"prog_{it}"] = (it, "JP")
    return make_graph(sites, procs, outs, ins, lanes, stocks, demands, programs, horizon=24.0)
