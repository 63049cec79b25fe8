"""The scheduling core: a resource-constrained project as CP-SAT intervals.

One small vocabulary serves both the textbook RCPSP (PSPLIB) and the maintenance
model, so the J30 optima test the same code that places ship availabilities:
tasks with a fixed duration run in one of several modes (each mode a set of
per-day resource demands, and optionally a working-day calendar over whose
holidays the task pauses); tasks in a group pick modes with one shared tag (all
work packages of an availability go to one yard); resources are cumulative with a
capacity that can drop over windows (reduced shifts); precedence is end-to-start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ortools.sat.python import cp_model

from allyforge.schedule.workdays import WorkCalendar


@dataclass(frozen=True)
class Mode:
    """One way to run a task: the resources it holds every day it runs."""

    demands: Mapping[str, int]
    tag: str | None = None  # the group-level choice this mode belongs to (e.g. a yard id)
    calendar: str | None = None  # Project.calendars key: duration counts its working days


@dataclass(frozen=True)
class Task:
    id: str
    duration: int
    modes: tuple[Mode, ...]
    release: int = 0
    group: str | None = None


@dataclass(frozen=True)
class Resource:
    id: str
    capacity: int
    # (start, end exclusive, capacity during the window): holidays, reduced shifts
    windows: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class Project:
    tasks: tuple[Task, ...]
    resources: tuple[Resource, ...]
    precedences: tuple[tuple[str, str], ...]  # (before, after): after starts once before ends
    horizon: int
    calendars: Mapping[str, WorkCalendar] = field(default_factory=dict)


class ProjectError(ValueError):
    """A project that cannot be turned into a model (unknown ids, no modes, bad durations)."""


@dataclass
class CoreModel:
    """The CP-SAT model of a Project and handles to its variables."""

    model: cp_model.CpModel
    project: Project
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    end: dict[str, cp_model.IntVar] = field(default_factory=dict)
    mode_lits: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)  # task -> one literal per mode
    choice: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)  # (group, tag) -> literal
    present: dict[str, cp_model.IntVar] = field(default_factory=dict)  # group -> literal (scheduled at all)

    @cached_property
    def tasks(self) -> dict[str, Task]:
        return {t.id: t for t in self.project.tasks}


def _check(project: Project) -> None:
    ids = [t.id for t in project.tasks]
    if len(set(ids)) != len(ids):
        raise ProjectError("duplicate task ids")
    known = set(ids)
    res = {r.id for r in project.resources}
    for t in project.tasks:
        if t.duration < 0:
            raise ProjectError(f"task {t.id}: negative duration {t.duration}")
        if not t.modes:
            raise ProjectError(f"task {t.id}: no mode to run in")
        for m in t.modes:
            bad = set(m.demands) - res
            if bad:
                raise ProjectError(f"task {t.id}: unknown resource(s) {sorted(bad)}")
            if m.calendar is not None and m.calendar not in project.calendars:
                raise ProjectError(f"task {t.id}: unknown calendar {m.calendar!r}")
    for a, b in project.precedences:
        if a not in known or b not in known:
            raise ProjectError(f"precedence {a} -> {b} names an unknown task")


def _calendar_spans(m, cm: CoreModel, t: Task, lits, s, e, hi: int, calendars: Mapping[str, WorkCalendar]):
    """End and size of task t under each calendar its modes use (it pauses on holidays).

    The span is d + x where x, the holidays covered, is a step function of the start:
    one literal per value of x, each allowing only its starts, so end = start + d +
    sum(x * literal) stays linear. A calendar with no start that ends in the horizon
    rules its modes out. Returns {calendar: (end var, size var or None)}.
    """
    d = t.duration
    by_cal: dict[str | None, list] = {}
    for lit, md in zip(lits, t.modes):
        c = md.calendar if md.calendar is not None and not calendars[md.calendar].every_day else None
        by_cal.setdefault(c, []).append(lit)
    single = len(by_cal) == 1
    out: dict[str | None, tuple] = {}
    for c, ls in sorted(by_cal.items(), key=lambda kv: (kv[0] is not None, kv[0] or "")):
        # u: "a mode on calendar c is chosen" (1 when every mode shares it)
        if single:
            u = cm.present.get(t.group) if t.group is not None else None
        elif len(ls) == 1:
            u = ls[0]
        else:
            u = m.NewBoolVar(f"cal[{t.id},{c}]")
            m.Add(sum(ls) == u)
        end_c = e if single else m.NewIntVar(t.release + d, max(cm.project.horizon, hi + d), f"e[{t.id},{c}]")
        if c is None:
            m.Add(end_c == s + d)
            out[c] = (end_c, None)
        else:
            pieces = calendars[c].stretch(d, t.release, hi)
            if not pieces:
                for lit in ls:
                    m.Add(lit == 0)
                m.Add(end_c == s + d)
                out[c] = (end_c, None)
                continue
            size = m.NewIntVar(d + min(pieces), d + max(pieces), f"size[{t.id},{c}]")
            bs = []
            for x, ranges in sorted(pieces.items()):
                b = m.NewBoolVar(f"stretch[{t.id},{c},{x}]") if len(pieces) > 1 else None
                dom = cp_model.Domain.FromIntervals([[a, z] for a, z in ranges])
                ct = m.AddLinearExpressionInDomain(s, dom)
                if b is not None:
                    ct.OnlyEnforceIf(b)
                    bs.append((x, b))
                elif u is not None:
                    ct.OnlyEnforceIf(u)
            if bs:
                m.Add(sum(b for _, b in bs) == (u if u is not None else 1))
                m.Add(size == d + sum(x * b for x, b in bs))
            else:
                m.Add(size == d + next(iter(pieces)))
            m.Add(end_c == s + size)
            out[c] = (end_c, size)
        if not single:
            m.Add(e == end_c).OnlyEnforceIf(u)
    return out


@dataclass(frozen=True)
class _Reach:
    """What a window cut needs of one interval on a resource."""

    demand: int
    start: object  # IntVar
    end: object  # IntVar or linear expression
    present: object  # literal
    start_lo: int
    end_lo: int
    end_hi: int


WINDOW_CUT_DAYS = 31  # days of one reduced-capacity window that get a cut


def _window_cuts(m: cp_model.CpModel, r: Resource, items: list[_Reach]) -> None:
    """Redundant, for the bound: on each day of a reduced-capacity window, the jobs in
    progress fit the reduced capacity, with "in progress" a literal each job must set
    unless it ends before the day or starts after it.

    The cumulative already enforces this; what it adds is a linear relaxation CP-SAT's
    LP and core search can use: delaying a job past the window costs its delay, so the
    bound sees the knapsack of which jobs may work through a reduced shift (the gap the
    generated year's Golden Week shift left open). A job that cannot end before the day
    gets no "ends before" literal, keeping the relaxation free of big-M slack.
    """
    for a, b, cap in r.windows:
        if cap >= r.capacity:
            continue
        for day in range(a, min(b, a + WINDOW_CUT_DAYS)):
            live = [it for it in items if it.start_lo <= day < it.end_hi]
            if sum(it.demand for it in live) <= cap:
                continue
            terms = []
            for it in live:
                x = m.NewBoolVar(f"inwork[{r.id},{day}]")
                clause = [x, it.present.Not()]
                after = m.NewBoolVar("after")
                m.Add(it.start >= day + 1).OnlyEnforceIf(after)
                clause.append(after)
                if it.end_lo <= day:
                    before = m.NewBoolVar("before")
                    m.Add(it.end <= day).OnlyEnforceIf(before)
                    clause.append(before)
                m.AddBoolOr(clause)
                terms.append(it.demand * x)
            m.Add(sum(terms) <= cap)


def build(project: Project, *, assume_groups: bool = False) -> CoreModel:
    """Intervals, modes, group choices, cumulative resources and precedences.

    With `assume_groups`, each group's presence is an assumption literal rather than
    a hard fact, so an infeasible model can name the groups that cannot all fit.
    """
    _check(project)
    m = cp_model.CpModel()
    cm = CoreModel(m, project)
    H = project.horizon
    groups: dict[str, list[Task]] = {}
    for t in project.tasks:
        if t.group is not None:
            groups.setdefault(t.group, []).append(t)
    for g, tasks in groups.items():
        lit = m.NewBoolVar(f"present[{g}]")
        cm.present[g] = lit
        tags = sorted({md.tag for t in tasks for md in t.modes if md.tag is not None})
        for tag in tags:
            cm.choice[(g, tag)] = m.NewBoolVar(f"choice[{g},{tag}]")
        if tags:
            m.Add(sum(cm.choice[(g, tag)] for tag in tags) == lit)
        if assume_groups:
            m.AddAssumption(lit)
        else:
            m.Add(lit == 1)

    usage: dict[str, list[tuple[cp_model.IntervalVar, int]]] = {r.id: [] for r in project.resources}
    reach: dict[str, list[_Reach]] = {r.id: [] for r in project.resources}
    for t in project.tasks:
        hi = max(t.release, H - t.duration)
        cals = {md.calendar for md in t.modes if md.calendar is not None and not project.calendars[md.calendar].every_day}
        s = m.NewIntVar(t.release, hi, f"s[{t.id}]")
        e = m.NewIntVar(t.release + t.duration, max(H, hi + t.duration) if cals else hi + t.duration, f"e[{t.id}]")
        cm.start[t.id], cm.end[t.id] = s, e
        present = cm.present.get(t.group) if t.group is not None else None
        if len(t.modes) == 1 and present is None:
            lits = [m.NewConstant(1)]
        else:
            lits = [m.NewBoolVar(f"mode[{t.id},{k}]") for k in range(len(t.modes))]
            m.Add(sum(lits) == (present if present is not None else 1))
            if t.group is not None:
                by_tag: dict[str, list[cp_model.IntVar]] = {}
                for lit, md in zip(lits, t.modes):
                    if md.tag is not None:
                        by_tag.setdefault(md.tag, []).append(lit)
                for tag, ls in by_tag.items():
                    m.Add(sum(ls) == cm.choice[(t.group, tag)])
        cm.mode_lits[t.id] = lits
        if present is not None:
            m.Add(s <= H - t.duration).OnlyEnforceIf(present)
        if t.duration == 0 or not cals:
            m.Add(e == s + t.duration)
            if t.duration == 0:
                continue
            span = {None: (e, None)}  # calendar -> (end, size var or None for fixed size)
        else:
            span = _calendar_spans(m, cm, t, lits, s, e, hi, project.calendars)
        cal_of = lambda md: md.calendar if md.calendar in span else None  # noqa: E731

        e_hi = max(H, hi + t.duration) if cals else hi + t.duration

        def interval(lit, md_cal, name, demands):  # type: ignore[no-untyped-def]
            end_c, size_c = span[md_cal] if md_cal in span else span[None]
            if size_c is None:
                iv = m.NewOptionalFixedSizeIntervalVar(s, t.duration, lit, name)
                end_c = s + t.duration
            else:
                iv = m.NewOptionalIntervalVar(s, size_c, end_c, lit, name)
            for r, q in demands.items():
                usage[r].append((iv, int(q)))
                reach[r].append(_Reach(int(q), s, end_c, lit, t.release, t.release + t.duration, e_hi))

        # A demand every mode of one tag shares (a yard's workforce, whichever dock) is
        # one interval present with the tag's choice, not one per mode: far fewer
        # intervals in the yard's cumulative.
        shared: dict[tuple[str, str], int] = {}
        if t.group is not None:
            per_tag: dict[tuple[str, str], set[int]] = {}
            count: dict[str, int] = {}
            tag_cals: dict[str, set[str | None]] = {}
            for md in t.modes:
                if md.tag is None:
                    continue
                count[md.tag] = count.get(md.tag, 0) + 1
                tag_cals.setdefault(md.tag, set()).add(cal_of(md))
                for r, q in md.demands.items():
                    per_tag.setdefault((md.tag, r), set()).add(int(q))
            shared = {k: next(iter(v)) for k, v in per_tag.items() if len(v) == 1 and count[k[0]] > 1 and len(tag_cals[k[0]]) == 1 and sum(1 for md in t.modes if md.tag == k[0] and k[1] in md.demands) == count[k[0]]}
            for (tag, r), q in shared.items():
                if q > 0:
                    interval(cm.choice[(t.group, tag)], next(iter(tag_cals[tag])), f"iv[{t.id},{tag},{r}]", {r: q})
        for lit, md in zip(lits, t.modes):
            own = {r: q for r, q in md.demands.items() if q > 0 and (md.tag, r) not in shared}
            if not own:
                continue
            interval(lit, cal_of(md), f"iv[{t.id},{md.tag}]", own)
    for r in project.resources:
        items = usage[r.id]
        blocks = [(a, b, r.capacity - c) for a, b, c in r.windows if b > a and r.capacity - c > 0]
        if not items:
            continue
        if r.capacity == 1 and all(q == 1 for _, q in items) and all(c == 0 for *_, c in r.windows):
            fixed = [m.NewFixedSizeIntervalVar(a, b - a, f"closed[{r.id},{a}]") for a, b, _ in blocks]
            m.AddNoOverlap([iv for iv, _ in items] + fixed)
        else:
            ivs = [iv for iv, _ in items] + [m.NewFixedSizeIntervalVar(a, b - a, f"window[{r.id},{a}]") for a, b, _ in blocks]
            qs = [q for _, q in items] + [q for *_, q in blocks]
            m.AddCumulative(ivs, qs, r.capacity)
            # redundant: jobs taking more than half the capacity can never overlap each
            # other (the disjunctive part of the cumulative; 2-3x faster proofs on J30)
            big = [iv for iv, q in items if 2 * q > r.capacity]
            if len(big) > 1:
                m.AddNoOverlap(big)
            _window_cuts(m, r, reach[r.id])
    group_of = {t.id: t.group for t in project.tasks}
    for a, b in project.precedences:
        c = m.Add(cm.start[b] >= cm.end[a])
        g = group_of[b] if group_of[b] is not None else group_of[a]
        if g is not None and group_of[a] == group_of[b]:
            c.OnlyEnforceIf(cm.present[g])
    return cm


@dataclass(frozen=True)
class SolverSettings:
    """CP-SAT settings recorded with every result. Deterministic by construction:
    a fixed worker count, a deterministic (not wall-clock) time limit, a fixed seed,
    and interleaved search whenever more than one worker runs.

    `subsolvers` names CP-SAT's full subsolvers when more than one worker runs (empty:
    CP-SAT's own choice; None: the engine's default, which for `solve_rcpsp` is CP-SAT's
    own choice). The maintenance scheduler's default is ("core", "default_lp"):
    its objective is a sum of one small term per availability, which core-based
    search bounds well, while the LP-guided search and CP-SAT's LNS improve schedules.
    """

    num_workers: int = 2
    time_limit: float = 60.0  # CP-SAT deterministic seconds
    random_seed: int = 0
    relative_gap_limit: float = 0.0
    # Optional wall-clock cap, only to match a peer's wall-clock limit in a benchmark:
    # it makes results depend on machine load, so schedules never set it by default.
    wall_limit: float | None = None
    subsolvers: tuple[str, ...] | None = None

    def apply(self, solver: cp_model.CpSolver, time_limit: float | None = None) -> None:
        """Set the solver's parameters; `time_limit` overrides the deterministic limit
        (a share of it, when a problem is solved in independent parts)."""
        p = solver.parameters
        p.num_workers = int(self.num_workers)
        p.max_deterministic_time = float(self.time_limit if time_limit is None else time_limit)
        p.random_seed = int(self.random_seed)
        p.relative_gap_limit = float(self.relative_gap_limit)
        if self.wall_limit is not None:
            p.max_time_in_seconds = float(self.wall_limit)
        if self.num_workers > 1:
            p.interleave_search = True
            if self.subsolvers:
                p.subsolvers.extend(self.subsolvers)

    def as_dict(self) -> dict[str, object]:
        return {
            "solver": "OR-Tools CP-SAT",
            "num_workers": self.num_workers,
            "max_deterministic_time": self.time_limit,
            "random_seed": self.random_seed,
            "relative_gap_limit": self.relative_gap_limit,
            "interleave_search": self.num_workers > 1,
            "max_time_in_seconds": self.wall_limit,
            "subsolvers": list(self.subsolvers) if self.subsolvers is not None and self.num_workers > 1 else None,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> SolverSettings:
        """The settings a result recorded (`as_dict`), to solve again the same way."""
        sub = d.get("subsolvers")
        wall = d.get("max_time_in_seconds")
        return cls(
            num_workers=int(d["num_workers"]), time_limit=float(d["max_deterministic_time"]), random_seed=int(d["random_seed"]),
            relative_gap_limit=float(d.get("relative_gap_limit", 0.0)), wall_limit=None if wall is None else float(wall),
            subsolvers=tuple(sub) if sub is not None else None,
        )


def gap(upper: float | None, lower: float | None) -> float | None:
    """(UB - LB) / max(UB, 1): the gap every allyforge schedule reports."""
    if upper is None or lower is None:
        return None
    return max(0.0, (upper - lower) / max(abs(upper), 1.0))


@dataclass(frozen=True)
class RcpspResult:
    status: str
    makespan: int | None
    bound: int | None
    starts: dict[str, int]
    wall_time: float


STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


def solve_rcpsp(project: Project, settings: SolverSettings = SolverSettings(), sinks: Sequence[str] | None = None) -> RcpspResult:
    """Minimise the makespan of a single-mode or multi-mode project."""
    cm = build(project)
    m = cm.model
    ends = [cm.end[t] for t in (sinks or cm.end)]
    makespan = m.NewIntVar(0, project.horizon, "makespan")
    m.AddMaxEquality(makespan, ends)
    m.Minimize(makespan)
    solver = cp_model.CpSolver()
    settings.apply(solver)
    # the full LP relaxation of precedences and cumulatives bounds a makespan well: on all
    # 480 J30 instances it reaches 479 optima in the benchmark's 10 s (477 with CP-SAT's default)
    solver.parameters.linearization_level = 2
    st = solver.Solve(m)
    status = STATUS.get(st, "unknown")
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return RcpspResult(status, int(solver.Value(makespan)), int(solver.BestObjectiveBound()), {t: int(solver.Value(v)) for t, v in cm.start.items()}, solver.WallTime())
    return RcpspResult(status, None, None, {}, solver.WallTime())
