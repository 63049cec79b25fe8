"""What an optimize run stores: the best plan, and the mitigation portfolio with its evaluation.

Tables: `plan_summary` (per demand stream: required, delivered, shortfall, first
short period), `plan_<flow>` for each of the plan's flows (runs, ship, stock,
deliver, short, reserve, release: sample, entity, period, value) and, when the pack
has candidates, `portfolio`, `portfolio_costs`, `evaluation` (before/after, out of
sample and in sample), `pareto` (budget versus shortfall) and `budgets`. The summary
keeps the objective, status, solver settings, cost per unit avoided, the portfolio
scenario (as `allyforge run` accepts it) and the plain-data part of `extra` (the
solved model itself is not kept), so `load` rebuilds a Plan the optimizer's own
charts (`pareto_figure`) draw from.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from allyforge.store.adapters import Adapter, instance_of

PORTFOLIO_TABLES = ("portfolio", "portfolio_costs", "evaluation", "pareto", "budgets")


def is_plan(result: Any) -> bool:
    return instance_of(result, "allyforge.optimize.solve", "Plan")


def tables(plan: Any, summary: Any = None) -> dict[str, pd.DataFrame]:
    out = {"plan_summary": plan.summary, **{f"plan_{name}": f for name, f in plan.flows.items()}}
    out.update({n: getattr(plan, n) for n in PORTFOLIO_TABLES if getattr(plan, n) is not None})
    return out


def _plain(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        return False
    return True


def summary(plan: Any) -> dict[str, Any]:
    inv = plan.invest_scenario
    return {
        "objective": plan.objective, "status": plan.status, "solver": plan.solver, "total_shortfall": plan.total_shortfall,
        "cost_per_unit_avoided": plan.cost_per_unit_avoided,
        "invest_scenario": inv.model_dump(mode="json", exclude_none=True) if inv is not None else None,
        "extra": {k: v for k, v in plan.extra.items() if _plain(v)},
    }


def settings(plan: Any) -> dict[str, Any]:
    return {"solver": dict(plan.solver)}


def seed(plan: Any) -> int | None:
    v = plan.solver.get("random_seed")
    return None if v is None else int(v)


def load(stored: Any, summary: dict[str, Any]) -> Any:
    """The Plan a run stored (flows and tables as stored; without the solved model)."""
    from allyforge.optimize import Plan
    from allyforge.scenario import Scenario

    flows = {t[len("plan_"):]: stored[t] for t in stored if t.startswith("plan_") and t != "plan_summary"}
    inv = summary.get("invest_scenario")
    cpa = summary.get("cost_per_unit_avoided")  # the store keeps NaN (nothing avoided at a cost) as null
    if isinstance(cpa, dict):
        cpa = {k: float("nan") if v is None else v for k, v in cpa.items()}
    elif cpa is None and "portfolio" in stored:
        cpa = float("nan")
    return Plan(
        objective=summary["objective"], status=summary["status"], solver=summary.get("solver") or {}, flows=flows, summary=stored["plan_summary"],
        **{n: stored.get(n) for n in PORTFOLIO_TABLES}, cost_per_unit_avoided=cpa,
        invest_scenario=Scenario.model_validate(inv) if inv else None, extra=dict(summary.get("extra") or {}),
    )


ADAPTER = Adapter(engine="optimize", matches=is_plan, tables=tables, summary=summary, settings=settings, seed=seed, load=load, needs=("plan_summary",))
