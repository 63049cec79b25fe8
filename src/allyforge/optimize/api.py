"""`allyforge.optimize(network, scenario, ...) -> Plan`: the best plan, and the best mitigation
portfolio within budgets, evaluated out of sample by the simulator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import yaml

from allyforge.network import Network
from allyforge.optimize.data import PlanningData
from allyforge.optimize.portfolio import DEFAULT_SAA_GAP, PortfolioSolution, budget_table, purchase_options, saa_solver
from allyforge.optimize.solve import Plan, solve_planning
from allyforge.scenario import Scenario, resolve

DEFAULT_SAA_SAMPLES = 30  # sampled disruptions in the two-stage model (issue: 20-50)
DEFAULT_EVAL_SAMPLES = 200  # fresh simulator samples for the out-of-sample evaluation
EVAL_SEED_OFFSET = 1_000_003  # evaluation seed = scenario seed + this: draws the SAA never saw
DEFAULT_PARETO = (0.0, 0.25, 0.5, 1.0, 2.0)


def with_investments(scenario: Scenario, chosen: pd.DataFrame, name_suffix: str = "+portfolio") -> Scenario:
    """The scenario plus one `invest` event per chosen candidate (what `allyforge run` accepts)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["name"] = f"{scenario.name}{name_suffix}"
    data["events"] = [*data.get("events", []), *({"type": "invest", "candidate": r.candidate, "start": r.period} for r in chosen.itertuples())]
    return Scenario.model_validate(data)


def scenario_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True)


MEASURES = {
    "short_at_end": "units not delivered by the horizon's end",
    "unit_periods": "unit-periods short (backlog at each period's end plus lost units)",
}


def evaluate(network: Network, scenario: Scenario, samples: int, seed: int) -> dict[str, np.ndarray]:
    """Shortfall per sample by the simulator (its planning rules, not the LP's), in both MEASURES."""
    from allyforge.simulate import simulate

    res = simulate(network, scenario, samples=samples, seed=seed)
    dem = res.out.demand
    return {"short_at_end": res.total_shortfall(), "unit_periods": (dem["backlog"] + dem["lost"]).sum(axis=(1, 2))}


def _in_sample(sol: PortfolioSolution) -> dict[str, np.ndarray]:
    return {"short_at_end": sol.in_sample_shortfall, "unit_periods": sol.in_sample_unit_periods}


def _stats(x: np.ndarray) -> dict:
    x = np.where(np.abs(x) < 1e-9, 0.0, x)  # solver and float noise is not shortfall
    return {"expected": float(np.mean(x)), "p90": float(np.quantile(x, 0.9))} if len(x) else {"expected": np.nan, "p90": np.nan}


