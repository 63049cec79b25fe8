"""Single points of failure on the AND/OR structure of recipes and sourcing.

A program needs every input of a recipe (AND) and any one of the lanes or
processes that deliver an item (OR). A node is a single point of a program when,
with it removed, the program's maximum output is zero; that is decided on the
structure (least fixed point of "can be made" over site × item, ignoring stock,
since stock does not sustain output) and agrees with the max-output LP, which
also gives how far output falls: a "near" single point cuts it by more than a
chosen share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import highspy
import numpy as np
import pandas as pd

from allyforge.risk.exposure import build_sourcing, planned_lane_flow
from allyforge.risk.flow_lp import INF, build_flow_lp
from allyforge.risk.graph import SupplyGraph, node_table

SPOF_COLUMNS = ["program", "node", "site", "item", "name", "country", "kind", "output_left", "drop", "single_point", "near"]


class Structure:
    """Can-be-made propagation over site × item, re-run with processes removed."""

    def __init__(self, g: SupplyGraph, planned: pd.Series | None = None) -> None:
        psite = g.processes["site"]
        ok = (g.lanes["passing"] > 0) & ~(g.lanes["capacity"].fillna(np.inf) <= 0)
        if planned is not None:  # a licensed lane carries its licensed share of planned flow only
            lic = (g.lanes["passing"] < 1) & (planned.reindex(g.lanes.index).fillna(0.0) <= 0)
            ok &= ~lic
        lanes = g.lanes[ok]
        self.feeds: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # node -> upstream nodes (OR)
        for o, d, i in lanes[["origin", "destination", "item"]].itertuples(index=False):
            self.feeds[(d, i)].append((o, i))
        self.makers: dict[tuple[str, str], list[str]] = defaultdict(list)  # node -> processes (OR)
        cap = g.processes["capacity"]
        for p, i, q in g.outputs[["process", "item", "quantity"]].itertuples(index=False):
            if q > 0 and cap[p] > 0:
                self.makers[(psite[p], i)].append(p)
        self.needs: dict[str, list[tuple[str, str]]] = defaultdict(list)  # process -> input nodes (AND)
        for p, i in g.inputs[["process", "item"]].itertuples(index=False):
            self.needs[p].append((psite[p], i))
        self._memo: dict[tuple[str, str], bool] = {}

    def alive(self, node: tuple[str, str], removed: frozenset[str]) -> bool:
        """Whether `node` can receive any of its item with `removed` processes out (acyclic graphs)."""
        memo: dict[tuple[str, str], bool] = {}
        onpath: set[tuple[str, str]] = set()

        def rec(n: tuple[str, str]) -> bool:
            if n in memo:
                return memo[n]
            if n in onpath:  # a cycle cannot bootstrap itself without stock
                return False
            onpath.add(n)
            ok = any(rec(u) for u in self.feeds.get(n, ())) or any(
                p not in removed and all(rec(m) for m in self.needs.get(p, ())) for p in self.makers.get(n, ())
            )
            onpath.discard(n)
            memo[n] = ok
            return ok

        return rec(node)


def program_alive(st: Structure, roots: list[tuple[str, str]], removed: frozenset[str]) -> bool:
    return any(st.alive(r, removed) for r in roots)


def single_points(
    g: SupplyGraph,
    programs: list[str] | None = None,
    near: float = 0.5,
    nodes: pd.DataFrame | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """For each program and node: share of max output left with the node removed; single and near single points
    (a near single point is no single point but cuts output by more than `near`).

    Only rows where output falls are returned.
    """
    programs = list(g.programs.index) if programs is None else programs
    nodes = node_table(g) if nodes is None else nodes
    needs_plan = bool(((g.lanes["passing"] > 0) & (g.lanes["passing"] < 1)).any()) if len(g.lanes) else False
    planned = planned_lane_flow(g, build_sourcing(g)) if needs_plan else None
    st = Structure(g, planned)
    rows = []
    for prog in programs:
        roots_s = g.program_roots(prog)
        item = g.programs.loc[prog, "item"]
        roots = [(str(s), item) for s in roots_s.index]
        sinks = pd.Series(roots_s.to_numpy(float), index=pd.MultiIndex.from_tuples(roots))
        lp = build_flow_lp(g, planned, stock=False, demand=False, sinks=sinks)
        cost = np.zeros(lp.n_cols)
        cost[lp.sink_cols] = 1.0
        lo = np.zeros(lp.n_cols)
        lo[lp.t_col] = 1.0
        hi = lp.col_hi.copy()
        hi[lp.t_col] = 1.0
        h = lp.highs(cost, maximize=True, col_lo=lo, col_hi=hi)
        base = _max(h)
        for node, site, nitem, procs in nodes[["node", "site", "item", "processes"]].itertuples(index=False):
            if site in roots_s.index:
                continue
            idx = lp.processes.get_indexer(list(procs)).astype(np.int32)
            h.changeColsBounds(len(idx), idx, np.zeros(len(idx)), np.zeros(len(idx)))
            left = _max(h)
            h.changeColsBounds(len(idx), idx, np.zeros(len(idx)), np.full(len(idx), INF))
            single = base > 0 and not program_alive(st, roots, frozenset(procs))
            frac = left / base if base > 0 else np.nan
            drop = 1.0 - frac if base > 0 else np.nan
            if base > 0 and drop > 1e-9:
                # strictly more than `near` (HiGHS's feasibility tolerance aside)
                rows.append({"program": prog, "node": node, "site": site, "item": nitem, "output_left": frac, "drop": drop, "single_point": single, "near": (not single) and drop > near + 1e-9})
        if progress:
            progress(1)
    df = pd.DataFrame(rows, columns=[c for c in SPOF_COLUMNS if c not in ("name", "country", "kind")])
    df["name"] = df["site"].map(g.sites["name"])
    df["country"] = df["site"].map(g.sites["country"])
    df["kind"] = df["site"].map(g.sites["kind"])
    return df[SPOF_COLUMNS].sort_values(["program", "drop", "node"], ascending=[True, False, True]).reset_index(drop=True)


def max_output(g: SupplyGraph, program: str, removed: list[str] = ()) -> float:
    """Maximum output per period of a program with the given processes removed (no stock)."""
    roots_s = g.program_roots(program)
    item = g.programs.loc[program, "item"]
    sinks = pd.Series(roots_s.to_numpy(float), index=pd.MultiIndex.from_tuples([(str(s), item) for s in roots_s.index]))
    lp = build_flow_lp(g, None, stock=False, demand=False, sinks=sinks)
    cost = np.zeros(lp.n_cols)
    cost[lp.sink_cols] = 1.0
    lo, hi = np.zeros(lp.n_cols), lp.col_hi.copy()
    lo[lp.t_col] = hi[lp.t_col] = 1.0
    hi[lp.processes.get_indexer(list(removed))] = 0.0
    return _max(lp.highs(cost, maximize=True, col_lo=lo, col_hi=hi))


def _max(h: highspy.Highs) -> float:
    h.run()
    st = h.getModelStatus()
    if st != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"max-output LP: HiGHS status {h.modelStatusToString(st)}")
    return float(h.getInfo().objective_function_value)
