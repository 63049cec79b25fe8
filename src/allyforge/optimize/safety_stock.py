"""Safety-stock placement by the guaranteed-service model (Graves & Willems 2000).

Each stage i quotes an outbound service time S_i to its customers and is quoted an
inbound service time SI_i by its suppliers (SI_j >= S_i on every arc i -> j); it holds
safety stock z * sigma_i * sqrt(SI_i + T_i - S_i) against demand over its net
replenishment time. The holding cost of that stock is concave in the net
replenishment time, so the problem is a concave minimisation over a polyhedron;
with integer service times it becomes an exact MILP: for every stage one binary per
feasible integer value m_i = SI_i - S_i picks the value, and the square root is
evaluated there exactly. S and SI themselves can stay continuous: once every m_i is
fixed the remaining system is a set of difference constraints with integer data, so
an integral solution exists whenever any solution does. This works on any acyclic
network (not only trees, which is all the classical dynamic programme handles).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

_EPS = 1e-9


@dataclass(frozen=True)
class GSMProblem:
    """A guaranteed-service instance.

    stages: indexed by stage id with columns
        processing_time  T_i (>= 0, any real; service times are integers)
        holding_cost     cost per unit of safety stock per time (h_i)
        sigma            standard deviation of demand per unit time the stage sees
        max_service_time upper bound on S_i (NaN: none), e.g. a demand stage's promise
        inbound_service_time  SI of a stage without predecessors (NaN: 0)
        nrt_cap          upper bound on SI_i + T_i - S_i (NaN: none)
    arcs: columns `from`, `to` (supplier -> customer).
    z: safety factor (a scalar: the service level's normal quantile).
    """

    stages: pd.DataFrame
    arcs: pd.DataFrame
    z: float
    name: str = ""

    def __post_init__(self) -> None:
        idx = self.stages.index
        if not idx.is_unique:
            raise ValueError("stage ids must be unique")
        unknown = set(self.arcs["from"]) | set(self.arcs["to"])
        unknown -= set(idx)
        if unknown:
            raise ValueError(f"arcs name unknown stages: {sorted(unknown)[:5]}")
        need = {"processing_time", "holding_cost", "sigma"}
        if missing := need - set(self.stages.columns):
            raise ValueError(f"stage table lacks columns {sorted(missing)}")

    def topological_order(self) -> np.ndarray:
        """Stage positions, suppliers before customers; raises on a cycle."""
        n = len(self.stages)
        pos = self.stages.index.get_indexer
        f, t = pos(self.arcs["from"]), pos(self.arcs["to"])
        indeg = np.bincount(t, minlength=n)
        succ = sp.csr_matrix((np.ones(len(f)), (f, t)), shape=(n, n))
        order, ready = [], list(np.flatnonzero(indeg == 0))
        indeg = indeg.copy()
        while ready:
            i = ready.pop()
            order.append(i)
            for j in succ.indices[succ.indptr[i] : succ.indptr[i + 1]]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    ready.append(j)
        if len(order) != n:
            raise ValueError("the stage network has a cycle; the guaranteed-service model needs an acyclic network")
        return np.asarray(order)


@dataclass
class GSMSolution:
    """Service times and safety stocks per stage, with the solver's proof of quality."""

    stages: pd.DataFrame  # S, SI, nrt, safety_stock, cost
    cost: float
    bound: float
    status: str
    seconds: float
    binaries: int
    solver_settings: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative MIP gap (0 when proven optimal)."""
        return 0.0 if self.cost == 0 else max(0.0, (self.cost - self.bound) / abs(self.cost))

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"


def longest_path(problem: GSMProblem) -> np.ndarray:
    """Longest processing-time path ending at each stage (T_i included)."""
    st = problem.stages
    T = st["processing_time"].to_numpy(float)
    pos = st.index.get_indexer
    f, t = pos(problem.arcs["from"]), pos(problem.arcs["to"])
    preds = _adjacency(t, f, len(st))
    L = np.zeros(len(st))
    for i in problem.topological_order():
        p = preds[i]
        L[i] = T[i] + (L[p].max() if len(p) else 0.0)
    return L


def propagate_sigma(own_sd: np.ndarray, arcs_from: np.ndarray, arcs_to: np.ndarray, order: np.ndarray) -> np.ndarray:
    """sigma_i^2 = own_i^2 + sum of sigma_succ^2 (independent demands; paths counted with multiplicity)."""
    n = len(own_sd)
    succ = _adjacency(arcs_from, arcs_to, n)
    var = np.nan_to_num(np.asarray(own_sd, float)) ** 2
    for i in order[::-1]:
        s = succ[i]
        if len(s):
            var[i] += var[s].sum()
    return np.sqrt(var)


def _adjacency(a: np.ndarray, b: np.ndarray, n: int) -> list[np.ndarray]:
    """For each node x, the array of b over arcs with a == x."""
    order = np.argsort(a, kind="stable")
    a_s, b_s = np.asarray(a)[order], np.asarray(b)[order]
    bounds = np.searchsorted(a_s, np.arange(n + 1))
    return [b_s[bounds[k] : bounds[k + 1]] for k in range(n)]


def _bounds(problem: GSMProblem) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Integer bounds on S, SI and m = SI - S per stage, in topological order."""
    st = problem.stages
    n = len(st)
    T = st["processing_time"].to_numpy(float)
    floorT = np.floor(T + _EPS)
    smax = st["max_service_time"].to_numpy(float) if "max_service_time" in st else np.full(n, np.nan)
    si_ext = st["inbound_service_time"].to_numpy(float) if "inbound_service_time" in st else np.full(n, np.nan)
    cap = st["nrt_cap"].to_numpy(float) if "nrt_cap" in st else np.full(n, np.nan)
    pos = st.index.get_indexer
    f, t = pos(problem.arcs["from"]), pos(problem.arcs["to"])
    preds = _adjacency(t, f, n)
    s_lo, s_hi = np.zeros(n), np.zeros(n)
    si_lo, si_hi = np.zeros(n), np.zeros(n)
    for i in problem.topological_order():
        p = preds[i]
        if len(p):
            si_lo[i], si_hi[i] = s_lo[p].max(), s_hi[p].max()
        else:
            v = 0.0 if np.isnan(si_ext[i]) else math.floor(si_ext[i] + _EPS)
            si_lo[i] = si_hi[i] = v
        # S <= SI + floor(T) (net replenishment time >= 0), S <= max service time
        hi = si_hi[i] + floorT[i]
        if not np.isnan(smax[i]):
            hi = min(hi, math.floor(smax[i] + _EPS))
        if hi < 0:
            raise ValueError(f"stage {st.index[i]!r}: no non-negative service time fits its bounds")
        s_hi[i] = hi
    m_lo = np.maximum(-floorT, si_lo - s_hi)
    m_hi = si_hi - s_lo
    has_cap = ~np.isnan(cap)
    m_hi[has_cap] = np.minimum(m_hi[has_cap], np.floor(cap[has_cap] - T[has_cap] + _EPS))
    if np.any(m_hi < m_lo):
        bad = st.index[np.flatnonzero(m_hi < m_lo)[0]]
        raise ValueError(f"stage {bad!r}: its net replenishment-time cap leaves no feasible service time")
    return s_lo, s_hi, si_lo, si_hi, m_lo, m_hi


def solve_gsm(
    problem: GSMProblem,
    *,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
    threads: int = 1,
    seed: int = 0,
    verbose: bool = False,
) -> GSMSolution:
    """Minimise total safety-stock holding cost exactly (HiGHS MILP, deterministic settings)."""
    import highspy

    t_start = time.perf_counter()
    st = problem.stages
    n = len(st)
    T = st["processing_time"].to_numpy(float)
    weight = problem.z * st["holding_cost"].to_numpy(float) * st["sigma"].to_numpy(float)
    s_lo, s_hi, si_lo, si_hi, m_lo, m_hi = _bounds(problem)
    pos = st.index.get_indexer
    f, t = pos(problem.arcs["from"]), pos(problem.arcs["to"])

    # columns: S (n), SI (n), then one binary per (stage with weight > 0, value of m)
    priced = np.flatnonzero(weight > 0)
    counts = (m_hi[priced] - m_lo[priced] + 1).astype(int)
    y_stage = np.repeat(priced, counts)
    y_m = np.concatenate([np.arange(m_lo[i], m_hi[i] + 1) for i in priced]) if len(priced) else np.zeros(0)
    ny = len(y_stage)
    y_cost = weight[y_stage] * np.sqrt(np.maximum(T[y_stage] + y_m, 0.0))
    ncol = 2 * n + ny
    col_cost = np.concatenate([np.zeros(2 * n), y_cost])
    col_lo = np.concatenate([s_lo, si_lo, np.zeros(ny)])
    col_hi = np.concatenate([s_hi, si_hi, np.ones(ny)])

    rows, cols, vals, r_lo, r_hi = [], [], [], [], []
    r = 0
    # arcs: SI_to - S_from >= 0
    na = len(f)
    rr = np.arange(na)
    rows += [rr, rr]
    cols += [n + t, f]
    vals += [np.ones(na), -np.ones(na)]
    r_lo.append(np.zeros(na))
    r_hi.append(np.full(na, np.inf))
    r += na
    # priced stages: SI - S - sum_k m_k y_k = 0 ; sum_k y_k = 1
    npr = len(priced)
    link = r + np.arange(npr)
    rows += [link, link, r + np.searchsorted(priced, y_stage)]
    cols += [n + priced, priced, 2 * n + np.arange(ny)]
    vals += [np.ones(npr), -np.ones(npr), -y_m]
    r_lo.append(np.zeros(npr))
    r_hi.append(np.zeros(npr))
    r += npr
    rows.append(r + np.searchsorted(priced, y_stage))
    cols.append(2 * n + np.arange(ny))
    vals.append(np.ones(ny))
    r_lo.append(np.ones(npr))
    r_hi.append(np.ones(npr))
    r += npr
    # unpriced stages: m_lo <= SI - S <= m_hi
    free = np.flatnonzero(weight <= 0)
    nf = len(free)
    fr = r + np.arange(nf)
    rows += [fr, fr]
    cols += [n + free, free]
    vals += [np.ones(nf), -np.ones(nf)]
    r_lo.append(m_lo[free])
    r_hi.append(m_hi[free])
    r += nf

    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, ncol))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, r
    lp.col_cost_ = col_cost
    lp.col_lower_, lp.col_upper_ = col_lo, col_hi
    lp.row_lower_, lp.row_upper_ = np.concatenate(r_lo), np.concatenate(r_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * (2 * n) + [highspy.HighsVarType.kInteger] * ny
    h = highspy.Highs()
    settings = {"threads": threads, "random_seed": seed, "mip_rel_gap": mip_gap, "mip_abs_gap": 1e-9, "presolve": "on"}
    if time_limit is not None:
        settings["time_limit"] = float(time_limit)
    h.setOptionValue("output_flag", verbose)
    for k, v in settings.items():
        h.setOptionValue(k, v)
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible point
        raise RuntimeError(f"no feasible service times found ({h.modelStatusToString(status)})")
    x = np.asarray(h.getSolution().col_value)
    S, SI = np.round(x[:n]), np.round(x[n : 2 * n])
    _check_integral(problem, S, SI, T, f, t)
    nrt = SI + T - S
    ss = problem.z * st["sigma"].to_numpy(float) * np.sqrt(np.maximum(nrt, 0))
    cost_i = st["holding_cost"].to_numpy(float) * ss
    out = pd.DataFrame({"S": S, "SI": SI, "nrt": nrt, "safety_stock": ss, "cost": cost_i}, index=st.index)
    opt = status == highspy.HighsModelStatus.kOptimal
    bound = float(info.mip_dual_bound) if ny else float(cost_i.sum())
    return GSMSolution(
        stages=out,
        cost=float(cost_i.sum()),
        bound=bound,
        status="optimal" if opt else h.modelStatusToString(status).lower(),
        seconds=time.perf_counter() - t_start,
        binaries=ny,
        solver_settings={"solver": "highs", "highs_version": highspy.Highs().version(), **settings},
    )


def _check_integral(problem: GSMProblem, S: np.ndarray, SI: np.ndarray, T: np.ndarray, f: np.ndarray, t: np.ndarray) -> None:
    """Rounded service times must still satisfy every constraint (they are integral up to
    tolerance: once m is fixed the rest are difference constraints with integer data)."""
    bad = []
    if np.any(SI[t] < S[f] - 1e-6):
        bad.append("an arc's inbound service time is below its supplier's outbound one")
    if np.any(SI + T - S < -1e-6):
        bad.append("a net replenishment time is negative")
    if bad:
        raise RuntimeError(f"{problem.name or 'GSM'}: rounded service times broke a constraint: {'; '.join(bad)}")
