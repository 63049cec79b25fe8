"""`allyforge optimize SCENARIO`: the best plan and the best mitigation portfolio within budgets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer

from allyforge.cli import app
from allyforge.cli.output import EXIT_BAD_INPUT, EXIT_FAILURE, console, fail, table


def _parse_budget(values: list[str]) -> dict[str, float] | None:
    """`--budget US=5e6 --budget JP=1e9`: amount per fiscal year in the party's currency."""
    if not values:
        return None
    out = {}
    for v in values:
        party, sep, amount = v.partition("=")
        try:
            if not sep:
                raise ValueError
            out[party.strip()] = float(amount)
        except ValueError:
            fail(f"--budget {v!r}: expected PARTY=AMOUNT (per fiscal year, in the party's currency), e.g. US=5e6")
    return out


def _load(scenario: str, pack: str | None):  # type: ignore[no-untyped-def]
    from allyforge.pack import PackError, load_pack
    from allyforge.scenario import ScenarioError, load_scenario

    try:
        sc = load_scenario(scenario)
    except ScenarioError as e:
        fail(str(e))
    name = pack or sc.pack
    if not name:
        fail(f"scenario {scenario} names no pack; pass --pack")
    p = Path(str(name))
    if not p.is_absolute() and not p.exists() and Path(scenario).exists():
        near = Path(scenario).resolve().parent / str(name)
        if near.exists():
            p = near
    try:
        net = load_pack(p if p.exists() else str(name))
    except PackError as e:
        fail(str(e))
    return net, sc


@app.command()
def optimize(
    scenario: str = typer.Argument(..., help="A bundled scenario's name or a scenario YAML file."),
    pack: str = typer.Option(None, "--pack", help="Pack name or path (default: the scenario's)."),
    budget: list[str] = typer.Option([], "--budget", help="PARTY=AMOUNT per fiscal year in the party's currency (default: the pack's mitigation budget rows, else its total rows)."),
    solver: str = typer.Option("highs", "--solver", help="Any solver linopy finds installed."),
    samples: int = typer.Option(None, "--samples", min=1, help="Sampled disruptions in the two-stage SAA model (default 30; identical draws are merged with their weight)."),
    eval_samples: int = typer.Option(200, "--eval-samples", min=1, help="Fresh simulator samples for the out-of-sample evaluation."),
    seed: int = typer.Option(None, "--seed", min=0, help="Overrides the scenario's seed."),
    pareto: str = typer.Option("0,0.25,0.5,1,2", "--pareto", help="Budget multiples for the budget-versus-shortfall curve (comma-separated)."),
    time_limit: float = typer.Option(300.0, "--time-limit", min=1, help="Seconds per solve; a MILP stopped there reports its best portfolio (condition time_limit)."),
    gap: float = typer.Option(1e-6, "--gap", min=0, help="Relative optimality gap at which each portfolio solve stops."),
    stockpile_target: float = typer.Option(None, "--stockpile-target", min=0, help="Also size stockpiles: each program's P90 unit-periods short at most this."),
    out: Path = typer.Option(None, "--out", help="Directory for tables (CSV), the Pareto plot (HTML) and the portfolio scenario (YAML)."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
    store: Path = typer.Option(None, "--store", envvar="ALLYFORGE_STORE", help="Store folder the run is kept in (default: the user's data folder)."),
) -> None:
    """Best plan for SCENARIO and the mitigation portfolio that buys down the most shortfall within budgets.

    The portfolio is a two-stage stochastic MILP by sample average approximation over --samples sampled disruptions (default 30), solved by Benders decomposition with HiGHS (the extensive form with other solvers), then evaluated by the simulator on --eval-samples fresh draws."""
    import linopy
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from allyforge.optimize import InfeasibleError, SolverFailure, pareto_figure, scenario_yaml
    from allyforge.optimize import optimize as run_optimize

    if solver not in linopy.available_solvers:
        fail(f"--solver {solver!r} is not installed; linopy finds: {', '.join(linopy.available_solvers)}")
    if fmt not in ("table", "json"):
        fail("--format must be table or json")
    budgets = _parse_budget(budget)
    try:
        scales = tuple(float(x) for x in pareto.split(",") if x.strip())
        if any(x < 0 for x in scales):
            raise ValueError
    except ValueError:
        fail(f"--pareto {pareto!r}: expected non-negative budget multiples separated by commas, e.g. 0,0.5,1,2")
    net, sc = _load(scenario, pack)
    if budgets:
        unknown = sorted(set(budgets) - set(net.table("parties").index))
        if unknown:
            fail(f"--budget names unknown parties {unknown}; parties: {', '.join(net.table('parties').index)}")
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console, transient=True, disable=fmt == "json") as prog:
            task = prog.add_task("optimizing", total=1.0)
            plan = run_optimize(net, sc, budget=budgets, samples=samples, eval_samples=eval_samples, seed=seed, solver=solver, pareto=scales, time_limit=time_limit,
                                mip_gap=gap, progress=lambda msg, frac: prog.update(task, completed=frac, description=msg))
    except InfeasibleError as e:
        fail(str(e), EXIT_BAD_INPUT)
    except SolverFailure as e:
        fail(str(e), EXIT_FAILURE)
    except ValueError as e:
        fail(str(e), EXIT_BAD_INPUT)
    sizing = None
    if stockpile_target is not None:
        from allyforge.optimize import size_stockpiles

        try:
            sizing = size_stockpiles(net, sc.with_overrides(seed=seed), stockpile_target, samples=samples or 30, solver=solver, time_limit=time_limit)
        except InfeasibleError as e:
            fail(str(e), EXIT_BAD_INPUT)
        except SolverFailure as e:
            fail(str(e), EXIT_FAILURE)
    from allyforge.cli.store_commands import store_result

    request = {"budget": budgets, "samples": samples, "eval_samples": eval_samples, "seed": seed, "pareto": list(scales), "time_limit": time_limit,
               "gap": gap, "solver": solver, "stockpile_target": stockpile_target}
    run_id = store_result(plan, net, sc, None, store, request, engine="optimize")
    _report(plan, fmt, sizing, run_id)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        plan.summary.to_csv(out / "plan_summary.csv", index=False)
        for name, f in plan.flows.items():
            f.to_csv(out / f"plan_{name}.csv", index=False)
        if plan.portfolio is not None:
            plan.portfolio.to_csv(out / "portfolio.csv", index=False)
            plan.portfolio_costs.to_csv(out / "portfolio_costs.csv", index=False)
            plan.evaluation.to_csv(out / "evaluation.csv", index=False)
            plan.pareto.to_csv(out / "pareto.csv", index=False)
            (out / "portfolio_scenario.yaml").write_text(scenario_yaml(plan.invest_scenario))
            pareto_figure(plan).write_html(out / "pareto.html", include_plotlyjs=True)
        if sizing is not None:
            sizing.sizes.to_csv(out / "stockpiles.csv", index=False)
            sizing.shortfall.to_csv(out / "stockpile_shortfall.csv", index=False)
        if fmt == "table":
            console.print(f"wrote {out}/")
    if fmt == "table":
        console.print(f"run id: {run_id} (allyforge runs show {run_id}; allyforge report {run_id})", highlight=False)


