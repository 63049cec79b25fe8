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
    add_dock: list[str] = typer.Option([], "--add-dock", help="What-if: add a dock ID:YARD:KIND[:SIZE_CLASS] (repeatable)."),
    remove_dock: list[str] = typer.Option([], "--remove-dock", help="What-if: remove dock ID (repeatable)."),
    set_workforce: list[str] = typer.Option([], "--workforce", help="What-if: YARD=WORKERS per day (repeatable)."),
    shift: list[str] = typer.Option([], "--shift-workforce", help="What-if: move FROM:TO:WORKERS per day between yards (repeatable)."),
    rule: list[str] = typer.Option([], "--rule", help="What-if: RULE=VALUE, e.g. nuclear_excluded_from_commercial=false, reassignment_window_months=none (repeatable)."),
    store: Path = typer.Option(None, "--store", envvar="ALLYFORGE_STORE", help="Store folder the run is kept in (default: the user's data folder)."),
) -> None:
    """Schedule maintenance availabilities (CP-SAT); exit 1 when no schedule is found in the limit, 2 when the data allows none.

    With what-if options the year is solved again with the edits, warm-started from the
    baseline, and fleet ready-days per month and lateness are compared with it."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from allyforge.pack import PackError, load_pack
    from allyforge.schedule import SolverSettings, schedule
    from allyforge.schedule import charts

    if fmt not in ("table", "json"):
        fail(f"unknown format {fmt!r}: table or json")
    if time_limit <= 0 or workers < 1 or horizon < 1:
        fail("--time-limit, --workers and --horizon must be positive")
    edits = _edits(add_dock, remove_dock, set_workforce, shift, rule)
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

    _require_valid(s, f"no schedule exists for {s.year}[/] — the data allows none:",
                   f"no schedule within the limit ({s.status}): {'; '.join(s.explanation)}; raise --time-limit", "schedule")
    from allyforge.cli.store_commands import store_result

    request = {"year": year, "time_limit": time_limit, "workers": workers, "horizon": horizon}
    run_id = store_result(s, net, None, None, store, request, engine="schedule", label=f"schedule {s.year}")

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

    comparison = _what_if(s, edits, out) if edits else None
    if fmt == "json":
        doc = {**s.summary(), "availabilities": s.availabilities.astype(str).to_dict("records")}
        if comparison is not None:
            doc["what_if"] = {**comparison.summary(), "variant": comparison.variant.summary(), "ready_days": comparison.ready_days().to_dict("records"),
                              "lateness": comparison.lateness().astype(str).to_dict("records")}
        doc["run_id"] = run_id
        typer.echo(json.dumps(doc, indent=1, default=str))
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
    if comparison is not None:
        _print_comparison(comparison, out)
    console.print(f"run id: {run_id} (allyforge runs show {run_id}; allyforge report {run_id})", highlight=False)


def _edits(add_dock: list[str], remove_dock: list[str], workforce: list[str], shift: list[str], rule: list[str]) -> dict | None:
    """The what-if options as `compare` arguments; a malformed option exits 2."""
    import dataclasses

    from allyforge.schedule import EligibilityRules

    out: dict = {}
    docks = []
    for spec in add_dock:
        parts = spec.split(":")
        if len(parts) not in (3, 4) or not all(parts) or (len(parts) == 4 and not parts[3].isdigit()):
            fail(f"--add-dock {spec!r}: expected ID:YARD:KIND[:SIZE_CLASS]")
        docks.append({"id": parts[0], "yard": parts[1], "kind": parts[2], **({"size_class": int(parts[3])} if len(parts) == 4 else {})})
    if docks:
        out["add_docks"] = docks
    if remove_dock:
        out["remove_docks"] = list(remove_dock)
    wf = {}
    for spec in workforce:
        yard, _, n = spec.partition("=")
        if not yard or not n.isdigit():
            fail(f"--workforce {spec!r}: expected YARD=WORKERS")
        wf[yard] = int(n)
    if wf:
        out["workforce"] = wf
    moves = []
    for spec in shift:
        parts = spec.split(":")
        if len(parts) != 3 or not parts[0] or not parts[1] or not parts[2].isdigit():
            fail(f"--shift-workforce {spec!r}: expected FROM:TO:WORKERS")
        moves.append((parts[0], parts[1], int(parts[2])))
    if moves:
        out["shift_workforce"] = moves
    if rule:
        fields = {f.name: f for f in dataclasses.fields(EligibilityRules)}
        changes: dict = {}
        for spec in rule:
            name, _, value = spec.partition("=")
            if name not in fields:
                fail(f"--rule {spec!r}: unknown rule; one of {', '.join(fields)}")
            v = value.strip().lower()
            default = fields[name].default
            try:
                if isinstance(default, bool):
                    if v not in ("true", "false"):
                        raise ValueError
                    changes[name] = v == "true"
                elif v == "none" and name == "reassignment_window_months":
                    changes[name] = None
                else:
                    changes[name] = int(v) if isinstance(default, int) else float(v)
            except ValueError:
                fail(f"--rule {spec!r}: bad value for {name} (default {default})")
        out["rules"] = changes
    return out or None


def _what_if(baseline, edits: dict, out: Path | None):  # type: ignore[no-untyped-def]
    from allyforge.schedule import EligibilityRules, compare

    args = dict(edits)
    if "rules" in args:
        args["rules"] = EligibilityRules(**{**baseline.rules, **args["rules"]})
    try:
        c = compare(baseline, **args)
    except ValueError as e:  # an edit naming an unknown dock or yard
        fail(f"what-if: {e}")
    v = c.variant
    _require_valid(v, "the what-if allows no schedule[/]:", f"what-if: no schedule within the limit ({v.status}); raise --time-limit", "what-if schedule")
    if out is not None:
        c.ready_days().to_csv(out / "whatif_ready_days.csv", index=False)
        c.lateness().to_csv(out / "whatif_lateness.csv", index=False)
        v.availabilities.to_csv(out / "whatif_availabilities.csv", index=False)
        (out / "whatif.json").write_text(json.dumps({**c.summary(), "edits": edits, "variant": v.summary()}, indent=1, default=str))
    return c


def _print_comparison(c, out: Path | None) -> None:  # type: ignore[no-untyped-def]
    sm = c.summary()
    rd = c.ready_days()
    rd = rd[rd["change"] != 0]
    if rd.empty:
        console.print("what-if: fleet ready-days change in no month", highlight=False)
    else:
        console.print(table("What-if: fleet ready-days per month (months that change)", ["period", "baseline", "variant", "change"], rd.itertuples(index=False, name=None)))
    late = c.lateness()
    late = late[(late["change"] != 0) | (late["yard_baseline"] != late["yard_variant"])]
    if late.empty:
        console.print("what-if: no availability changes yard or lateness", highlight=False)
    else:
        console.print(table("What-if: availabilities that move or change lateness", list(late.columns), late.itertuples(index=False, name=None)))
    (b_late, v_late), (b_lost, v_lost), (b_obj, v_obj) = sm["days_late"], sm["lost_ready_days"], sm["objective"]
    console.print(f"what-if {c.variant.status}: days late {b_late} -> {v_late}; ready-days lost {b_lost} -> {v_lost}; "
                  f"objective {b_obj:,.1f} -> {v_obj:,.1f} (gap {100 * (c.variant.gap or 0):.2f}%)", highlight=False)
    if out is not None:
        console.print(f"wrote {out}/whatif_ready_days.csv, whatif_lateness.csv, whatif_availabilities.csv, whatif.json", highlight=False)


def _require_valid(s, infeasible: str, not_found: str, what: str) -> None:  # type: ignore[no-untyped-def]
    """Exit 2 with the explanation when the data allows no schedule; exit 1 when none was found
    within the limit, or when the independent checker disagrees with the model (our fault)."""
    from allyforge.schedule import check_schedule

    if s.status == "infeasible":
        err_console.print(f"[bold red]{infeasible}", highlight=False)
        for line in s.explanation:
            err_console.print(f"  {line}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    if not s.ok:
        fail(not_found, EXIT_FAILURE)
    problems = check_schedule(s)
    if problems:
        fail(f"{what} failed the independent check: " + "; ".join(problems[:10]), EXIT_FAILURE)
