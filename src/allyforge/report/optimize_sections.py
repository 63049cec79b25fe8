"""A stored optimize run as sections: what to buy and what it buys down first, then the best plan.

The budget-versus-shortfall chart is the optimizer's own (`allyforge.optimize.pareto_figure`),
drawn from the Plan that `allyforge.store.load_result` rebuilds from the run's tables.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import escape as e_

from allyforge.report.sections import Section, generic_sections
from allyforge.store import Run, Store, load_result

PLAN_COLUMNS = ["site", "item", "party", "required", "delivered", "shortfall", "unmet_at_end", "first_short_period"]


def optimize_sections(store: Store, run: Run) -> list[Section]:
    plan = load_result(store, run)
    if plan is None:
        return generic_sections(store, run)
    from allyforge.optimize import pareto_figure

    out = []
    if plan.portfolio is not None:
        buy = Section("answer", "What to buy")
        if len(plan.portfolio):
            buy.bullets += [f"<strong>{e_(r.candidate)}</strong> ({e_(r.kind)} of {e_(r.target)}), bought FY{r.fiscal_year} by {e_(r.party)}: {r.cost:,.0f} {e_(r.currency)}"
                            for r in plan.portfolio.itertuples()]
        else:
            buy.paragraphs.append("Nothing: no candidate fits the budgets or reduces the shortfall.")
        if plan.evaluation is not None and len(plan.evaluation):
            buy.tables.append(("Shortfall before and after the portfolio (simulator, fresh samples; and in the sampled LP)", plan.evaluation))
        if plan.portfolio_costs is not None and len(plan.portfolio_costs):
            buy.tables.append(("Cost by party and fiscal year", plan.portfolio_costs))
        if plan.pareto is not None and len(plan.pareto):
            buy.charts.append(("chart-pareto", pareto_figure(plan)))
            buy.tables.append(("Budget versus shortfall", plan.pareto))
        out.append(buy)
    s = plan.summary
    best = Section("plan" if out else "answer", "The best plan", [f"Planning LP on the scenario's first sample: objective {plan.objective:,.2f}, {plan.total_shortfall:,.4g} unit-periods short in all."])
    best.tables.append(("Per demand stream: required, delivered, unit-periods short, unmet at the end, first short period", s[[c for c in PLAN_COLUMNS if c in s]]))
    out.append(best)
    return out


def optimize_answer(store: Store, run: Run) -> tuple[str, pd.DataFrame] | None:
    if "portfolio" in run.tables:
        return "Portfolio: what to buy", store.table(run.id, "portfolio")
    if "plan_summary" in run.tables:
        s = store.table(run.id, "plan_summary")
        return "Best plan per demand stream", s[[c for c in PLAN_COLUMNS if c in s]]
    return None
