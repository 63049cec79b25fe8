"""A stored optimize run keeps the plan and portfolio tables exactly and rebuilds the Plan its chart reads."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import allyforge
from allyforge.optimize import Plan, pareto_figure
from allyforge.store import load_result, open_store, record_run

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"


@pytest.fixture(scope="module")
def planned():
    net = allyforge.load_pack(TINY)
    sc = allyforge.load_scenario(TINY / "scenarios" / "baseline.yaml")
    return net, sc, allyforge.optimize(net, sc, samples=3, eval_samples=10, pareto=(0.0, 1.0), time_limit=60)


@pytest.mark.slow
def test_plan_tables_round_trip_and_the_plan_is_rebuilt(tmp_path, planned):
    net, sc, plan = planned
    assert plan.portfolio is not None  # the tiny pack has candidates: the portfolio tables are stored too
    st = open_store(tmp_path)
    rid = record_run(plan, network=net, scenario=sc, store=st)
    run = st.run(rid)
    assert (run.engine, run.seed, run.settings["solver"]["threads"]) == ("optimize", plan.solver["random_seed"], 1)
    want = {"plan_summary": plan.summary, **{f"plan_{k}": v for k, v in plan.flows.items()}, "portfolio": plan.portfolio,
            "portfolio_costs": plan.portfolio_costs, "evaluation": plan.evaluation, "pareto": plan.pareto, "budgets": plan.budgets}
    assert set(want) <= set(run.tables)
    for name, df in want.items():
        pd.testing.assert_frame_equal(st.table(rid, name), df, check_exact=True, obj=name)
    assert "model" not in run.summary["extra"] and run.summary["extra"]["saa"]["samples"] == 3  # the solved model is not kept
    back = load_result(st, run)
    assert isinstance(back, Plan)
    assert (back.objective, back.status, back.total_shortfall) == (plan.objective, plan.status, plan.total_shortfall)
    assert back.invest_scenario == plan.invest_scenario
    assert json.dumps(back.cost_per_unit_avoided) == json.dumps(plan.cost_per_unit_avoided)
    for name in ("portfolio", "evaluation", "pareto"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(plan, name), check_exact=True, obj=name)
    assert pareto_figure(back).to_json() == pareto_figure(plan).to_json()
