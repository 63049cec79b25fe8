"""Solving planning models deterministically, reading the plan back, explaining infeasibility."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from allyforge.network import Network
from allyforge.optimize.data import PlanningData
from allyforge.optimize.planning import PlanningBuilder, PlanningModel
from allyforge.scenario import Drivers, Scenario, resolve


class InfeasibleError(ValueError):
    """The data admit no plan; `.explanation` names an irreducible infeasible subset of constraints."""

    def __init__(self, explanation: list[str]) -> None:
        self.explanation = explanation
        super().__init__("no plan satisfies every constraint; an irreducible infeasible subset:\n  " + "\n  ".join(explanation))


class SolverFailure(RuntimeError):
    """The solver stopped without a usable solution (time limit, numerical trouble)."""


@contextmanager
def native_stdout_silenced() -> Iterator[None]:
    """Solver libraries print banners from C++ straight to file descriptor 1 (before any option
    can silence them); keep them out of our tables and JSON."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured streams (tests) have no descriptor to guard
        yield
        return
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            try:
                yield
            finally:
                sys.stdout.flush()
                os.dup2(saved, fd)
    finally:
        os.close(saved)


def solver_options(solver: str, seed: int = 0, time_limit: float | None = None, mip_gap: float | None = None) -> dict:
    """Deterministic settings: one thread and a fixed seed where the solver has them."""
    if solver == "highs":
        o = {"threads": 1, "random_seed": seed, "output_flag": False}
        if time_limit is not None:
            o["time_limit"] = float(time_limit)
        if mip_gap is not None:
            o["mip_rel_gap"] = float(mip_gap)
        return o
    if solver == "gurobi":
        o = {"Threads": 1, "Seed": seed, "OutputFlag": 0}
        if time_limit is not None:
            o["TimeLimit"] = float(time_limit)
        if mip_gap is not None:
            o["MIPGap"] = float(mip_gap)
        return o
    if solver == "cbc":
        return {"threads": 1, "randomSeed": seed} | ({"sec": time_limit} if time_limit else {})
    return {}


def run_solver(pm: PlanningModel, solver: str = "highs", seed: int = 0, time_limit: float | None = None, mip_gap: float | None = None) -> dict:
    """Solve in place; raise InfeasibleError with names, SolverFailure otherwise. Returns the settings used."""
    import linopy

    if solver not in linopy.available_solvers:
        raise ValueError(f"solver {solver!r} is not installed; linopy finds: {', '.join(linopy.available_solvers)}")
    opts = solver_options(solver, seed, time_limit, mip_gap)
    t0 = time.perf_counter()
    extra = {"io_api": "direct"} if solver in ("highs", "gurobi") else {}  # hand matrices over, no LP file
    with native_stdout_silenced():
        status, condition = pm.model.solve(solver_name=solver, progress=False, **extra, **opts)
    secs = time.perf_counter() - t0
    if condition in ("infeasible", "infeasible_or_unbounded"):
        if any(pm.model.variables[v].attrs.get("binary") or pm.model.variables[v].attrs.get("integer") for v in pm.model.variables):
            # an IIS is an LP notion; MILPs are explained by their callers through elastic slacks
            raise InfeasibleError(["the mixed-integer model is infeasible (see the elastic explanation)"])
        raise InfeasibleError(explain_infeasibility(pm))
    if condition == "time_limit":
        if not _has_feasible_solution(pm, solver):  # (linopy then reports status ok with a zero "solution")
            raise SolverFailure(f"{solver} stopped at the time limit ({time_limit or '?'} s) without a feasible solution")
    elif status != "ok" or condition != "optimal":
        raise SolverFailure(f"{solver} stopped: status {status}, condition {condition}")
    return {"solver": solver, "status": status, "condition": condition, "seconds": secs, **{k: v for k, v in opts.items() if k != "output_flag"}}


def _has_feasible_solution(pm: PlanningModel, solver: str) -> bool:
    """Whether a solve stopped early holds a feasible point (its best found), not a placeholder."""
    value = pm.model.objective.value
    if value is None or not np.isfinite(value):
        return False
    if solver == "highs" and pm.model.solver_model is not None:
        return pm.model.solver_model.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    return True


def _iis(h) -> tuple[list[int], list[int]]:  # noqa: ANN001 - a highspy.Highs
    """HiGHS's IIS, across highspy's two call styles (1.12 fills an object; later ones return it)."""
    import highspy

    try:
        _, iis = h.getIis()
    except TypeError:
        iis = highspy.HighsIis()
        h.getIis(iis)
    rows = getattr(iis, "row_index_", None)
    cols = getattr(iis, "col_index_", None)
    if rows is None:
        rows, cols = iis.row_index, iis.col_index
    if not len(rows) and not len(cols) and h.getOptionValue("iis_strategy") != 1:
        # HiGHS 1.12 numbers its strategies differently: 1 = from the LP, row priority
        h.setOptionValue("iis_strategy", 1)
        h.run()
        return _iis(h)
    return list(rows), list(cols)


