"""The two-stage SAA portfolio by Benders decomposition (L-shaped method, one cut per sample group).

Master (a small MILP): the purchase binaries x with the extensive form's first-stage rows
(Candidate-once, Budget), one variable theta_g per group of identical samples
(`SampleGroups`), minimising  tie-break . x + sum_g w_g theta_g  subject to the cuts.
Subproblem g: the planning LP of group g's sample with every purchase fixed at x^
(`PortfolioBuilder(recourse_only=True)`). Its optimal value Q_g(x^) is convex in x (an
LP's value in its right-hand side), and the reduced costs of the fixed purchase columns
are a subgradient s, so  theta_g >= Q_g(x^) + s . (x - x^)  holds for every x.

The best evaluated x^ gives an upper bound, the master's bound a lower bound; the loop
stops when they are within the gap, so the answer is the SAA optimum of the stated
samples to that gap, as the extensive form's (tests check both against brute force).
Subproblems stay loaded in HiGHS: a re-solve after moving the purchase bounds starts
from the previous basis. Cuts do not depend on budgets, so the Pareto curve's solves
share them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd

from allyforge.optimize.data import PlanningData, SampleGroups, distinct_samples
from allyforge.optimize.planning import PlanningBuilder
from allyforge.optimize.portfolio import (
    DEFAULT_SAA_GAP,
    PortfolioBuilder,
    PortfolioSolution,
    PurchaseOption,
    chosen_frame,
    option_spend,
    option_tie_break,
    shortfall_measures,
)
from allyforge.optimize.solve import SolverFailure, native_stdout_silenced, run_solver


@dataclass
class _Subproblem:
    """One group's recourse LP, loaded in HiGHS: where its purchase and shortfall columns are."""

    highs: highspy.Highs
    buy_cols: np.ndarray  # HiGHS column of each purchase option
    short_cols: np.ndarray  # HiGHS columns of short[d, t], row-major (D, T)
    shape: tuple[int, int]


@dataclass
class _Evaluation:
    value: np.ndarray  # [G] recourse objective per group
    short: np.ndarray  # [G, D, T]


def _options(h: highspy.Highs, seed: int) -> None:
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", int(seed))