def _report(plan, fmt: str, sizing=None, run_id: str | None = None) -> None:  # type: ignore[no-untyped-def]
    s = plan.summary
    if fmt == "json":
        doc = {
            "run_id": run_id,
            "stockpiles": None if sizing is None else sizing.sizes.to_dict("records"),
            "objective": plan.objective, "solver": plan.solver,
            "plan": s.to_dict("records"),
            "portfolio": None if plan.portfolio is None else plan.portfolio.to_dict("records"),
            "portfolio_costs": None if plan.portfolio_costs is None else plan.portfolio_costs.to_dict("records"),
            "evaluation": None if plan.evaluation is None else plan.evaluation.to_dict("records"),
            "cost_per_unit_avoided": plan.cost_per_unit_avoided,
            "pareto": None if plan.pareto is None else plan.pareto.to_dict("records"),
        }
        typer.echo(json.dumps(doc, default=str, indent=2))
        return
    # answer first: what to buy and what it buys down
    if plan.portfolio is not None:
        ch = plan.portfolio
        what = ", ".join(f"{r.candidate} (FY{r.fiscal_year}, {r.cost:,.0f} {r.currency})" for r in ch.itertuples()) or "nothing (no candidate fits the budgets or helps)"
        ev = plan.evaluation.set_index("measure")
        row = ev.iloc[2]
        console.print(f"[bold]Buy:[/] {what}")
        if plan.extra.get("saa", {}).get("solver", {}).get("condition") == "time_limit":
            console.print("[yellow]The portfolio MILP stopped at --time-limit: this is the best portfolio found, not a proven optimum.[/]")
        console.print(f"[bold]Expected unit-periods short:[/] {row['before']:,.1f} -> {row['after']:,.1f} (simulator, fresh seeds; in sample {row['in_sample_before']:,.1f} -> {row['in_sample_after']:,.1f})")
        per = (plan.cost_per_unit_avoided or {}).get("unit_periods")
        if per is not None and np.isfinite(per) and per > 0:
            console.print(f"[bold]Cost per unit-period avoided:[/] {per:,.0f} {plan.extra.get('base_currency', '')} (simulator)")
        elif len(ch):
            console.print("[yellow]Out of sample the portfolio avoids no unit-periods short (the simulator's planning rules do not use it as the LP does).[/]")
        saa = plan.extra.get("saa", {})
        sv = saa.get("solver", {})
        console.print(f"SAA: {saa.get('samples')} sampled disruptions ({saa.get('distinct_samples')} distinct), {sv.get('method')} on {sv.get('solver')}, "
                      f"{sv.get('condition')}, gap {sv.get('gap', float('nan')):.1e}")
        console.print(table("Out-of-sample evaluation", ["measure", "before", "after", "in-sample before", "in-sample after"],
                            [(m, r["before"], r["after"], r["in_sample_before"], r["in_sample_after"]) for m, r in ev.iterrows()]))
        if len(plan.portfolio_costs):
            console.print(table("Cost by party and fiscal year", ["party", "fiscal year", "currency", "cost"],
                                plan.portfolio_costs[["party", "fiscal_year", "currency", "cost"]].itertuples(index=False)))
        console.print(table("Budget versus shortfall", ["budget x", "cost (base)", "candidates", "expected", "P90"],
                            plan.pareto[["budget_scale", "cost_base", "candidates", "expected_shortfall", "p90_shortfall"]].itertuples(index=False)))
    if sizing is not None:
        console.print(table("Smallest stockpiles keeping each program's P90 shortfall under target", ["stock point", "size", "days of cover", "value (base)"],
                            sizing.sizes[["stockpile", "size", "days_of_cover", "value_base"]].itertuples(index=False)))
    console.print(table(f"Best plan (LP, objective {plan.objective:,.2f}, {plan.solver.get('solver')})",
                        ["site", "item", "party", "required", "delivered", "unit-periods short", "unmet at end", "first short"],
                        s[["site", "item", "party", "required", "delivered", "shortfall", "unmet_at_end", "first_short_period"]].itertuples(index=False)))
