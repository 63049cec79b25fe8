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


@dataclass(frozen=True)
class _Start:
    """The intact network's TTS optimum and both optimal bases, as plain arrays (picklable)."""

    base_tts: float
    base_x: np.ndarray
    tts_basis: tuple[np.ndarray, np.ndarray]
    pi_basis: tuple[np.ndarray, np.ndarray]


def _basis(h: highspy.Highs) -> tuple[np.ndarray, np.ndarray]:
    b = h.getBasis()
    return np.array([int(x) for x in b.col_status], np.int8), np.array([int(x) for x in b.row_status], np.int8)


def _set_basis(h: highspy.Highs, cols_rows: tuple[np.ndarray, np.ndarray]) -> None:
    b = highspy.HighsBasis()
    b.col_status = [highspy.HighsBasisStatus(int(x)) for x in cols_rows[0]]
    b.row_status = [highspy.HighsBasisStatus(int(x)) for x in cols_rows[1]]
    b.valid = True
    h.setBasis(b)


class _Solver:
    """Two HiGHS instances over one FlowLP: TTS (max t, no loss) and PI (min loss, t fixed).

    Built fresh for each fixed-size chunk of nodes from the intact network's optimal
    bases, then warm-started node to node inside the chunk: the solver's history is
    the same whichever worker runs a chunk, so answers do not depend on the worker
    count. A node whose processes run nothing in the intact optimum cannot shorten
    TTS: that optimum stays feasible, hence optimal, and no solve is needed.
    """

    def __init__(self, lp: FlowLP, horizon: float, weights: np.ndarray, start: _Start | None = None) -> None:
        self.lp, self.horizon, self.weights = lp, horizon, weights
        n = lp.n_cols
        lo_loss = lp.n_x + lp.n_y
        tts_hi = lp.col_hi.copy()
        tts_hi[lo_loss:lo_loss + lp.n_loss] = 0.0
        tts_hi[lp.t_col] = horizon
        cost = np.zeros(n)
        cost[lp.t_col] = 1.0
        self.tts_h = lp.highs(cost, maximize=True, col_hi=tts_hi)
        pcost = np.zeros(n)
        pcost[lo_loss:lo_loss + lp.n_loss] = weights
        self.pi_h = lp.highs(pcost, maximize=False)
        self.pi_h.changeColBounds(lp.t_col, 1.0, 1.0)
        if start is None:
            base = self._run(self.tts_h, "time-to-survive (intact network)")
            x = np.asarray(self.tts_h.getSolution().col_value)[: lp.n_x]
            tb = _basis(self.tts_h)
            self._run(self.pi_h, "performance impact (intact network)")
            start = _Start(base, x, tb, _basis(self.pi_h))
        else:
            _set_basis(self.tts_h, start.tts_basis)
            _set_basis(self.pi_h, start.pi_basis)
        self.start = start

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
        if not len(procs) or bool((self.start.base_x[procs] <= 1e-12).all()):
            return self.start.base_tts
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


CHUNK = 48  # nodes per fresh solver; fixed, so answers do not depend on the worker count

_WORKER: tuple[FlowLP, float, np.ndarray, _Start] | None = None


def _init_worker(lp: FlowLP, horizon: float, weights: np.ndarray, start: _Start) -> None:
    global _WORKER
    _WORKER = (lp, horizon, weights, start)


def _solve_one(s: _Solver, procs: np.ndarray, ttr: float) -> tuple[float, float]:
    t = s.tts(procs)
    if not np.isfinite(ttr):
        return t, np.nan
    if ttr <= min(t, s.horizon):  # PI(TTR ≤ TTS) = 0: the TTS plan scaled down meets demand
        return t, 0.0
    return t, s.pi(procs, ttr)


def _chunk(setup: tuple[FlowLP, float, np.ndarray, _Start], procs: list[np.ndarray], ttrs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = _Solver(*setup)
    res = [_solve_one(s, p, r) for p, r in zip(procs, ttrs)]
    return np.array([a for a, _ in res], float), np.array([b for _, b in res], float)


def _solve_chunk(args: tuple[list[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    assert _WORKER is not None
    return _chunk(_WORKER, *args)


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
    start = _Solver(lp, horizon, weights).start
    n = len(node_procs)
    tts, pi = np.empty(n), np.empty(n)
    chunks = [(node_procs[i:i + CHUNK], ttrs[i:i + CHUNK]) for i in range(0, n, CHUNK)]
    workers = max(1, min(workers, len(chunks)))
    pos = 0
    if workers == 1:
        results = (_chunk((lp, horizon, weights, start), *c) for c in chunks)
        for a, b in results:
            tts[pos:pos + len(a)], pi[pos:pos + len(b)] = a, b
            pos += len(a)
            if progress:
                progress(len(a))
        return tts, pi
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(lp, horizon, weights, start)) as ex:
        for a, b in ex.map(_solve_chunk, chunks):  # results in order: placement is deterministic
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


def intact_survive_time(g: SupplyGraph) -> float:
    """TTS of the intact network (no node lost), capped at the horizon: no node's TTS exceeds it."""
    lp = prepare(g)
    return min(_Solver(lp, g.horizon, np.ones(lp.n_loss)).start.base_tts, g.horizon)
