"""What a schedule run stores: work packages, availabilities, fleet ready-days and yard utilization.

Tables: `packages` (one row per work package, as `Schedule.packages`),
`availabilities` (one per availability: yard, span, due, days late, ready-days
lost), `ready_days` (`Schedule.ready_days()`) and `utilization` (per yard and month,
`allyforge.schedule.charts.utilization`). The summary is the schedule's own
`summary()` plus its unrounded timings (status, objective, bound, gap, solver settings, eligibility rules,
weights, explanation), so `load` rebuilds a Schedule whose charts (Gantt, ready
days) the schedule module draws again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from allyforge.store.adapters import Adapter, instance_of


def is_schedule(result: Any) -> bool:
    return instance_of(result, "allyforge.schedule.result", "Schedule")


def tables(s: Any, summary: Any = None) -> dict[str, pd.DataFrame]:
    from allyforge.schedule import charts

    return {"packages": s.packages, "availabilities": s.availabilities, "ready_days": s.ready_days(), "utilization": charts.utilization(s)}


def summary(s: Any) -> dict[str, Any]:
    """The schedule's own summary, with its timings unrounded (the summary rounds them for people)."""
    return {**s.summary(), "timings": {"wall_time": s.wall_time, "deterministic_time": s.deterministic_time}}


def settings(s: Any) -> dict[str, Any]:
    return {"year": s.year, "horizon_days": s.horizon_days, "solver": dict(s.settings)}


def seed(s: Any) -> int | None:
    v = s.settings.get("random_seed")
    return None if v is None else int(v)


def load(stored: Any, summary: dict[str, Any]) -> Any:
    """The Schedule a run stored (without the maintenance data it was solved from)."""
    from dataclasses import fields

    from allyforge.schedule import Schedule

    values = {
        "status": summary["status"], "origin": dt.date.fromisoformat(summary["origin"]), "horizon_days": summary["horizon_days"], "year": summary["year"],
        "packages": stored["packages"], "availabilities": stored["availabilities"], "objective": summary.get("objective"), "bound": summary.get("bound"),
        "gap": summary.get("gap"), "settings": summary.get("solver_settings") or {}, "rules": summary.get("eligibility_rules") or {},
        "weights": summary.get("weights") or {}, **(summary.get("timings") or {"wall_time": summary.get("wall_time_s") or 0.0, "deterministic_time": summary.get("deterministic_time") or 0.0}),
        "explanation": tuple(summary.get("explanation") or ()),
    }
    names = {f.name for f in fields(Schedule)}
    extra = {k: (tuple(v) if isinstance(v, list) else v) for k, v in summary.items() if k in names and k not in values and k != "data"}
    return Schedule(**values, **extra)


ADAPTER = Adapter(engine="schedule", matches=is_schedule, tables=tables, summary=summary, settings=settings, seed=seed, load=load, needs=("packages", "availabilities"))
