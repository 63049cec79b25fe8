"""`allyforge.schedule(network, ...)`: select a year's availabilities, solve, explain."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
from ortools.sat.python import cp_model

from allyforge.network import Network
from allyforge.pack.errors import PackError, Problem
from allyforge.schedule.core import SolverSettings, gap
from allyforge.schedule.data import MaintenanceData, check_data, critical_path_days, from_network
from allyforge.schedule.eligibility import Eligibility, EligibilityRules, eligibility
from allyforge.schedule.greedy import greedy
from allyforge.schedule.parts import PROBE_SHARE, Budget, Part, Progress, components
from allyforge.schedule.model import SCALE, MaintenanceModel, Weights, assign_docks, build_model, dk, dock_pools, holidays_and_shifts, task_id
from allyforge.schedule.workdays import WorkCalendar
from allyforge.schedule.result import Schedule

DEFAULT_HORIZON_DAYS = 730  # the year's availabilities start in the year and may finish in the next
SUBSOLVERS = ("core", "default_lp")  # see SolverSettings

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
    if isinstance(network, Network):
        data = from_network(network)
    else:  # tables built in code or edited by a what-if: the same checks as a pack's
        data = network
        problems = check_data(data)
        if problems:
            raise PackError(problems)
    if settings.subsolvers is None and settings.num_workers > 1:
        settings = replace(settings, subsolvers=SUBSOLVERS)
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
    parts = components(elig, selected)
    sizes = [len(_tasks_of(data, p)) for p in parts]
    runs: list[Part] = []
    used = wall = 0.0
    # pass 1: every part gets its size's share of a quarter of the limit (all of it when
    # there is one part); most parts finish well inside it
    first = Budget(settings.time_limit * (PROBE_SHARE if len(parts) > 1 else 1.0), sizes)
    for k, part in enumerate(parts):
        mm = build_model(data, elig, part, origin, horizon_days, weights)
        if warm_start is not None and warm_start.ok:
            _hint(mm, warm_start, origin, data)
        else:
            _hint_plan(mm, greedy(data, elig, part, origin, horizon_days, weights), data)
        run = Part(part, mm)
        run.solve(settings, first.share(k), progress, runs, wall)
        first.spend(run.dtime)
        used, wall = used + run.dtime, wall + run.wall
        if run.status == "infeasible":
            return _empty("infeasible", base, _explain_conflict(data, elig, part, origin, horizon_days, weights, settings), wall, used)
        if run.status not in ("optimal", "feasible"):
            why = "no schedule found within the time limit" if run.status == "unknown" else f"solver status {run.status}"
            return _empty(run.status, base, (why,), wall, used)
        runs.append(run)
    # pass 2: the parts not yet within the gap limit share what is left, each solved
    # again from its best schedule (a complete hint); its bounds are kept if better
    open_parts = [k for k, r in enumerate(runs) if not r.done(settings.relative_gap_limit)]
    if len(parts) > 1 and open_parts:
        second = Budget(max(settings.time_limit - used, 0.0), [sizes[k] for k in open_parts])
        for i, k in enumerate(open_parts):
            share = second.share(i)
            if share <= 0:
                break
            dt_before = runs[k].dtime
            runs[k].resolve(settings, share, progress, [r for j, r in enumerate(runs) if j != k], wall)
            spent = runs[k].dtime - dt_before
            second.spend(spent)
            used, wall = used + spent, wall + runs[k].last_wall
    packages, avails = _decode([(r.mm, r.best, r.status) for r in runs], data, origin)
    status = "optimal" if all(r.status == "optimal" for r in runs) else "feasible"
    # each part's bound is a valid bound of its part, and the parts share no yard, dock or
    # crew, so their sum bounds the whole: the gap is the gap of the full problem
    obj = sum(r.objective for r in runs) / SCALE
    bnd = sum(r.bound for r in runs) / SCALE
    return Schedule(status=status, packages=packages, availabilities=avails, objective=obj, bound=bnd, gap=gap(obj, bnd), wall_time=wall,
                    deterministic_time=used, parts=tuple(r.info(elig) for r in runs), **base)


def _tasks_of(data: MaintenanceData, part: list[str]) -> list[str]:
    wp = data.work_packages
    return list(wp.loc[wp["availability"].isin(part), "id"])


def _empty(status: str, base: dict, explanation: tuple[str, ...], wall: float = 0.0, dtime: float = 0.0) -> Schedule:
    return Schedule(
        status=status, packages=pd.DataFrame(columns=PACKAGE_COLUMNS), availabilities=pd.DataFrame(columns=AVAIL_COLUMNS),
        objective=None, bound=None, gap=None, wall_time=wall, deterministic_time=dtime, explanation=explanation, **base,
    )


def _check_horizon(data: MaintenanceData, selected: list[str], origin: dt.date, horizon: int) -> None:
    """An availability whose packages cannot end inside the horizon, even started on its
    release at the best yard (holidays pause the work), is a data error."""
    cp = critical_path_days(data)
    end = origin + dt.timedelta(days=horizon)
    kinds = dict(zip(data.assets["id"], data.assets["kind"]))
    cals = {y.id: WorkCalendar(horizon, holidays_and_shifts(data, y.id, int(y.workforce), origin, horizon)[0]) for y in data.yards.itertuples(index=False)}
    serves = dict(zip(data.yards["id"], data.yards["serves"]))
    probs = []
    for _, r in data.availabilities[data.availabilities["id"].isin(selected)].iterrows():
        release = (r["release"] - origin).days
        if release + cp[r["id"]] > horizon:
            probs.append(Problem(data.files["availabilities"], r["_row"], "release",
                                 f"availability {r['id']!r} takes at least {cp[r['id']]} days from its release on {r['release']}, past the horizon's end on {end} ({horizon} days from {origin})"))
            continue
        yards = [y for y in cals if kinds.get(r["asset"]) in serves[y] and (not r["yards"] or y in r["yards"])]
        pk = data.work_packages[data.work_packages["availability"] == r["id"]]
        if yards and all(_earliest_finish(pk, max(release, 0), cals[y]) is None for y in yards):
            probs.append(Problem(data.files["availabilities"], r["_row"], "release",
                                 f"availability {r['id']!r} cannot end by the horizon's end on {end} at any of its yards ({', '.join(yards)}): "
                                 f"{cp[r['id']]} working days from its release on {r['release']} pause over the yards' holidays"))
    if probs:
        raise PackError(probs)


def _earliest_finish(pk: pd.DataFrame, release: int, cal: WorkCalendar) -> int | None:
    """End of the availability's packages, each begun as early as precedence and the
    calendar allow (no other work in the way); None when past the horizon."""
    dur, after = dict(zip(pk["id"], pk["duration"])), dict(zip(pk["id"], pk["after"]))
    end: dict[str, int] = {}
    while len(end) < len(dur):
        for p in dur:
            if p in end or any(q not in end for q in after[p]):
                continue
            t = max([release] + [end[q] for q in after[p]])
            while t < cal.horizon and not cal.working[t]:
                t += 1
            e = cal.end(t, int(dur[p])) if t < cal.horizon else None
            if e is None:
                return None
            end[p] = e
    return max(end.values(), default=release)


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


def _pool_of(data: MaintenanceData) -> dict[str, str]:
    return {k: p for p, ks in dock_pools(data).items() for k in ks}


def _hint_modes(mm: MaintenanceModel, tid: str, yard: str, dock: str | None, pool_of: dict[str, str]) -> None:
    m, cm = mm.core.model, mm.core
    t = cm.tasks[tid]
    if len(t.modes) == 1 and t.group is None:
        return  # its one mode is a constant
    for lit, md in zip(cm.mode_lits[tid], t.modes):
        m.AddHint(lit, md.tag == yard and (dock is None or pool_of.get(dock) in md.demands))


def _hint(mm: MaintenanceModel, prev: Schedule, origin: dt.date, data: MaintenanceData) -> None:
    """Warm start: the previous schedule's starts, ends, yards and docks as CP-SAT hints (shifted to this grid)."""
    m, cm = mm.core.model, mm.core
    shift = (prev.origin - origin).days
    pool_of = _pool_of(data)
    for r in prev.packages.itertuples(index=False):
        tid = task_id(r.availability, r.package)
        if tid in cm.start:
            m.AddHint(cm.start[tid], int(r.start_day) + shift)
            m.AddHint(cm.end[tid], int(r.end_day) + shift)
            _hint_modes(mm, tid, r.yard, r.dock if isinstance(r.dock, str) else None, pool_of)
    for r in prev.availabilities.itertuples(index=False):
        for (g, tag), lit in cm.choice.items():
            if g == r.availability:
                m.AddHint(lit, tag == r.yard)


