"""`allyforge run [SCENARIO]`: simulate a scenario and print the answer first (per program)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from allyforge.cli import app
from allyforge.cli.output import EXIT_BAD_INPUT, console, err_console, fail, fmt, table


def _report_scenario_error(e: Any) -> None:
    err_console.print(f"[bold red]scenario {e.source} is not valid[/]: {len(e.problems)} problem(s)", highlight=False)
    for p in e.problems:
        err_console.print(f"  {p}", highlight=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)


def _load_inputs(scenario: str | None, pack: str | None):
    """(network, scenario): the pack from --pack, the scenario's own `pack`, or the pack the named scenario sits beside."""
    from allyforge.pack import PackError, bundled_packs, load_pack, resolve_pack
    from allyforge.scenario import ScenarioError, bundled_scenarios, default_scenario, load_scenario

    try:
        pack_dir = resolve_pack(pack) if pack else None
        sc = None
        if scenario is not None:
            sc = load_scenario(scenario, pack_dir)
            if pack is None:
                if sc.pack:
                    pack = sc.pack
                    if not Path(pack).exists() and pack not in bundled_packs():
                        here = Path(scenario).resolve().parent.parent if Path(scenario).exists() else None
                        if here is not None and (here / "pack.yaml").exists():
                            pack = str(here)
                else:
                    owner = [name for name, d in bundled_packs().items() if scenario in bundled_scenarios(d)]
                    pack = owner[0] if owner else None
        if pack is None:
            packs = bundled_packs()
            if len(packs) != 1:
                fail("which pack? give --pack NAME_OR_PATH (or a scenario whose file names its pack)")
            pack = next(iter(packs))
        pack_dir = resolve_pack(pack)
        net = load_pack(pack_dir)
        if sc is None:
            sc = default_scenario(net, pack_dir)
        return net, sc
    except PackError as e:
        err_console.print(f"[bold red]pack {pack} is not valid[/]: {len(e.problems)} problem(s)", highlight=False)
        for p in e.problems:
            err_console.print(f"  {p}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except ScenarioError as e:
        _report_scenario_error(e)
        raise  # unreachable


def _simulate(net, sc, samples: int | None, seed: int | None, quiet: bool):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from allyforge.scenario import ScenarioError
    from allyforge.simulate import SimulationInputError, simulate

    try:
        if quiet:
            return simulate(net, sc, samples=samples, seed=seed)
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} periods"),
                      TimeElapsedColumn(), console=err_console, transient=True) as prog:
            task = prog.add_task(f"simulating {sc.name}", total=None)

            def tick(done: int, total: int) -> None:
                prog.update(task, completed=done, total=total)

            return simulate(net, sc, samples=samples, seed=seed, progress=tick)
    except ScenarioError as e:
        _report_scenario_error(e)
    except SimulationInputError as e:
        fail(str(e), EXIT_BAD_INPUT)
    except ValueError as e:  # overrides out of range (e.g. --samples 0)
        fail(str(e), EXIT_BAD_INPUT)


def _binding_text(b: list) -> str:
    return f"{b[0][0]} ({b[0][1]:.0%})" if b else ""


def _answer_rows(summary: dict) -> list[tuple]:
    rows = []
    for p in summary["programs"]:
        rows.append((p["program"], p["party"], p["required_p50"], f"{fmt(p['delivered_p50'])} [{fmt(p['delivered_p10'])}–{fmt(p['delivered_p90'])}]",
                     p["shortfall_p50"], p["short_unit_periods_p50"], p["first_short_period_p50"] or "", _binding_text(p["binding"])))
    return rows