def _cost_rows(net: Network, chosen: pd.DataFrame, budgets: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in chosen.itertuples():
        bt = budgets[(budgets["party"] == r.party) & (budgets["fiscal_year"] == r.fiscal_year)]
        pc = bt["currency"].iloc[0] if len(bt) else net.base_currency
        rows.append({"party": r.party, "fiscal_year": r.fiscal_year, "currency": pc,
                     "cost": net.convert(r.cost, r.currency, pc, r.fiscal_year),
                     # base currency by the rates of the purchase period's base fiscal year, as the simulator (S11.5)
                     "cost_base": float(r.cost * net.to_base(r.currency, net.base_fiscal_years([r.period]))[0])})
    df = pd.DataFrame(rows, columns=["party", "fiscal_year", "currency", "cost", "cost_base"])
    return df.groupby(["party", "fiscal_year", "currency"], as_index=False)[["cost", "cost_base"]].sum()


def optimize(
    network: Network,
    scenario: Scenario,
    *,
    budget: dict[str, float] | None = None,
    samples: int | None = None,
    eval_samples: int = DEFAULT_EVAL_SAMPLES,
    seed: int | None = None,
    solver: str = "highs",
    candidates: list[str] | None = None,
    pareto: tuple[float, ...] | None = DEFAULT_PARETO,
    time_limit: float | None = None,
    mip_gap: float = DEFAULT_SAA_GAP,
    progress: Callable[[str, float], None] | None = None,
) -> Plan:
    """The planning LP on the scenario's first sample, then (when the pack has candidates) the
    SAA portfolio at the budgets, its out-of-sample evaluation and the budget-shortfall curve.

    The SAA runs over `samples` draws (default 30), identical draws merged with their weight;
    with HiGHS by Benders decomposition, with another solver as one extensive-form MILP; each
    solve stops at `mip_gap` (relative) or `time_limit` seconds."""
    from allyforge.scenario.candidates import network_for

    say = progress or (lambda msg, frac: None)
    sc = scenario.with_overrides(seed=seed)
    network = network_for(network, sc)  # the scenario's own candidates join the pack's
    n_saa = samples or DEFAULT_SAA_SAMPLES
    say("planning LP", 0.05)
    plan = solve_planning(network, sc, sample=0, solver=solver, seed=sc.seed, time_limit=time_limit)
    plan.extra["base_currency"] = network.base_currency
    cands = network.table("candidates")
    if candidates is not None or len(cands):
        say(f"resolving {n_saa} sampled disruptions", 0.15)
        drv = resolve(network, sc, samples=n_saa)
        opts = purchase_options(network, drv, candidates)
        data = PlanningData(drv, drv.sample_ids, extra_stockpiles=tuple(sorted({f"{o.site}/{o.target}" for o in opts if o.kind == "stockpile"})))
        budgets = budget_table(network, drv, budget)
        eval_seed = sc.seed + EVAL_SEED_OFFSET
        say("out-of-sample baseline (simulator)", 0.2)
        before = evaluate(network, sc, eval_samples, eval_seed)
        say("loading the sampled recourse problems", 0.25)
        saa = saa_solver(data, opts, solver=solver, seed=sc.seed)
        scales = [1.0, *[s for s in (pareto or ()) if s != 1.0]]
        curve = []
        main: PortfolioSolution | None = None
        none_in_sample = saa.evaluate({})
        for k, s in enumerate(scales):
            say(f"portfolio at {s:g} x budget", 0.3 + 0.6 * k / len(scales))
            sol = saa.solve(budgets.assign(budget=budgets["budget"] * s), time_limit=time_limit, mip_gap=mip_gap)
            after = evaluate(network, with_investments(sc, sol.chosen), eval_samples, eval_seed) if len(sol.chosen) else before
            cost = _cost_rows(network, sol.chosen, budgets)
            curve.append({"budget_scale": s, "cost_base": float(cost["cost_base"].sum()), "candidates": ";".join(sol.chosen["candidate"]),
                          "expected_shortfall": _stats(after["unit_periods"])["expected"], "p90_shortfall": _stats(after["unit_periods"])["p90"],
                          "in_sample_expected_shortfall": _stats(sol.in_sample_unit_periods)["expected"],
                          "expected_short_at_end": _stats(after["short_at_end"])["expected"], "condition": sol.solver.get("condition")})
            if s == 1.0:
                main, main_after, main_cost = sol, after, cost
        assert main is not None
        rows = []
        ins_b, ins_a = _in_sample(none_in_sample), _in_sample(main)
        for key, label in MEASURES.items():
            for q, qname in (("expected", "expected"), ("p90", "P90")):
                rows.append({"measure": f"{qname} {label}", "before": _stats(before[key])[q], "after": _stats(main_after[key])[q],
                             "in_sample_before": _stats(ins_b[key])[q], "in_sample_after": _stats(ins_a[key])[q]})
        plan.evaluation = pd.DataFrame(rows)
        total = float(main_cost["cost_base"].sum())
        plan.cost_per_unit_avoided = {}
        for key in MEASURES:
            avoided = _stats(before[key])["expected"] - _stats(main_after[key])["expected"]
            plan.cost_per_unit_avoided[key] = total / avoided if avoided > 1e-9 else (float("nan") if total else 0.0)
        plan.portfolio = main.chosen
        plan.portfolio_costs = main_cost
        plan.pareto = pd.DataFrame(curve).sort_values("budget_scale").reset_index(drop=True)
        plan.budgets = budgets
        plan.invest_scenario = with_investments(sc, main.chosen)
        plan.extra["saa"] = {"samples": n_saa, "distinct_samples": int(main.solver.get("groups", n_saa)), "eval_samples": eval_samples,
                             "eval_seed": eval_seed, "solver": main.solver}
    say("done", 1.0)
    return plan


def pareto_figure(plan: Plan):  # type: ignore[no-untyped-def]
    """Budget versus out-of-sample expected shortfall (Plotly figure)."""
    import plotly.graph_objects as go

    p = plan.pareto
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=p["cost_base"], y=p["expected_shortfall"], mode="lines+markers", name="expected (simulator, out of sample)",
                             text=[f"{s:g} x budget: {c or 'nothing'}" for s, c in zip(p["budget_scale"], p["candidates"])]))
    fig.add_trace(go.Scatter(x=p["cost_base"], y=p["p90_shortfall"], mode="lines+markers", name="P90 (simulator)"))
    fig.add_trace(go.Scatter(x=p["cost_base"], y=p["in_sample_expected_shortfall"], mode="markers", name="expected (in sample, LP)"))
    cur = plan.extra.get("base_currency", "base currency")
    fig.update_layout(title="Mitigation spend versus shortfall", xaxis_title=f"portfolio cost ({cur})", yaxis_title="unit-periods short")
    return fig
