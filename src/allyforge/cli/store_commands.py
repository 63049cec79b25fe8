"""`allyforge runs [show|export|delete RUN]`, `allyforge report RUN`, `allyforge serve`: the store-facing verbs."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from allyforge.cli import app
from allyforge.cli.output import EXIT_FAILURE, console, fail, table

STORE_OPT = typer.Option(None, "--store", envvar="ALLYFORGE_STORE", help="Store folder (default: the user's data folder).")

runs_app = typer.Typer(help="List stored runs; show, export or delete one.", invoke_without_command=True, no_args_is_help=False)
app.add_typer(runs_app, name="runs")


def _store(path: Path | None):
    from allyforge.store import StoreBusy, open_store

    try:
        return open_store(path)
    except (OSError, StoreBusy) as e:
        fail(f"cannot open the store at {path or 'the default location'}: {e}", EXIT_FAILURE)


def _run(st, run_id: str):
    from allyforge.store import StoreError

    try:
        return st.run(run_id)
    except StoreError as e:
        fail(str(e))


def store_result(result, network, scenario, summary: dict | None, store: Path | None, settings: dict, engine: str = "simulate", label: str | None = None) -> str:
    """Keep an engine command's result in the store; returns the run id (exit 1 when the store fails).

    `summary` None: the result's adapter (or its own `summary()`) makes it; the seed is the
    adapter's, else the scenario's."""
    from allyforge.store import StoreBusy, record_run

    try:
        return record_run(result, engine=engine, network=network, scenario=scenario, settings=settings, store=_store(store), summary=summary, label=label)
    except (OSError, StoreBusy) as e:
        fail(f"the result could not be stored: {e}", EXIT_FAILURE)


@runs_app.callback()
def runs_list(
    ctx: typer.Context,
    store: Path = STORE_OPT,
    engine: str = typer.Option(None, "--engine", help="Only runs of this engine."),
    limit: int = typer.Option(50, "--limit", help="Newest N runs."),
) -> None:
    """List stored runs, newest first."""
    if ctx.invoked_subcommand:
        ctx.obj = store
        return
    st = _store(store)
    rows = [(r.id, r.engine, r.scenario_name or r.label or "", r.pack_name or "", r.seed, r.status, r.finished or r.started or r.created, r.who) for r in st.runs(engine=engine, limit=limit)]
    console.print(table(f"Runs in {st.root}", ["run", "engine", "scenario", "pack", "seed", "status", "when", "who"], rows))


def _pick_store(ctx: typer.Context, store: Path | None) -> Path | None:
    return store if store is not None else ctx.obj


@runs_app.command("show")
def runs_show(ctx: typer.Context, run: str = typer.Argument(..., help="Run id (or a unique prefix)."), store: Path = STORE_OPT, fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """Show a run's provenance, summary and tables."""
    st = _store(_pick_store(ctx, store))
    r = _run(st, run)
    if fmt == "json":
        typer.echo(json.dumps(r.as_dict(), indent=1, default=str))
        return
    if fmt != "table":
        fail(f"unknown format {fmt!r}: table or json")
    fields = [("run", r.id), ("engine", r.engine), ("status", r.status), ("scenario", f"{r.scenario_name} ({r.scenario_hash})"), ("pack", f"{r.pack_name} ({r.pack_hash})"),
              ("seed", r.seed), ("settings", json.dumps(r.settings)), ("code version", r.code_version), ("who", r.who), ("started", r.started), ("finished", r.finished),
              ("seconds", r.seconds), ("error", r.error), ("tables", ", ".join(r.tables))]
    console.print(table(f"Run {r.id}", ["field", "value"], fields))
    from allyforge.report.sections import answer_table

    answer = answer_table(st, r)
    if answer is not None:
        title, a = answer
        console.print(table(title, list(a.columns), a.itertuples(index=False, name=None)))


@runs_app.command("export")
def runs_export(
    ctx: typer.Context,
    run: str = typer.Argument(..., help="Run id (or a unique prefix)."),
    out: Path = typer.Option(None, "--out", help="Folder to write (default ./<run id>)."),
    fmt: str = typer.Option("parquet", "--format", help="parquet, csv or xlsx."),
    store: Path = STORE_OPT,
) -> None:
    """Write every result table of a run plus run.json (provenance) to a folder."""
    from allyforge.store import StoreError

    st = _store(_pick_store(ctx, store))
    r = _run(st, run)
    try:
        files = st.export(r.id, out or Path(r.id), fmt)
    except StoreError as e:
        fail(str(e))
    console.print(f"wrote {len(files)} file(s) to {files[0].parent}", highlight=False)


@runs_app.command("delete")
def runs_delete(ctx: typer.Context, run: str = typer.Argument(..., help="Run id (or a unique prefix)."), store: Path = STORE_OPT) -> None:
    """Delete a run and its result tables."""
    from allyforge.store import StoreError

    st = _store(_pick_store(ctx, store))
    r = _run(st, run)
    try:
        st.delete_run(r.id)
    except StoreError as e:
        fail(str(e))
    console.print(f"deleted run {r.id}", highlight=False)


@app.command()
def report(
    run: str = typer.Argument(..., help="Run id (or a unique prefix)."),
    out: Path = typer.Option(None, "--out", help="HTML file to write (default report-<run>.html)."),
    store: Path = STORE_OPT,
) -> None:
    """Write a run's self-contained HTML report (opens offline; charts embedded)."""
    from allyforge.report import write_report

    st = _store(store)
    r = _run(st, run)
    if r.status != "done":
        fail(f"run {r.id} is {r.status}; it has no results to report" + (f" ({r.error})" if r.error else ""))
    path = write_report(st, r.id, out or Path(f"report-{r.id}.html"))
    console.print(f"wrote {path}", highlight=False)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default loopback only)."),
    port: int = typer.Option(8765, "--port"),
    store: Path = STORE_OPT,
    token: str = typer.Option(None, "--token", envvar="ALLYFORGE_TOKEN", help="API bearer token (default: a fresh random one)."),
    max_jobs: int = typer.Option(2, "--max-jobs", help="Runs allowed at once."),
) -> None:
    """Serve the HTTP API and the web dashboard; prints a one-time login URL."""
    import uvicorn

    from allyforge.api import Settings, create_app

    st = _store(store)
    settings = Settings(token=token, max_jobs=max_jobs)
    api = create_app(st, settings)
    base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    console.print(f"store: {st.root}", highlight=False)
    console.print(f"open the dashboard (one-time login link): [bold]{base}/login/{api.state.auth.issue_login()}[/]", highlight=False, soft_wrap=True)
    console.print(f"API bearer token for writes: {settings.token}", highlight=False, soft_wrap=True)
    console.print(f"OpenAPI: {base}/docs (JSON at {base}/openapi.json)", highlight=False)
    uvicorn.run(api, host=host, port=port, log_level="warning")