def _hint_plan(mm: MaintenanceModel, plan: dict, data: MaintenanceData) -> None:
    """Hint a greedy plan: yards, package starts and ends, and the mode (yard, dock pool) of each package."""
    m, cm = mm.core.model, mm.core
    pool_of = _pool_of(data)
    for a, (yard, pk) in plan.items():
        for (g, tag), lit in cm.choice.items():
            if g == a:
                m.AddHint(lit, tag == yard)
        for p, (start, end, dock) in pk.items():
            tid = task_id(a, p)
            m.AddHint(cm.start[tid], int(start))
            m.AddHint(cm.end[tid], int(end))
            _hint_modes(mm, tid, yard, dock, pool_of)


PACKAGE_COLUMNS = ["availability", "asset", "package", "yard", "dock", "start", "end", "start_day", "end_day", "duration", "paused_days", "workforce"]
AVAIL_COLUMNS = ["availability", "asset", "kind", "yard", "release", "start", "end", "due", "days_late", "lost_ready_days", "out_of_service_from", "weight"]


def _decode(solved: list[tuple[MaintenanceModel, cp_model.CpSolver, str]], data: MaintenanceData, origin: dt.date):
    av = data.availabilities.set_index("id")
    kinds = dict(zip(data.assets["id"], data.assets["kind"]))
    pools = dock_pools(data)
    day = lambda n: origin + dt.timedelta(days=int(n))  # noqa: E731
    placed, arows = [], []
    for mm, solver, _ in solved:
        cm = mm.core
        for t in cm.project.tasks:
            k = next(i for i, lit in enumerate(cm.mode_lits[t.id]) if solver.BooleanValue(lit))
            mode = t.modes[k]
            pool = next((r for r in mode.demands if r in pools), None)
            wf = next((q for r, q in mode.demands.items() if r.startswith("workforce:")), 0)
            placed.append((t, mode.tag, pool, solver.Value(cm.start[t.id]), solver.Value(cm.end[t.id]), wf))
        for a in mm.span_start:
            asset = av.loc[a, "asset"]
            yard = next(tag for (g, tag), lit in cm.choice.items() if g == a and solver.BooleanValue(lit))
            s, e = solver.Value(mm.span_start[a]), solver.Value(mm.span_end[a])
            release = av.loc[a, "release"]
            oos = day(s) if kinds[asset] == "ship" else max(release, origin)
            arows.append((a, asset, kinds[asset], yard, release, day(s), day(e), av.loc[a, "due"], int(solver.Value(mm.tardiness[a])), int(solver.Value(mm.lost[a])), oos, float(av.loc[a, "weight"])))
    by_pool: dict[str, list[tuple[int, int, str]]] = {}
    for t, _, pool, s, e, _ in placed:
        if pool is not None:
            by_pool.setdefault(pool, []).append((s, e, t.id))
    dock_of = {tid: k for p, jobs in by_pool.items() for tid, k in assign_docks(pools[p], jobs).items()}
    rows = []
    for t, yard, _, s, e, wf in placed:
        a, p = t.id.split("/", 1)
        rows.append((a, av.loc[a, "asset"], p, yard, dock_of.get(t.id), day(s), day(e), s, e, t.duration, e - s - t.duration, wf))
    return pd.DataFrame(rows, columns=PACKAGE_COLUMNS), pd.DataFrame(arows, columns=AVAIL_COLUMNS)


__all__ = ["DEFAULT_HORIZON_DAYS", "EligibilityRules", "Schedule", "SolverSettings", "Weights", "components", "dk", "schedule"]
