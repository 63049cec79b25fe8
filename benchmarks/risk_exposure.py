"""Exposure tracing of a generated 10,000-site network (issue 5: ≤ 2 s).

Ours: what `allyforge risk` traces for every program — `allyforge.risk.exposure.exposure`
(sparse Leontief inverse, every program at once, plus the blocked share) and the
explicit paths (`trace_paths`, 50 per program), sourcing matrix built inside the
timing. Peer: the straightforward traversal of the shares — a networkx DiGraph of
sourcing edges, requirements pushed down it in topological order once per
program. Ours and the peer's repeats are interleaved so both see the same load on
a shared machine; medians are reported, the load average printed, and the
shares asserted equal.

    .venv/bin/python -m benchmarks.risk_exposure [--sites 10000] [--repeat 5] [--peer-repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import networkx as nx
import numpy as np
import pandas as pd

from allyforge.risk.exposure import build_sourcing, exposure, trace_paths
from allyforge.risk.graph import SupplyGraph
from benchmarks.generate_risk_network import generate


def networkx_peer(g: SupplyGraph) -> pd.DataFrame:
    """Share of each material by country for each program by graph traversal."""
    s = build_sourcing(g)  # the same sourcing edges; the peer differs in how it traces them
    d = nx.DiGraph()
    d.add_nodes_from(range(len(s.nodes)))
    for a, b, w in s.edges[["a", "b", "w"]].itertuples(index=False):
        if d.has_edge(a, b):
            d[a][b]["w"] += w
        else:
            d.add_edge(a, b, w=w)
    order = list(nx.topological_sort(d))
    site = s.nodes.get_level_values(0)
    item = s.nodes.get_level_values(1)
    country = g.sites["country"].reindex(site).to_numpy()
    rows = []
    for prog in g.programs.index:
        x = dict.fromkeys(order, 0.0)
        roots = g.program_roots(prog)
        it = g.programs.loc[prog, "item"]
        for r, share in roots.items():
            x[s.nodes.get_loc((str(r), it))] += share
        for n in order:
            if x[n]:
                for _, b, w in d.out_edges(n, data="w"):
                    x[b] += x[n] * w
        by: dict[tuple[str, str], float] = {}
        for n in np.flatnonzero(s.origin):
            if x[n] > 0 and item[n] != it:
                by[(item[n], country[n])] = by.get((item[n], country[n]), 0.0) + x[n]
        df = pd.DataFrame([(prog, m, c, v) for (m, c), v in by.items()], columns=["program", "material", "country", "per_unit"])
        df["share"] = df["per_unit"] / df.groupby("material")["per_unit"].transform("sum")
        rows.append(df)
    return pd.concat(rows, ignore_index=True)


def trace(g: SupplyGraph) -> tuple[pd.DataFrame, pd.DataFrame, float, float]:
    """(exposure, paths, seconds for shares + blocked shares, seconds for the whole tracing)."""
    t0 = time.perf_counter()
    s = build_sourcing(g)
    ex = exposure(g, None, s)
    t1 = time.perf_counter()
    ps = trace_paths(g, s, list(g.programs.index), max_paths=50)
    return ex, ps, t1 - t0, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--peer-repeat", type=int, default=3)
    a = ap.parse_args(argv)
    g = generate(a.sites, seed=11)
    print(f"network: {len(g.sites)} sites, {len(g.processes)} processes, {len(g.lanes)} lanes, {len(g.programs)} programs")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    exposure(g)  # warm imports
    shares_t, total_t, peer_t = [], [], []
    for r in range(max(a.repeat, a.peer_repeat)):
        if r < a.repeat:
            ours, ps, t_sh, t_all = trace(g)
            shares_t.append(t_sh)
            total_t.append(t_all)
        if r < a.peer_repeat:
            t0 = time.perf_counter()
            peer = networkx_peer(g)
            peer_t.append(time.perf_counter() - t0)
    m = ours.merge(peer, on=["program", "material", "country"], how="outer", suffixes=("", "_peer"))
    assert m["share"].notna().all() and m["share_peer"].notna().all(), "the two tracings found different (program, material, country) rows"
    worst = float((m["share"] - m["share_peer"]).abs().max())
    assert worst <= 1e-9, worst
    med, med_sh, med_peer = statistics.median(total_t), statistics.median(shares_t), statistics.median(peer_t)
    print(f"ours: median {med:.3f} s over {a.repeat} runs for the whole tracing (target <= 2 s): shares and blocked shares {med_sh:.3f} s "
          f"({len(ours)} exposure rows), paths {med - med_sh:.3f} s ({len(ps)} paths)")
    print(f"peer (networkx traversal per program, shares only): median {med_peer:.2f} s over {a.peer_repeat} runs; "
          f"ratio to our shares {med_peer / med_sh:.1f}x; shares agree (max difference {worst:.1e})")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
