"""`allyforge schedule PACK`: place a year's ship and aircraft availabilities at yards."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from allyforge.cli import app
from allyforge.cli.output import EXIT_BAD_INPUT, EXIT_FAILURE, console, err_console, fail, table


@app.command("schedule")
def schedule_cmd(
    pack: str = typer.Argument(..., help="Bundled pack name, pack folder or .xlsx workbook."),
    year: int = typer.Option(None, "--year", help="Schedule the availabilities released in this year (default: the earliest)."),
    time_limit: float = typer.Option(60.0, "--time-limit", help="CP-SAT deterministic time limit (deterministic seconds)."),
    workers: int = typer.Option(2, "--workers", help="CP-SAT workers (fixed, for reproducible results)."),
    horizon: int = typer.Option(730, "--horizon", help="Days from 1 January of the year by which all work must end."),
    out: Path = typer.Option(None, "--out", help="Folder for schedule.csv, availabilities.csv, ready_days.csv, run.json and HTML charts."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Schedule maintenance availabilities (CP-SAT); exit 1 when no schedule is found in the limit, 2 when the data allows none."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from allyforge.pack import PackError, load_pack
    from allyforge.schedule import SolverSettings, check_schedule, schedule
    from allyforge.schedule import charts

    if fmt not in ("table", "json"):
        fail(f"unknown format {fmt!r}: table or json")
    if time_limit <= 0 or workers < 1 or horizon < 1:
        fail("--time-limit, --workers and --horizon must be positive")
    try:
        net = load_pack(pack)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task(f"scheduling {pack} (CP-SAT, {workers} workers, {time_limit:g} deterministic s)", total=None)

            def progress(obj: float, bound: float, wall: float) -> None:
                bar.update(task, description=f"scheduling {pack}: best {obj:,.0f}, bound {bound:,.0f}")

            s = schedule(net, year=year, horizon_days=horizon, settings=SolverSettings(num_workers=workers, time_limit=time_limit), progress=progress)
    except PackError as e:
        err_console.print(f"[bold red]pack {pack} cannot be scheduled[/]: {len(e.problems)} problem(s)", highlight=False)
        for p in e.problems:
            err_console.print(f"  {p}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None

    if s.status == "infeasible":
        err_console.print(f"[bold red]no schedule exists for {s.year}[/] — the data allows none:", highlight=False)
        for line in s.explanation:
            err_console.print(f"  {line}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if not s.ok:
        fail(f"no schedule within the limit ({s.status}): {'; '.join(s.explanation)}; raise --time-limit", EXIT_FAILURE)
    problems = check_schedule(s)
    if problems:  # the independent checker disagrees with the model: our fault
        fail("schedule failed the independent check: " + "; ".join(problems[:10]), EXIT_FAILURE)

    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        s.packages.to_csv(out / "schedule.csv", index=False)
        s.availabilities.to_csv(out / "availabilities.csv", index=False)
        s.ready_days().to_csv(out / "ready_days.csv", index=False)
        charts.utilization(s).to_csv(out / "utilization.csv", index=False)
        (out / "run.json").write_text(json.dumps({"pack": net.name, "pack_hash": net.content_hash, **s.summary()}, indent=1, default=str))
        charts.write_html(charts.gantt(s), out / "gantt.html")
        charts.write_html(charts.utilization_figure(s), out / "utilization.html")
        charts.write_html(charts.ready_days_figure(s), out / "ready_days.html")

    if fmt == "json":
        typer.echo(json.dumps({**s.summary(), "availabilities": s.availabilities.astype(str).to_dict("records")}, indent=1, default=str))
        return
    cols = ["availability", "asset", "yard", "release", "start", "end", "due", "days_late", "lost_ready_days"]
    console.print(table(f"Maintenance schedule {s.year} ({len(s.availabilities)} availabilities)", cols, s.availabilities[cols].itertuples(index=False, name=None)))
    r = s.ready_days()
    r = r[r["kind"] == "all"]
    r = r[r["out_of_service_days"] > 0]
    console.print(table("Fleet ready-days per month (months with work)", ["period", "assets", "out_of_service_days", "ready_days"], r[["period", "assets", "out_of_service_days", "ready_days"]].itertuples(index=False, name=None)))
    gap = f"{100 * s.gap:.2f}%" if s.gap is not None else "n/a"
    console.print(
        f"[green]{s.status}[/]: objective {s.objective:,.1f} (bound {s.bound:,.1f}, gap {gap}); "
        f"{s.total_tardiness()} days late; {int(s.availabilities['lost_ready_days'].sum())} ready-days lost; "
        f"{s.wall_time:.1f} s wall, {s.deterministic_time:.1f} deterministic s, {workers} workers",
        highlight=False,
    )
    if out is not None:
        console.print(f"wrote {out}/schedule.csv, availabilities.csv, ready_days.csv, run.json, gantt.html, utilization.html", highlight=False)
