"""What-if: change the yards or the rules, re-solve, compare with the baseline.

A variant is the baseline's data with edits (add or remove a dock, shift workforce
between yards, change an eligibility rule), solved with the same settings and
warm-started from the baseline so it starts from a known schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from allyforge.schedule.core import SolverSettings
from allyforge.schedule.data import MaintenanceData
from allyforge.schedule.eligibility import EligibilityRules
from allyforge.schedule.model import Weights
from allyforge.schedule.result import Schedule
from allyforge.schedule.solve import schedule


@dataclass(frozen=True)
class Comparison:
    baseline: Schedule
    variant: Schedule

    def ready_days(self) -> pd.DataFrame:
        """Fleet ready-days per month (all kinds): baseline, variant and the difference."""
        b = self.baseline.ready_days()
        v = self.variant.ready_days()
        b = b[b["kind"] == "all"].set_index("period")["ready_days"] if len(b) else pd.Series(dtype=float)
        v = v[v["kind"] == "all"].set_index("period")["ready_days"] if len(v) else pd.Series(dtype=float)
        out = pd.DataFrame({"baseline": b, "variant": v})
        out["change"] = out["variant"] - out["baseline"]
        return out.reset_index(names="period")

    def lateness(self) -> pd.DataFrame:
        """Days late per availability, baseline against variant."""
        cols = ["availability", "yard", "days_late"]
        b = self.baseline.availabilities[cols]
        v = self.variant.availabilities[cols]
        out = b.merge(v, on="availability", how="outer", suffixes=("_baseline", "_variant"))
        out["change"] = out["days_late_variant"] - out["days_late_baseline"]
        return out

    def summary(self) -> dict[str, object]:
        def tot(s: Schedule, col: str) -> int | None:
            return int(s.availabilities[col].sum()) if s.ok else None

        return {
            "baseline_status": self.baseline.status,
            "variant_status": self.variant.status,
            "days_late": (tot(self.baseline, "days_late"), tot(self.variant, "days_late")),
            "lost_ready_days": (tot(self.baseline, "lost_ready_days"), tot(self.variant, "lost_ready_days")),
            "objective": (self.baseline.objective, self.variant.objective),
            "variant_explanation": list(self.variant.explanation),
        }


def compare(
    baseline: Schedule,
    *,
    add_docks: list[dict] | None = None,
    remove_docks: list[str] | None = None,
    workforce: dict[str, int] | None = None,
    shift_workforce: list[tuple[str, str, int]] | None = None,
    rules: EligibilityRules | None = None,
    settings: SolverSettings | None = None,
    weights: Weights | None = None,
) -> Comparison:
    """Solve the baseline's year again with the edits applied and compare."""
    data: MaintenanceData | None = baseline.data
    if data is None:
        raise ValueError("the baseline schedule carries no data to edit")
    for d in add_docks or []:
        data = data.with_dock(**d)
    for k in remove_docks or []:
        data = data.without_dock(k)
    for y, n in (workforce or {}).items():
        data = data.with_workforce(y, n)
    for a, b, n in shift_workforce or []:
        data = data.shift_workforce(a, b, n)
    variant = schedule(
        data,
        year=baseline.year,
        horizon_days=baseline.horizon_days,
        settings=settings or SolverSettings.from_dict(baseline.settings),
        rules=rules or EligibilityRules(**baseline.rules),
        weights=weights or Weights(**baseline.weights),
        warm_start=baseline,
    )
    return Comparison(baseline, variant)
