"""`allyforge.schedule(network, ...)`: select a year's availabilities, solve, explain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
from ortools.sat.python import cp_model

from allyforge.network import Network
from allyforge.pack.errors import PackError, Problem
from allyforge.schedule.core import STATUS, SolverSettings, gap
from allyforge.schedule.data import MaintenanceData, critical_path_days, from_network
from allyforge.schedule.eligibility import Eligibility, EligibilityRules, eligibility
from allyforge.schedule.greedy import greedy
from allyforge.schedule.model import SCALE, MaintenanceModel, Weights, build_model, dk, task_id
from allyforge.schedule.result import Schedule

DEFAULT_HORIZON_DAYS = 730  # the year's availabilities start in the year and may finish in the next

Progress = Callable[[float, float, float], None]  # (objective, bound, wall seconds)


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self._progress = progress

    def on_solution_callback(self) -> None:
        self._progress(self.ObjectiveValue() / SCALE, self.BestObjectiveBound() / SCALE, self.WallTime())


def schedule(
    network: Network | MaintenanceData,
    *,
    year: int | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    settings: SolverSettings = SolverSettings(),
    rules: EligibilityRules = EligibilityRules(),
    weights: Weights = Weights(),
    warm_start: Schedule | None = None,
    progress: Progress | None = None,
) -> Schedule:
    """Place the availabilities released in `year` at yards and days, minimising weighted
    tardiness plus weighted lost ready-days (see `Weights`).

    Bad data raises PackError (file, row, column); data that admits no schedule returns
    status "infeasible" with the explanation in the model's words.
    """
    data = from_network(network) if isinstance(network, Network) else network
    av = data.availabilities
    if av.empty:
        raise PackError([Problem(data.files["availabilities"], None, None, "no availabilities to schedule")])
    if year is None:
        year = min(r.year for r in av["release"])
    origin = dt.date(year, 1, 1)
    selected = [a for a, r in zip(av["id"], av["release"]) if r.year == year]
    if not selected:
        years = sorted({r.year for r in av["release"]})
        raise PackError([Problem(data.files["availabilities"], None, "release", f"no availability is released in {year} (releases fall in {', '.join(map(str, years))})")])
    _check_horizon(data, selected, origin, horizon_days)
    elig = eligibility(data, rules, origin, horizon_days)
    base = dict(origin=origin, horizon_days=horizon_days, year=year, settings=settings.as_dict(), rules=rules.as_dict(), weights=weights.as_dict(), data=data)
    stuck = [a for a in selected if not elig.options[a]]
    if stuck:
        return _empty("infeasible", base, tuple(_nowhere(data, elig, a) for a in stuck))
    mm = build_model(data, elig, selected, origin, horizon_days, weights)
    if warm_start is not None and warm_start.ok:
        _hint(mm, warm_start, origin)
    else:
        _hint_plan(mm, greedy(data, elig, selected, origin, horizon_days, weights))
    solver = cp_model.CpSolver()
    settings.apply(solver)
    st = solver.Solve(mm.core.model, _Callback(progress) if progress else None)
    status = STATUS.get(st, "unknown")
    if status == "infeasible":
        return _empty("infeasible", base, _explain_conflict(data, elig, selected, origin, horizon_days, weights, settings), solver)
    if status not in ("optimal", "feasible"):
        why = "no schedule found within the time limit" if status == "unknown" else f"solver status {status}"
        return _empty(status, base, (why,), solver)
    packages, avails = _decode(mm, solver, data, selected, origin)
    obj, bnd = solver.ObjectiveValue() / SCALE, solver.BestObjectiveBound() / SCALE
    return Schedule(status=status, packages=packages, availabilities=avails, objective=obj, bound=bnd, gap=gap(obj, bnd), wall_time=solver.WallTime(), deterministic_time=solver.deterministic_time, **base)


def _empty(status: str, base: dict, explanation: tuple[str, ...], solver: cp_model.CpSolver | None = None) -> Schedule:
    return Schedule(
        status=status, packages=pd.DataFrame(columns=PACKAGE_COLUMNS), availabilities=pd.DataFrame(columns=AVAIL_COLUMNS),
        objective=None, bound=None, gap=None, wall_time=solver.WallTime() if solver else 0.0,
        deterministic_time=solver.deterministic_time if solver else 0.0, explanation=explanation, **base,
    )


def _check_horizon(data: MaintenanceData, selected: list[str], origin: dt.date, horizon: int) -> None:
    cp = critical_path_days(data)
    end = origin + dt.timedelta(days=horizon)
    probs = []
    for _, r in data.availabilities[data.availabilities["id"].isin(selected)].iterrows():
        if (r["release"] - origin).days + cp[r["id"]] > horizon:
            probs.append(Problem(data.files["availabilities"], r["_row"], "release",
                                 f"availability {r['id']!r} takes at least {cp[r['id']]} days from its release on {r['release']}, past the horizon's end on {end} ({horizon} days from {origin})"))
    if probs:
        raise PackError(probs)


def _label(data: MaintenanceData, availability: str) -> str:
    av = data.availabilities.set_index("id").loc[availability]
    a = data.assets.set_index("id").loc[av["asset"]]
    name = a["name"] if a["name"] else av["asset"]
    return f"{name} ({a['class'] or a['kind']}) availability {availability}"


def _nowhere(data: MaintenanceData, elig: Eligibility, a: str) -> str:
    why = "; ".join(f"{y}: {r}" for y, r in elig.reasons[a].items()) or "no yards in the pack"
    return f"{_label(data, a)} can go nowhere — {why}"


def _explain_conflict(data, elig, selected, origin, horizon, weights, settings: SolverSettings) -> tuple[str, ...]:
    """Every availability fits somewhere alone, but not all together: name a set that conflicts."""
    mm = build_model(data, elig, selected, origin, horizon, weights, assume=True)
    m = mm.core.model
    m.ClearObjective()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = max(5.0, settings.time_limit)
    solver.parameters.random_seed = settings.random_seed
    st = solver.Solve(m)
    end = origin + dt.timedelta(days=horizon)
    if st != cp_model.INFEASIBLE:
        return (f"the availabilities of {origin.year} cannot all be placed by {end}, but no smaller conflicting set was found",)
    lits = set(solver.SufficientAssumptionsForInfeasibility())
    core = [a for a, lit in mm.core.present.items() if lit.Index() in lits]
    yards = sorted({o.yard for a in core for o in elig.options[a]})
    lines = [f"these {len(core)} availabilities cannot all be placed at their eligible yards ({', '.join(yards)}) between their release dates and {end}:"]
    lines += [f"  {_label(data, a)} — released {data.availabilities.set_index('id').loc[a, 'release']}, eligible at {', '.join(o.yard for o in elig.options[a])}" for a in core]
    lines.append("  (they compete for the same docks and workforce; add a dock, shift workforce, or lengthen the horizon)")
    return tuple(lines)


def _hint(mm: MaintenanceModel, prev: Schedule, origin: dt.date) -> None:
    """Warm start: the previous schedule's starts and yards as CP-SAT hints (shifted to this grid)."""
    m, cm = mm.core.model, mm.core
    origin_shift = (prev.origin - origin).days
    for r in prev.packages.itertuples(index=False):
        tid = task_id(r.availability, r.package)
        if tid in cm.start:
            m.AddHint(cm.start[tid], int(r.start_day) + origin_shift)
    for r in prev.availabilities.itertuples(index=False):
        for (g, tag), lit in cm.choice.items():
            if g == r.availability:
                m.AddHint(lit, tag == r.yard)


