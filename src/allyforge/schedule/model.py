"""Maintenance data -> core Project -> CP-SAT model with the maintenance objective.

Each work package is a core task; its modes are (yard, dock pool) pairs it may use,
all packages of an availability share one yard (the group tag) and pause over that
yard's holidays (its calendar), every yard's workforce is a cumulative resource
whose capacity drops over its reduced shifts, and every pool of identical docks is
a cumulative resource of capacity = its dock count (docks are assigned after the
solve). On top of the core the model adds the availability's span, the
§8680 start windows per yard, tardiness and lost ready-days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ortools.sat.python import cp_model

from allyforge.schedule.core import CoreModel, Mode, Project, Resource, Task, build
from allyforge.schedule.data import MaintenanceData, critical_path_days, given
from allyforge.schedule.eligibility import Eligibility
from allyforge.schedule.workdays import WorkCalendar


@dataclass(frozen=True)
class Weights:
    """Objective weights per day, multiplied by each availability's own weight.

    Defaults: a day late costs 4, a lost ready-day costs 1. Lateness is dearer
    because a late ship or aircraft breaks the deployment plan built around its due
    date (GAO-20-86 counts late days as the measure of overseas maintenance); a
    ready-day lost inside the plan is the baseline cost of maintenance itself. These
    are our assumptions: change them when a user's priorities differ.
    """

    tardiness: float = 4.0
    lost_ready_day: float = 1.0

    def as_dict(self) -> dict[str, float]:
        return {"tardiness": self.tardiness, "lost_ready_day": self.lost_ready_day}


SCALE = 100  # availability weights are kept to 1/100


def task_id(availability: str, package: str) -> str:
    return f"{availability}/{package}"


def wf(yard: str) -> str:
    return f"workforce:{yard}"


def dk(dock: str) -> str:
    return f"dock:{dock}"


def pool_id(yard: str, kind: str, size_class: int) -> str:
    return f"docks:{yard}:{kind}:{int(size_class)}"


def dock_pools(d: MaintenanceData) -> dict[str, list[str]]:
    """Identical docks (same yard, kind and size class) as one pool: {pool id: dock ids}.

    Interchangeable docks are a cumulative resource of capacity = their number; which
    dock of the pool a package holds is decided after solving (`assign_docks`). This is
    exact (intervals that never overlap more than k deep fit k docks) and removes the
    k! symmetric ways of labelling the same schedule, which is what kept CP-SAT from
    proving bounds on 24 identical hangar bays.
    """
    pools: dict[str, list[str]] = {}
    for k in d.docks.sort_values("id").itertuples(index=False):
        pools.setdefault(pool_id(k.yard, k.kind, k.size_class), []).append(k.id)
    return pools


def assign_docks(pool_docks: list[str], jobs: list[tuple[int, int, str]]) -> dict[str, str]:
    """Give each (start, end, job id) of one pool a dock: by start, the first dock free.

    Interval graphs are perfect, so if no day has more jobs than docks this never runs out.
    """
    free_at = {k: -(10**9) for k in pool_docks}
    out = {}
    for s, e, job in sorted(jobs):
        dock = next((k for k in pool_docks if free_at[k] <= s), None)
        if dock is None:
            raise RuntimeError(f"pool {pool_docks} over capacity on day {s}: the model let more jobs than docks overlap")
        free_at[dock] = e
        out[job] = dock
    return out


def holidays_and_shifts(d: MaintenanceData, yard: str, full: int, origin: dt.date, horizon: int) -> tuple[frozenset[int], tuple[tuple[int, int, int], ...]]:
    """A yard's closures on the day grid: holidays (workforce 0: work pauses) and
    reduced-shift windows (start, end exclusive, workforce) on the other days."""
    cap = [full] * horizon
    holiday = [False] * horizon
    for c in d.yard_closures[d.yard_closures["yard"] == yard].itertuples(index=False):
        lo, hi = max((c.start - origin).days, 0), min((c.end - origin).days + 1, horizon)
        for t in range(lo, hi):
            if int(c.workforce) == 0:
                holiday[t] = True
            else:
                cap[t] = min(cap[t], int(c.workforce))
    windows, t = [], 0
    while t < horizon:
        if holiday[t] or cap[t] >= full:
            t += 1
            continue
        u = t
        while u < horizon and not holiday[u] and cap[u] == cap[t]:
            u += 1
        windows.append((t, u, cap[t]))
        t = u
    return frozenset(i for i, h in enumerate(holiday) if h), tuple(windows)


def build_project(d: MaintenanceData, elig: Eligibility, selected: list[str], origin: dt.date, horizon: int) -> Project:
    size = dict(zip(d.assets["id"], d.assets["size_class"]))
    av = d.availabilities.set_index("id")
    resources, calendars = [], {}
    for y in d.yards.itertuples(index=False):
        holidays, windows = holidays_and_shifts(d, y.id, int(y.workforce), origin, horizon)
        resources.append(Resource(wf(y.id), int(y.workforce), windows))
        calendars[y.id] = WorkCalendar(horizon, holidays)
    pools = dock_pools(d)
    for p, docks in pools.items():
        resources.append(Resource(p, len(docks)))
    pools_at: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for p in pools:
        _, yard, kind, cls = p.split(":")
        pools_at.setdefault((yard, kind), []).append((int(cls), p))
    tasks, prec = [], []
    for a in selected:
        asset = av.loc[a, "asset"]
        release = max(0, (av.loc[a, "release"] - origin).days)
        pk = d.work_packages[d.work_packages["availability"] == a]
        for p in pk.itertuples(index=False):
            modes = []
            for opt in elig.options[a]:
                w = {wf(opt.yard): int(p.workforce)} if p.workforce else {}
                if not given(p.needs):
                    modes.append(Mode(w, opt.yard, opt.yard))
                    continue
                for cls, pool in sorted(pools_at.get((opt.yard, p.needs), [])):
                    if cls >= size[asset]:
                        modes.append(Mode({**w, pool: 1}, opt.yard, opt.yard))
            tasks.append(Task(task_id(a, p.id), int(p.duration), tuple(modes), release, a))
            prec.extend((task_id(a, q), task_id(a, p.id)) for q in p.after)
    return Project(tuple(tasks), tuple(resources), tuple(prec), horizon, calendars)


@dataclass
class MaintenanceModel:
    core: CoreModel
    span_start: dict[str, cp_model.IntVar]
    span_end: dict[str, cp_model.IntVar]
    tardiness: dict[str, cp_model.IntVar]
    lost: dict[str, cp_model.IntVar]
    objective: cp_model.LinearExpr


def build_model(
    d: MaintenanceData, elig: Eligibility, selected: list[str], origin: dt.date, horizon: int, weights, *, assume: bool = False
) -> MaintenanceModel:
    project = build_project(d, elig, selected, origin, horizon)
    cm = build(project, assume_groups=assume)
    m = cm.model
    av = d.availabilities.set_index("id")
    kind = dict(zip(d.assets["id"], d.assets["kind"]))
    shortest = critical_path_days(d)
    by_group: dict[str, list[str]] = {}
    for t in project.tasks:
        by_group.setdefault(t.group, []).append(t.id)
    S, E, T, L = {}, {}, {}, {}
    terms = []
    for a in selected:
        ids = by_group[a]
        release = max(0, (av.loc[a, "release"] - origin).days)
        due = (av.loc[a, "due"] - origin).days
        s = m.NewIntVar(release, horizon, f"S[{a}]")
        e = m.NewIntVar(release, horizon, f"E[{a}]")
        m.AddMinEquality(s, [cm.start[i] for i in ids])
        m.AddMaxEquality(e, [cm.end[i] for i in ids])
        m.Add(e >= s + shortest[a])  # redundant, gives the LP relaxation the critical path
        for opt in elig.options[a]:
            if opt.start_windows is not None:
                dom = cp_model.Domain.FromIntervals([[lo, hi - 1] for lo, hi in opt.start_windows])
                m.AddLinearExpressionInDomain(s, dom).OnlyEnforceIf(cm.choice[(a, opt.yard)])
        t = m.NewIntVar(0, max(0, horizon - due), f"T[{a}]")
        m.Add(t >= e - due)
        lost = m.NewIntVar(shortest[a], horizon, f"L[{a}]")
        m.Add(lost == e - (s if kind[av.loc[a, "asset"]] == "ship" else release))
        S[a], E[a], T[a], L[a] = s, e, t, lost
        w = int(round(float(av.loc[a, "weight"]) * SCALE))
        terms.append(int(round(w * weights.tardiness)) * t + int(round(w * weights.lost_ready_day)) * lost)
    obj = sum(terms) if terms else 0
    m.Minimize(obj)
    return MaintenanceModel(cm, S, E, T, L, obj)