@app.command()
def run(
    scenario: str = typer.Argument(None, help="A bundled scenario's name or a scenario YAML path (default: the pack's default scenario)."),
    pack: str = typer.Option(None, "--pack", help="Bundled pack name or path (default: the scenario's pack)."),
    samples: int = typer.Option(None, "--samples", help="Monte Carlo samples (overrides the scenario)."),
    seed: int = typer.Option(None, "--seed", help="Random seed (overrides the scenario)."),
    out: Path = typer.Option(None, "--out", help="Write tidy results (Parquet) and summary.json here."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
    compare: str = typer.Option(None, "--compare", help="Also run this scenario (same pack, samples, seed) and show the difference."),
    sensitivity: bool = typer.Option(False, "--sensitivity/--no-sensitivity", help="One-at-a-time sensitivity to each ranged assumption (two reruns each; slow on large packs)."),
    store: Path = typer.Option(None, "--store", envvar="ALLYFORGE_STORE", help="Store folder the run is kept in (default: the user's data folder)."),
) -> None:
    """Simulate a scenario: per program, required vs delivered (P50 [P10–P90]), shortfall and the binding constraint."""
    if output_format not in ("table", "json"):
        fail(f"unknown format {output_format!r}: table or json")
    net, sc = _load_inputs(scenario, pack)
    quiet = output_format == "json"
    res = _simulate(net, sc, samples, seed, quiet)
    summary = res.summary(sensitivity=sensitivity)
    other = None
    if compare:
        from allyforge.scenario import ScenarioError, load_scenario
        from allyforge.pack import resolve_pack

        try:
            osc = load_scenario(compare, resolve_pack(pack) if pack else None)
        except ScenarioError as e:
            _report_scenario_error(e)
        other = _simulate(net, osc, res.samples, res.seed, quiet).summary(sensitivity=False)
    written = res.export(out) if out else []
    from allyforge.cli.store_commands import store_result

    run_id = store_result(res, net, sc, summary, store, {"samples": res.samples, "sensitivity": sensitivity})

    if output_format == "json":
        doc = {**summary, "run_id": run_id}
        if other is not None:
            doc["compare"] = other
        if written:
            doc["written"] = [str(p) for p in written]
        typer.echo(json.dumps(doc, indent=1, default=_json))
        return

    cols = ["program", "party", "required", "delivered P50 [P10–P90]", "short at end", "short unit·periods", "first short", "binding (share of short periods)"]
    console.print(table(f"{sc.name} on {net.name}: {res.periods[0]}..{res.periods[-1]}, {res.samples} samples, seed {res.seed}", cols, _answer_rows(summary)))
    if other is not None:
        base = {p["program"]: p for p in other["programs"]}
        rows = []
        for p in summary["programs"]:
            b = base.get(p["program"])
            if b is None:
                continue
            rows.append((p["program"], p["party"], b["delivered_p50"], p["delivered_p50"], p["delivered_p50"] - b["delivered_p50"],
                         p["short_unit_periods_p50"] - b["short_unit_periods_p50"], _binding_text(p["binding"])))
        console.print(table(f"{sc.name} minus {other['scenario']} (P50)", ["program", "party", f"delivered ({other['scenario']})",
                            f"delivered ({sc.name})", "Δ delivered", "Δ short unit·periods", "binding"], rows))
    for w in summary["warnings"]:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if sensitivity and summary.get("sensitivity"):
        srt = sorted(summary["sensitivity"], key=lambda r: -max(abs(_nz(r["delta_low"])), abs(_nz(r["delta_high"]))))
        console.print(table("Assumptions the answer rests on: change in P50 short unit·periods at each end of the range",
                            ["assumption", "value", "low", "high", "Δ at low", "Δ at high"],
                            [(r["assumption"], r["value"], r["low"], r["high"], r["delta_low"], r["delta_high"]) for r in srt[:10]]))
    costs = res.costs()
    if len(costs):
        tot = costs.groupby(["party", "currency", "fiscal_year"], as_index=False)["amount"].sum()
        console.print(table("Mean cost by party and fiscal year (party's currency)", ["party", "currency", "fiscal year", "amount"],
                            tot[["party", "currency", "fiscal_year", "amount"]].itertuples(index=False)))
    console.print(f"results: {out} ({len(written)} files)" if written else "results: no files written (use --out DIR)", highlight=False)
    console.print(f"run id: {run_id} (allyforge runs show {run_id}; allyforge report {run_id})", highlight=False)


def _nz(v: Any) -> float:
    return 0.0 if v is None or v != v else float(v)


def _json(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if np.isnan(o) else float(o)
    return str(o)
