"""TTS and PI for every node of a generated 1,000-site network (issue 5: ≥ 50× the peer).

Ours: `allyforge.risk.tts.time_to_survive` — one model, bound changes, warm-started
re-solves (HiGHS via highspy), serial here so the ratio is not a core count.
Peer: the straightforward approach — for each node, build a fresh Pyomo model of
the same LP (Simchi-Levi et al. 2015, as in docs/risk.md) and solve it with the same
HiGHS (Pyomo's `appsi_highs`), once for TTS and once for PI at the node's TTR.
The peer runs on a deterministic sample of nodes (all with --all); its per-node
median times the node count is compared with our whole run. Answers are asserted equal.

    .venv/bin/python -m benchmarks.risk_tts [--sites 1000] [--peer-nodes 40] [--all] [--repeat 3]

The load average is printed at the start and end (the ratio is only as good as the load was even).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pyomo.environ as pyo

from allyforge.risk.graph import SupplyGraph, node_table
from allyforge.risk.tts import time_to_survive
from benchmarks.generate_risk_network import generate


class PyomoPeer:
    """The analyst's version: index the data once, then a fresh Pyomo model per lost node."""

    def __init__(self, g: SupplyGraph) -> None:
        self.g = g
        site_of = g.processes["site"].to_dict()
        self.terms: dict[tuple[str, str], list[tuple[str, str, float]]] = {}  # node -> (var kind, id, coef)
        for p, i, q in g.outputs[["process", "item", "quantity"]].itertuples(index=False):
            self.terms.setdefault((site_of[p], i), []).append(("x", p, q))
        for p, i, q in g.inputs[["process", "item", "quantity"]].itertuples(index=False):
            self.terms.setdefault((site_of[p], i), []).append(("x", p, -q))
        for l, i, o, d in g.lanes[["item", "origin", "destination"]].itertuples(name=None):
            self.terms.setdefault((d, i), []).append(("y", l, 1.0))
            self.terms.setdefault((o, i), []).append(("y", l, -1.0))
        self.stock: dict[tuple[str, str], float] = {}
        for s, i, q in g.stocks[["site", "item", "initial"]].itertuples(index=False):
            self.stock[(s, i)] = self.stock.get((s, i), 0.0) + q
            self.terms.setdefault((s, i), [])
        self.dem: dict[tuple[str, str], float] = {}
        for s, i, r in g.demands[["site", "item", "rate"]].itertuples(index=False):
            self.dem[(s, i)] = self.dem.get((s, i), 0.0) + r
            self.terms.setdefault((s, i), [])
        self.cap = g.processes["capacity"].astype(float).to_dict()
        self.solver = pyo.SolverFactory("appsi_highs")

    def build(self, down: set[str], t_fixed: float | None) -> pyo.ConcreteModel:
        g = self.g
        m = pyo.ConcreteModel()
        m.x = pyo.Var(list(g.processes.index), within=pyo.NonNegativeReals)
        m.y = pyo.Var(list(g.lanes.index), within=pyo.NonNegativeReals)
        dnodes = [k for k, v in self.dem.items() if v > 0]
        m.loss = pyo.Var(range(len(dnodes)), within=pyo.NonNegativeReals)
        loss_of = {k: m.loss[j] for j, k in enumerate(dnodes)}
        m.t = pyo.Var(within=pyo.NonNegativeReals, bounds=(0, g.horizon))
        if t_fixed is None:
            m.loss.fix(0)
            m.obj = pyo.Objective(expr=m.t, sense=pyo.maximize)
        else:
            m.t.fix(t_fixed)
            m.obj = pyo.Objective(expr=sum(m.loss.values()), sense=pyo.minimize)
        m.bal = pyo.ConstraintList()
        for k, terms in self.terms.items():
            expr = sum(c * (m.x[v] if kind == "x" else m.y[v]) for kind, v, c in terms)
            if k in loss_of:
                expr = expr + loss_of[k] - self.dem[k] * m.t
            m.bal.add(expr >= -self.stock.get(k, 0.0))
        m.cap = pyo.Constraint(list(g.processes.index), rule=lambda m, p: m.x[p] <= self.cap[p] * m.t)
        for p in down:
            m.x[p].fix(0)
        return m

    def node(self, down: set[str], ttr: float | None) -> tuple[float, float]:
        """(TTS capped at the horizon, PI at ttr) for one lost node."""
        m = self.build(down, None)
        self.solver.solve(m)
        tts = float(pyo.value(m.t))
        pi = float("nan")
        if ttr is not None and np.isfinite(ttr):
            m2 = self.build(down, ttr)
            self.solver.solve(m2)
            pi = float(pyo.value(m2.obj))
        return tts, pi


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", type=int, default=1000)
    ap.add_argument("--peer-nodes", type=int, default=40)
    ap.add_argument("--all", action="store_true", help="run the peer on every node")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    g = generate(a.sites)
    nodes = node_table(g)
    print(f"network: {len(g.sites)} sites, {len(g.processes)} processes, {len(g.lanes)} lanes; {len(nodes)} nodes (sites and site × item)")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # Interleave our full runs with slices of the peer's sample so both see the same machine
    # load (the machine is shared); time both by wall clock and by process CPU time.
    rng = np.random.default_rng(0)
    sample = np.arange(len(nodes)) if a.all else np.sort(rng.choice(len(nodes), size=min(a.peer_nodes, len(nodes)), replace=False))
    slices = np.array_split(sample, a.repeat)
    peer = PyomoPeer(g)
    runs, cpu_runs, peer_times, peer_cpu = [], [], [], []
    worst = 0.0
    for part in slices:
        t0, c0 = time.perf_counter(), time.process_time()
        ours = time_to_survive(g, nodes, workers=1)
        runs.append(time.perf_counter() - t0)
        cpu_runs.append(time.process_time() - c0)
        for k in part:
            row = nodes.iloc[k]
            ttr = float(g.sites.loc[row["site"], "ttr"])
            t0, c0 = time.perf_counter(), time.process_time()
            tts, pi = peer.node(set(row["processes"]), ttr)
            peer_times.append(time.perf_counter() - t0)
            peer_cpu.append(time.process_time() - c0)
            mine = ours.iloc[k]
            for want, got in ((tts, mine["tts"]), (pi, mine["pi"])):
                err = abs(want - got) / max(1.0, abs(want))
                worst = max(worst, err)
                assert err <= 1e-7, f"node {row['node']}: peer {want} vs ours {got}"
    ours_total = statistics.median(runs)
    ours_cpu = statistics.median(cpu_runs)
    peer_med = statistics.median(peer_times)
    peer_total = peer_med * len(nodes)
    peer_cpu_total = statistics.median(peer_cpu) * len(nodes)
    print(f"ours: all {len(nodes)} nodes, median of {a.repeat} runs {ours_total:.2f} s wall ({1000 * ours_total / len(nodes):.1f} ms/node), {ours_cpu:.2f} s CPU")
    print(f"peer (fresh Pyomo model per node, appsi_highs): median {peer_med:.3f} s/node wall, {statistics.median(peer_cpu):.3f} s CPU, over {len(sample)} nodes -> {peer_total:.0f} s for all nodes")
    print(f"speed-up {peer_total / ours_total:.0f}x wall, {peer_cpu_total / ours_cpu:.0f}x CPU (target >= 50x); answers agree on {len(sample)} nodes (max relative difference {worst:.1e})")
    print(f"nodes flagged TTS < TTR: {int(ours['flagged'].sum())}; TTS at least the horizon: {int(ours['tts_at_least_horizon'].sum())}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
