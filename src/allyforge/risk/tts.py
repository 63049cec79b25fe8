"""Time-to-survive (TTS) and performance impact (PI) of losing each node.

Simchi-Levi, Schmidt, Wei et al. (2015), "Identifying Risks and Mitigating
Disruptions in the Automotive Supply Chain", Interfaces 45(5):375–390.
TTS: the longest window over which demand is still met with the node's
production at zero (stock already there can still ship; rerouting is free).
PI: the least demand lost over the node's time-to-recover.

The flow LP is built once; each node is a bound change on its processes and a
warm-started re-solve. Nodes are spread over worker processes in chunks; each
worker rebuilds the two HiGHS instances from the picklable arrays once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd

from allyforge.risk.exposure import build_sourcing, planned_lane_flow
from allyforge.risk.flow_lp import INF, FlowLP, build_flow_lp
from allyforge.risk.graph import SupplyGraph, node_table

TTS_COLUMNS = ["node", "site", "item", "name", "country", "kind", "tts", "tts_at_least_horizon", "ttr", "pi", "rei", "flagged"]


class SolveError(RuntimeError):
    """HiGHS did not reach an optimum where the model always has one."""


@dataclass
class _Solver:
    """Two HiGHS instances over one FlowLP: TTS (max t, no loss) and PI (min loss, t fixed)."""

    lp: FlowLP
    horizon: float
    weights: np.ndarray

    def __post_init__(self) -> None:
        lp = self.lp
        n = lp.n_cols
        lo_loss = lp.n_x + lp.n_y
        tts_hi = lp.col_hi.copy()
        tts_hi[lo_loss:lo_loss + lp.n_loss] = 0.0
        tts_hi[lp.t_col] = self.horizon
        cost = np.zeros(n)
        cost[lp.t_col] = 1.0
        self.tts_h = lp.highs(cost, maximize=True, col_hi=tts_hi)
        pcost = np.zeros(n)
        pcost[lo_loss:lo_loss + lp.n_loss] = self.weights
        self.pi_h = lp.highs(pcost, maximize=False)

    def _run(self, h: highspy.Highs, what: str) -> float:
        h.run()
        st = h.getModelStatus()
        if st != highspy.HighsModelStatus.kOptimal:
            raise SolveError(f"{what}: HiGHS status {h.modelStatusToString(st)}")
        return float(h.getInfo().objective_function_value)

    def _down(self, h: highspy.Highs, procs: np.ndarray, hi: float) -> None:
        if len(procs):
            h.changeColsBounds(len(procs), procs.astype(np.int32), np.zeros(len(procs)), np.full(len(procs), hi))

    def tts(self, procs: np.ndarray) -> float:
        self._down(self.tts_h, procs, 0.0)
        try:
            return self._run(self.tts_h, "time-to-survive")
        finally:
            self._down(self.tts_h, procs, INF)

    def pi(self, procs: np.ndarray, ttr: float) -> float:
        self.pi_h.changeColBounds(self.lp.t_col, float(ttr), float(ttr))
        self._down(self.pi_h, procs, 0.0)
        try:
            return self._run(self.pi_h, "performance impact")
        finally:
            self._down(self.pi_h, procs, INF)


def prepare(g: SupplyGraph) -> FlowLP:
    """The flow LP with licensed lanes capped at their licensed share of planned flow."""
    needs_plan = bool(((g.lanes["passing"] > 0) & (g.lanes["passing"] < 1)).any()) if len(g.lanes) else False
    planned = planned_lane_flow(g, build_sourcing(g)) if needs_plan else None
    return build_flow_lp(g, planned)


def _weights(lp: FlowLP, g: SupplyGraph, weights: dict[str, float] | None) -> np.ndarray:
    items = lp.balance.get_level_values(1)[lp.loss_rows]
    return np.array([float((weights or {}).get(i, 1.0)) for i in items])


def _solve_chunk(args: tuple[FlowLP, float, np.ndarray, list[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    lp, horizon, weights, node_procs, ttrs = args
    s = _Solver(lp, horizon, weights)
    tts = np.array([s.tts(p) for p in node_procs])
    pi = np.array([s.pi(p, r) if np.isfinite(r) else np.nan for p, r in zip(node_procs, ttrs)])
    return tts, pi


def solve_nodes(
    lp: FlowLP,
    horizon: float,
    node_procs: list[np.ndarray],
    ttrs: np.ndarray,
    weights: np.ndarray | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """TTS and PI (NaN where TTR is unknown) for each node, given its process columns."""
    weights = np.ones(lp.n_loss) if weights is None else weights
    n = len(node_procs)
    workers = max(1, min(workers, n // 16 or 1))
    size = max(1, -(-n // (workers * 4))) if workers > 1 else max(1, min(n, 25))
    chunks = [(lp, horizon, weights, node_procs[i:i + size], ttrs[i:i + size]) for i in range(0, n, size)]
    tts, pi = np.empty(n), np.empty(n)
    if workers == 1:
        pos = 0
        for c in chunks:
            a, b = _solve_chunk(c)
            tts[pos:pos + len(a)], pi[pos:pos + len(b)] = a, b
            pos += len(a)
            if progress:
                progress(len(a))
        return tts, pi
    with ProcessPoolExecutor(max_workers=workers) as ex:
        pos = 0
        for a, b in ex.map(_solve_chunk, chunks):  # in order: deterministic placement
            tts[pos:pos + len(a)], pi[pos:pos + len(b)] = a, b
            pos += len(a)
            if progress:
                progress(len(a))
    return tts, pi


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


def time_to_survive(
    g: SupplyGraph,
    nodes: pd.DataFrame | None = None,
    weights: dict[str, float] | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """TTS, PI at each node's TTR, the risk-exposure index and the TTS < TTR flag, per node."""
    nodes = node_table(g) if nodes is None else nodes
    lp = prepare(g)
    procs = [lp.processes.get_indexer(list(p)).astype(np.int64) for p in nodes["processes"]]
    ttr = nodes["site"].map(g.sites["ttr"]).astype(float).to_numpy()
    tts, pi = solve_nodes(lp, g.horizon, procs, ttr, _weights(lp, g, weights), workers, progress)
    out = nodes[["node", "site", "item"]].copy()
    out["name"] = out["site"].map(g.sites["name"])
    out["country"] = out["site"].map(g.sites["country"])
    out["kind"] = out["site"].map(g.sites["kind"])
    out["tts"] = np.minimum(tts, g.horizon)
    out["tts_at_least_horizon"] = tts >= g.horizon * (1 - 1e-9)
    out["ttr"] = ttr
    out["pi"] = pi
    top = np.nanmax(pi) if np.isfinite(pi).any() else np.nan
    out["rei"] = pi / top if np.isfinite(top) and top > 0 else np.where(np.isfinite(pi), 0.0, np.nan)
    out["flagged"] = np.isfinite(ttr) & (out["tts"].to_numpy() < ttr - 1e-9)
    return out[TTS_COLUMNS].reset_index(drop=True)


def performance_impact(g: SupplyGraph, processes: list[str], ttr: float, weights: dict[str, float] | None = None) -> float:
    """PI of losing the given processes for `ttr` periods (one solve; for tests and what-ifs)."""
    lp = prepare(g)
    s = _Solver(lp, g.horizon, _weights(lp, g, weights))
    return s.pi(lp.processes.get_indexer(processes).astype(np.int64), ttr)


def pi_function(g: SupplyGraph, processes: list[str], weights: dict[str, float] | None = None) -> Callable[[float], float]:
    """PI of losing the given processes as a function of TTR (one model, warm re-solves)."""
    lp = prepare(g)
    s = _Solver(lp, g.horizon, _weights(lp, g, weights))
    idx = lp.processes.get_indexer(processes).astype(np.int64)
    return lambda ttr: s.pi(idx, float(ttr))


def survive_time(g: SupplyGraph, processes: list[str]) -> float:
    """Uncapped-by-rounding TTS of losing the given processes (capped at the horizon)."""
    lp = prepare(g)
    s = _Solver(lp, g.horizon, np.ones(lp.n_loss))
    return s.tts(lp.processes.get_indexer(processes).astype(np.int64))