def explain_infeasibility(pm: PlanningModel) -> list[str]:
    """An irreducible infeasible subset in business names (HiGHS IIS on the model's matrices).

    Rows are named as constraints (`Demand-must-meet[us-army/missile/US, 2026-03]`); the
    variable bounds in the subset (almost always non-negativity) are summarised per family.
    """
    import highspy

    m = pm.model
    with native_stdout_silenced():
        h = m.to_highspy()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("iis_strategy", 4)  # irreducible subset, not only a ray's support
        h.run()
        rows, cols = _iis(h)
    M = m.matrices
    clabels, vlabels = np.asarray(M.clabels), np.asarray(M.vlabels)
    out = [pm.describe(*m.constraints.get_label_position(int(clabels[r]))) for r in rows]
    lb, ub = np.asarray(M.lb), np.asarray(M.ub)
    fams: dict[str, int] = {}
    for c in cols:
        name, coords = m.variables.get_label_position(int(vlabels[c]))
        if lb[c] == 0 and np.isinf(ub[c]):
            fams[name] = fams.get(name, 0) + 1
        else:
            out.append(pm.describe(name, coords) + f" bounds [{lb[c]:g}, {ub[c]:g}]")
    out += [f"{name} >= 0 ({n} of them)" for name, n in fams.items()]
    if not rows and not cols:
        out.append(f"HiGHS {highspy.Highs().version()} found the model infeasible but returned no subset")
    return out


@dataclass
class Plan:
    """The best plan for a scenario sample: tidy frames per entity and period, plus totals."""

    objective: float
    status: str
    solver: dict
    flows: dict[str, pd.DataFrame]  # runs, ship, stock, reserve, release, deliver, short (sample, entity, period, value)
    summary: pd.DataFrame  # per demand stream: required, delivered, shortfall (units x periods), first short period
    portfolio: pd.DataFrame | None = None  # chosen candidates: candidate, kind, target, party, fiscal_year, period, effective, cost, currency
    portfolio_costs: pd.DataFrame | None = None  # by party and fiscal year, in the party's currency and in base
    evaluation: pd.DataFrame | None = None  # expected and P90 shortfall before/after (simulator, fresh seeds) and in sample
    pareto: pd.DataFrame | None = None  # budget scale, cost, candidates, shortfall
    budgets: pd.DataFrame | None = None
    cost_per_unit_avoided: dict | None = None  # base currency per unit of expected shortfall avoided, per measure
    invest_scenario: Scenario | None = None  # the scenario with the portfolio as invest events
    extra: dict = field(default_factory=dict)

    @property
    def total_shortfall(self) -> float:
        return float(self.summary["shortfall"].sum())


def _frame(var, value_name: str = "value") -> pd.DataFrame:
    sol = var.solution
    df = sol.to_dataframe(name=value_name).reset_index()
    return df


def read_plan(pm: PlanningModel, solver: dict) -> Plan:
    b = pm.extra["builder"]
    flows = {}
    for name in ("runs", "ship", "stock", "deliver", "short", "reserve", "release"):
        if hasattr(b, name):
            flows[name] = _frame(getattr(b, name))
    d = pm.data
    dem = d.drivers.demands
    due = d.demand.mean(axis=0)
    short_end = b.short.solution.mean("sample").to_numpy()
    back = dem["backorder"].to_numpy(bool)
    delivered = b.deliver.solution.mean("sample").to_numpy()
    # shortfall per S10.3: backlog at the end of each period + lost; a stream's figure is the sum over periods
    summary = pd.DataFrame(
        {
            "site": dem["site"], "item": dem["item"], "party": dem["party"], "priority": dem["priority"],
            "required": due.sum(axis=1), "delivered": delivered.sum(axis=1),
            "shortfall": short_end.sum(axis=1),
            "unmet_at_end": np.where(back, short_end[:, -1], short_end.sum(axis=1)),
        }
    )
    summary["first_short_period"] = [d.periods[int(np.argmax(r > 1e-9))] if (r > 1e-9).any() else None for r in short_end]
    return Plan(objective=float(pm.model.objective.value), status=solver.get("condition", ""), solver=solver, flows=flows, summary=summary)


def solve_planning(
    network: Network,
    scenario: Scenario | Drivers,
    *,
    sample: int = 0,
    solver: str = "highs",
    seed: int = 0,
    must_meet_priority: int | None = None,
    time_limit: float | None = None,
) -> Plan:
    """The planning LP for one sample of a scenario (the scenario's draws for `sample`)."""
    drv = scenario if isinstance(scenario, Drivers) else resolve(network, scenario, samples=np.array([sample]))
    data = PlanningData(drv, np.array([sample]))
    b = PlanningBuilder(data, must_meet_priority=must_meet_priority)
    pm = b.build()
    pm.extra["builder"] = b
    settings = run_solver(pm, solver, seed, time_limit)
    if pm.extra.get("relaxed_partial"):
        # licences and part-period bans on uncapped lanes pass their share of the unrestricted flow
        ref = b.ship.solution.to_numpy()
        b = PlanningBuilder(data, licence_reference=ref, must_meet_priority=must_meet_priority)
        pm = b.build()
        pm.extra["builder"] = b
        settings = run_solver(pm, solver, seed, time_limit)
    plan = read_plan(pm, settings)
    plan.extra["model"] = pm
    return plan