def _hint_plan(mm: MaintenanceModel, plan: dict) -> None:
    """Hint a greedy plan: yards, package starts and the mode (yard, dock) of each package."""
    m, cm = mm.core.model, mm.core
    tasks = {t.id: t for t in cm.project.tasks}
    for a, (yard, pk) in plan.items():
        for (g, tag), lit in cm.choice.items():
            if g == a:
                m.AddHint(lit, tag == yard)
        for p, (start, dock) in pk.items():
            tid = task_id(a, p)
            m.AddHint(cm.start[tid], int(start))
            t = tasks[tid]
            for lit, md in zip(cm.mode_lits[tid], t.modes):
                if lit.Index() >= 0 and not isinstance(lit, int):
                    want = md.tag == yard and (dock is None or dk(dock) in md.demands)
                    try:
                        m.AddHint(lit, want)
                    except TypeError:
                        pass


PACKAGE_COLUMNS = ["availability", "asset", "package", "yard", "dock", "start", "end", "start_day", "end_day", "duration", "workforce"]
AVAIL_COLUMNS = ["availability", "asset", "kind", "yard", "release", "start", "end", "due", "days_late", "lost_ready_days", "out_of_service_from", "weight"]


def _decode(mm: MaintenanceModel, solver: cp_model.CpSolver, data: MaintenanceData, selected: list[str], origin: dt.date):
    cm = mm.core
    av = data.availabilities.set_index("id")
    kinds = dict(zip(data.assets["id"], data.assets["kind"]))
    day = lambda n: origin + dt.timedelta(days=int(n))  # noqa: E731
    rows = []
    for t in cm.project.tasks:
        k = next(i for i, lit in enumerate(cm.mode_lits[t.id]) if solver.BooleanValue(lit))
        mode = t.modes[k]
        dock = next((r.split(":", 1)[1] for r in mode.demands if r.startswith("dock:")), None)
        s = solver.Value(cm.start[t.id])
        a, p = t.id.split("/", 1)
        wf = next((q for r, q in mode.demands.items() if r.startswith("workforce:")), 0)
        rows.append((a, av.loc[a, "asset"], p, mode.tag, dock, day(s), day(s + t.duration), s, s + t.duration, t.duration, wf))
    packages = pd.DataFrame(rows, columns=PACKAGE_COLUMNS)
    arows = []
    for a in selected:
        asset = av.loc[a, "asset"]
        yard = next(tag for (g, tag), lit in cm.choice.items() if g == a and solver.BooleanValue(lit))
        s, e = solver.Value(mm.span_start[a]), solver.Value(mm.span_end[a])
        release = av.loc[a, "release"]
        oos = day(s) if kinds[asset] == "ship" else max(release, origin)
        arows.append((a, asset, kinds[asset], yard, release, day(s), day(e), av.loc[a, "due"], int(solver.Value(mm.tardiness[a])), int(solver.Value(mm.lost[a])), oos, float(av.loc[a, "weight"])))
    return packages, pd.DataFrame(arows, columns=AVAIL_COLUMNS)


__all__ = ["DEFAULT_HORIZON_DAYS", "EligibilityRules", "Schedule", "SolverSettings", "Weights", "dk", "schedule"]
