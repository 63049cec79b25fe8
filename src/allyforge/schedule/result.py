"""Schedule: what the scheduler returns, with the settings that made it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from allyforge.schedule.data import MaintenanceData

FEASIBLE = ("optimal", "feasible")


@dataclass(frozen=True)
class Schedule:
    """A maintenance schedule on the scheduler's day grid.

    `packages`: one row per work package (availability, asset, package, yard, dock,
    start, end); `end` is the first day after the work (exclusive), `start_day` and
    `end_day` count days from `origin`. `availabilities`: one row per availability with
    its yard, span, due date, days late and ready-days lost. `status` is optimal,
    feasible (a schedule, not proven best), infeasible (the data allows none; see
    `explanation`) or unknown (no schedule within the limit).
    """

    status: str
    origin: dt.date
    horizon_days: int
    year: int
    packages: pd.DataFrame
    availabilities: pd.DataFrame
    objective: float | None
    bound: float | None
    gap: float | None
    settings: dict[str, Any]
    rules: dict[str, Any]
    weights: dict[str, float]
    wall_time: float
    deterministic_time: float
    explanation: tuple[str, ...] = ()
    data: MaintenanceData | None = field(default=None, repr=False, compare=False)
    # the independent parts solved apart (availabilities, status, objective, bound, gap,
    # deterministic_time, wall_time), in solve order
    parts: tuple[dict[str, Any], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status in FEASIBLE

    @property
    def horizon_end(self) -> dt.date:
        return self.origin + dt.timedelta(days=self.horizon_days)

    def total_tardiness(self) -> int:
        return int(self.availabilities["days_late"].sum()) if self.ok else 0

    def ready_days(self) -> pd.DataFrame:
        """Fleet ready-days per month: days each scheduled asset is not out of service.

        The fleet is the set of assets with an availability in this schedule; a ship is
        out of service from the start to the end of its availability, an aircraft or
        engine from its release (it waits at the depot) to its end.
        """
        months = pd.period_range(self.origin, self.horizon_end - dt.timedelta(days=1), freq="M")
        cols = ["period", "kind", "assets", "calendar_days", "out_of_service_days", "ready_days"]
        if not self.ok or self.availabilities.empty:
            return pd.DataFrame(columns=cols)
        av = self.availabilities
        rows = []
        for kind, grp in av.groupby("kind", sort=True):
            n = grp["asset"].nunique()
            for p in months:
                lo, hi = p.start_time.date(), (p + 1).start_time.date()
                days = (hi - lo).days
                out = 0
                for a0, a1 in zip(grp["out_of_service_from"], grp["end"]):
                    out += max(0, (min(a1, hi) - max(a0, lo)).days)
                rows.append((str(p), kind, n, n * days, out, n * days - out))
        df = pd.DataFrame(rows, columns=cols)
        tot = df.groupby("period", sort=False)[["assets", "calendar_days", "out_of_service_days", "ready_days"]].sum().reset_index()
        tot.insert(1, "kind", "all")
        return pd.concat([df, tot], ignore_index=True)

    def summary(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "year": self.year,
            "origin": str(self.origin),
            "horizon_days": self.horizon_days,
            "availabilities": int(len(self.availabilities)),
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "days_late": self.total_tardiness(),
            "lost_ready_days": int(self.availabilities["lost_ready_days"].sum()) if self.ok else None,
            "wall_time_s": round(self.wall_time, 3),
            "deterministic_time": round(self.deterministic_time, 3),
            "solver_settings": self.settings,
            "eligibility_rules": self.rules,
            "weights": self.weights,
            "explanation": list(self.explanation),
            "parts": list(self.parts),
        }