class BendersSAA:
    """The SAA over `data`'s samples; `solve(budgets)` may be called for several budgets."""

    def __init__(self, data: PlanningData, options: list[PurchaseOption], *, seed: int = 0, groups: SampleGroups | None = None) -> None:
        self.data, self.options, self.seed = data, options, seed
        self.groups = groups or distinct_samples(data)
        self.weights = self.groups.weights
        self.tie = option_tie_break(data.net, data, options) if options else np.zeros(0)
        self.subs = [self._subproblem(int(rep)) for rep in self.groups.representatives]
        self.cuts: list[tuple[int, float, np.ndarray]] = []  # (group, a, s): theta_g >= a + s . x
        self.evaluated: dict[bytes, _Evaluation] = {}
        self.nothing = self._evaluate(np.zeros(len(options)))  # buying nothing: always within budget
        # the master's unit of theta: the steepest first cut over 1e3 (keeps its coefficients near 1)
        self.scale = max(1.0, max((float(np.abs(sl).max(initial=0.0)) for _, _, sl in self.cuts), default=0.0) / 1e3)

    # --- subproblems ---------------------------------------------------------------------
    def _subproblem(self, sample: int) -> _Subproblem:
        d = PlanningData(self.data.drivers, np.array([sample]), self.data.extra_stockpiles)
        zero: dict[str, int] = {}
        b = PortfolioBuilder(d, self.options, None, fixed=zero, recourse_only=True)
        pm = b.build()
        if pm.extra.get("relaxed_partial"):
            # licences on uncapped lanes pass their share of this sample's flow without the rule (as the extensive form)
            ref = PlanningBuilder(d)
            run_solver(ref.build(), "highs", self.seed)
            b = PortfolioBuilder(d, self.options, None, fixed=zero, recourse_only=True, licence_reference=ref.ship.solution.to_numpy())
            pm = b.build()
        m = pm.model
        m.constraints.sanitize_zeros()  # as linopy's Model.solve does before handing over
        m.constraints.sanitize_infinities()
        with native_stdout_silenced():
            h = m.to_highspy()
        _options(h, self.seed)
        col = pd.Index(np.asarray(m.matrices.vlabels))
        buy = col.get_indexer(b.labels(b.buy)) if self.options else np.zeros(0, np.int64)
        short = b.labels(b.short)[0]
        short_cols = col.get_indexer(short.ravel())
        if (buy < 0).any() or (short_cols < 0).any():
            raise RuntimeError("a purchase or shortfall variable is missing from the exported subproblem")
        return _Subproblem(h, buy.astype(np.int32), short_cols, short.shape)

    def _solve_sub(self, g: int, x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """(Q_g(x), subgradient in x, short [D, T]) with the purchases fixed at x."""
        sub = self.subs[g]
        h = sub.highs
        if len(x):
            h.changeColsBounds(len(x), sub.buy_cols, x.astype(float), x.astype(float))
        with native_stdout_silenced():
            h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverFailure(f"HiGHS stopped on the recourse LP of sample {self.groups.representatives[g]}: {h.modelStatusToString(status)}")
        sol = h.getSolution()
        slope = np.asarray(sol.col_dual)[sub.buy_cols] if len(x) else np.zeros(0)
        short = np.asarray(sol.col_value)[sub.short_cols].reshape(sub.shape)
        return float(h.getInfo().objective_function_value), slope, np.maximum(short, 0.0)

    def _cut_at(self, x: np.ndarray) -> _Evaluation:
        """Solve every group's recourse at x (binary or not) and keep the cuts."""
        G = len(self.subs)
        value = np.zeros(G)
        shorts = []
        for g in range(G):
            q, s, short = self._solve_sub(g, x)
            value[g] = q
            shorts.append(short)
            self.cuts.append((g, q - float(s @ x), s))
        return _Evaluation(value, np.stack(shorts))

    def _evaluate(self, x: np.ndarray) -> _Evaluation:
        """The recourse at a binary x (cached: candidate incumbents)."""
        key = x.astype(np.int8).tobytes()
        if key not in self.evaluated:
            self.evaluated[key] = self._cut_at(x)
        return self.evaluated[key]

    def total(self, x: np.ndarray, ev: _Evaluation) -> float:
        return float(self.tie @ x + self.weights @ ev.value)

    # --- master --------------------------------------------------------------------------
    def _master(self, once: list[np.ndarray], spend: np.ndarray, cap: np.ndarray, time_limit: float | None,
                start: np.ndarray | None = None) -> tuple[np.ndarray, float, bool]:
        """(x, lower bound on tie . x + w . Q(x), solved to optimality) of the master over the cuts so far.

        Written in well-scaled units, which HiGHS's absolute tolerances need (recourse values
        here reach 1e9-1e10 and cut slopes 1e9): phi_g = (theta_g - Q_g(0)) / scale with
        Q_g(0) the recourse of buying nothing, and each budget row divided by its cap."""
        O, G = len(self.options), len(self.subs)
        q0, scale = self.nothing.value, self.scale
        h = highspy.Highs()
        _options(h, self.seed)
        h.setOptionValue("mip_rel_gap", 1e-9)
        if time_limit is not None:
            h.setOptionValue("time_limit", max(float(time_limit), 0.1))
        inf = highspy.kHighsInf
        h.addVars(O + G, np.r_[np.zeros(O), np.full(G, -inf)], np.r_[np.ones(O), np.full(G, inf)])
        h.changeColsIntegrality(O, np.arange(O, dtype=np.int32), np.ones(O, dtype=np.uint8))  # 1: integer
        h.changeColsCost(O + G, np.arange(O + G, dtype=np.int32), np.r_[self.tie / scale, self.weights])
        for cols in once:  # Candidate-once
            h.addRow(-inf, 1.0, len(cols), cols.astype(np.int32), np.ones(len(cols)))
        for k in range(len(cap)):  # Budget per party-year
            nz = np.flatnonzero(spend[k])
            r = max(float(cap[k]), float(spend[k].max(initial=0.0)), 1.0)
            h.addRow(-inf, float(cap[k]) / r, len(nz), nz.astype(np.int32), spend[k, nz] / r)
        for g, a, sl in self.cuts:  # phi_g - (s / scale) . x >= (a - Q_g(0)) / scale
            nz = np.flatnonzero(sl)
            h.addRow((a - q0[g]) / scale, inf, len(nz) + 1, np.r_[O + g, nz].astype(np.int32), np.r_[1.0, -sl[nz] / scale])
        if start is not None:  # the incumbent (with its cut values) as HiGHS's first solution
            phi = np.full(G, -np.inf)
            for g, a, sl in self.cuts:
                phi[g] = max(phi[g], (a - q0[g] + float(sl @ start)) / scale)
            sol = highspy.HighsSolution()
            sol.col_value = np.r_[start, phi].tolist()
            h.setSolution(sol)
        with native_stdout_silenced():
            h.run()
        status = h.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit) or h.getInfo().primal_solution_status != 2:  # 2: feasible
            raise SolverFailure(f"HiGHS stopped on the Benders master: {h.modelStatusToString(status)}")
        x = np.round(np.asarray(h.getSolution().col_value)[:O])
        bound = float(self.weights @ q0) + scale * float(h.getInfo().mip_dual_bound)
        return x, bound, status == highspy.HighsModelStatus.kOptimal

    # --- the loop ------------------------------------------------------------------------
    def evaluate(self, fixed: dict[str, int]) -> PortfolioSolution:
        """The recourse with every purchase fixed (1 for the labels given, 0 otherwise), budgets aside."""
        x = np.array([float(fixed.get(o.label, 0)) for o in self.options])
        ev = self._evaluate(x)
        return self._solution(x, ev, {"condition": "optimal", "iterations": 0, "gap": 0.0, "seconds": 0.0})

    def solve(self, budgets: pd.DataFrame, time_limit: float | None = None, mip_gap: float = DEFAULT_SAA_GAP) -> PortfolioSolution:
        t0 = time.perf_counter()
        O = len(self.options)
        x = np.zeros(O)
        if not O:
            return self._solution(x, self._evaluate(x), {"condition": "optimal", "iterations": 0, "gap": 0.0, "seconds": time.perf_counter() - t0})
        keys, spend, cap = option_spend(self.data.net, self.options, budgets)
        cands = pd.Index([o.candidate for o in self.options])
        once = [np.flatnonzero(cands == c) for c in dict.fromkeys(cands)]
        feasible = lambda z: bool((spend @ z <= cap + 1e-9 * np.maximum(1.0, cap)).all())  # noqa: E731
        best_x, best_ev = x, self.nothing
        for key, ev in self.evaluated.items():  # what earlier budgets evaluated, when it fits these
            z = np.frombuffer(key, np.int8).astype(float)
            if feasible(z) and self.total(z, ev) < self.total(best_x, best_ev):
                best_x, best_ev = z, ev
        lower, iterations, condition = -np.inf, 0, "optimal"
        while True:
            upper = self.total(best_x, best_ev)
            if upper - lower <= mip_gap * max(1.0, abs(upper)):
                break
            left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
            if left is not None and left <= 0:
                condition = "time_limit"
                break
            xm, bound, proven = self._master(once, spend, cap, left, start=best_x)
            lower = max(lower, bound)
            iterations += 1
            seen = xm.astype(np.int8).tobytes() in self.evaluated
            ev = self._evaluate(xm)
            if self.total(xm, ev) < upper and feasible(xm):  # (HiGHS's tolerance could pass a spend a hair over a cap)
                best_x, best_ev = xm, ev
            if seen and proven:  # the master's optimum is a point already cut exactly there: bounds meet
                lower = max(lower, min(self.total(best_x, best_ev), bound))
                break
            if not proven:
                condition = "time_limit"
                break
        upper = self.total(best_x, best_ev)
        gap = max(0.0, upper - lower) / max(1.0, abs(upper))
        return self._solution(best_x, best_ev, {"condition": condition, "iterations": iterations, "gap": gap, "seconds": time.perf_counter() - t0,
                                                "mip_rel_gap": mip_gap, "party_years": keys})

    def _solution(self, x: np.ndarray, ev: _Evaluation, info: dict) -> PortfolioSolution:
        unmet, up = shortfall_measures(ev.short, self.data.drivers.demands["backorder"].to_numpy(bool))
        settings = {"solver": "highs", "method": "benders", "status": "ok", "threads": 1, "random_seed": self.seed,
                    "groups": len(self.subs), "cuts": len(self.cuts), **info}
        return PortfolioSolution(chosen_frame(self.options, x, self.data.periods), self.total(x, ev),
                                 self.groups.expand(unmet), self.groups.expand(up), settings)
