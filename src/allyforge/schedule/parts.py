"""Independent parts of a maintenance year, and the deterministic time they share.

Availabilities that can share no yard never compete for a dock or a crew, so each
connected part of "may use the same yard" is its own CP-SAT model. Each part's bound
bounds that part, so the sum of the parts' bounds bounds the whole year: the gap
reported over the parts is the gap of the full problem.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from allyforge.schedule.core import STATUS, SolverSettings, gap
from allyforge.schedule.eligibility import Eligibility
from allyforge.schedule.model import SCALE, MaintenanceModel

Progress = Callable[[float, float, float], None]  # (objective, bound, wall seconds)


class Callback(cp_model.CpSolverSolutionCallback):
    """Progress of the whole problem: the parts already solved plus the one running."""

    def __init__(self, progress: Progress, done_obj: float, done_bnd: float, done_wall: float) -> None:
        super().__init__()
        self._progress, self._obj, self._bnd, self._wall = progress, done_obj, done_bnd, done_wall

    def on_solution_callback(self) -> None:
        self._progress(self._obj + self.ObjectiveValue() / SCALE, self._bnd + self.BestObjectiveBound() / SCALE, self._wall + self.WallTime())


def components(elig: Eligibility, selected: list[str]) -> list[list[str]]:
    """Availabilities that can share no yard are independent problems: one list each.

    Two availabilities interact only through a yard both may use (its docks and crew),
    so the connected parts of "may use the same yard" are solved apart, smallest first.
    """
    parent = {a: a for a in selected}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_at: dict[str, str] = {}
    for a in selected:
        for o in elig.options[a]:
            if o.yard in first_at:
                parent[root(a)] = root(first_at[o.yard])
            else:
                first_at[o.yard] = a
    groups: dict[str, list[str]] = {}
    for a in selected:
        groups.setdefault(root(a), []).append(a)
    return sorted(groups.values(), key=lambda g: (len(g), g[0]))


class Budget:
    """The deterministic time limit shared by the parts: each part gets its size's share
    of what is left, so time a small part does not need goes to the parts after it."""

    def __init__(self, total: float, sizes: list[int]) -> None:
        self.total, self.sizes, self.used = float(total), sizes, 0.0

    def share(self, k: int) -> float:
        left = max(self.total - self.used, 0.0)
        rest = sum(self.sizes[k:]) or 1
        return left * max(self.sizes[k], 1) / rest if k < len(self.sizes) - 1 else left

    def spend(self, dtime: float) -> None:
        self.used += float(dtime)


PROBE_SHARE = 0.25  # of the deterministic limit, for the first pass over the parts


class Part:
    """One independent part: its model, its best solve so far and its best bound."""

    def __init__(self, availabilities: list[str], mm: MaintenanceModel) -> None:
        self.availabilities, self.mm = availabilities, mm
        self.best: cp_model.CpSolver | None = None
        self.status, self.objective, self.bound = "unknown", 0.0, 0.0
        self.dtime = self.wall = self.last_wall = 0.0
        self.passes = 0

    def _run(self, settings: SolverSettings, limit: float, progress: Progress | None, others: list[Part], wall: float) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        settings.apply(solver, time_limit=limit)
        cb = Callback(progress, sum(r.objective for r in others) / SCALE, sum(r.bound for r in others) / SCALE, wall) if progress else None
        st = solver.Solve(self.mm.core.model, cb)
        self.dtime += solver.deterministic_time
        self.last_wall = solver.WallTime()
        self.wall += self.last_wall
        self.passes += 1
        self._status = STATUS.get(st, "unknown")
        return solver

    def solve(self, settings: SolverSettings, limit: float, progress: Progress | None, others: list[Part], wall: float) -> None:
        solver = self._run(settings, limit, progress, others, wall)
        self.status = self._status
        if self.status in ("optimal", "feasible"):
            self.best, self.objective, self.bound = solver, solver.ObjectiveValue(), solver.BestObjectiveBound()
            self._settle()

    def resolve(self, settings: SolverSettings, limit: float, progress: Progress | None, others: list[Part], wall: float) -> None:
        m = self.mm.core.model
        m.ClearHints()
        for i, v in enumerate(self.best.ResponseProto().solution):  # type: ignore[union-attr]
            m.AddHint(m.GetIntVarFromProtoIndex(i), v)
        solver = self._run(settings, limit, progress, others, wall)
        if self._status in ("optimal", "feasible"):
            if solver.ObjectiveValue() <= self.objective:
                self.best, self.objective = solver, solver.ObjectiveValue()
            self.bound = max(self.bound, solver.BestObjectiveBound())
            self.status = "feasible"
            self._settle()

    def _settle(self) -> None:
        # CP-SAT says OPTIMAL when it stops at the relative gap limit: only a bound that
        # meets the objective is optimal here
        self.status = "optimal" if self.bound >= self.objective else "feasible"

    def done(self, gap_limit: float) -> bool:
        return self.status == "optimal" or (gap(self.objective, self.bound) or 0.0) <= gap_limit

    def info(self, elig: Eligibility) -> dict:
        o, b = self.objective / SCALE, self.bound / SCALE
        return {"availabilities": len(self.availabilities), "yards": sorted({y.yard for a in self.availabilities for y in elig.options[a]}), "status": self.status,
                "objective": o, "bound": b, "gap": gap(o, b), "passes": self.passes, "deterministic_time": round(self.dtime, 3), "wall_time": round(self.wall, 3)}
