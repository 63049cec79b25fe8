"""The HTTP API under /api: packs, scenarios, runs, results, export, health."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from allyforge import __version__
from allyforge.api import packs as packs_mod
from allyforge.api import scenarios as scen_mod
from allyforge.api.limits import check_run_size
from allyforge.api.risk_runs import RiskOptions
from allyforge.store import Store, StoreError, UnknownRun

router = APIRouter(prefix="/api")


def store_of(request: Request) -> Store:
    return request.app.state.store


def writer(request: Request) -> str:
    return request.app.state.auth.require_bearer(request)


class ScenarioIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    yaml: str = Field(description="The scenario in DESIGN's YAML format")


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    scenario: str | None = Field(None, description="A stored scenario (hash or name) or a bundled scenario's name")
    yaml: str | None = Field(None, description="Or the scenario's YAML text")
    pack: str | None = Field(None, description="Overrides the scenario's pack (a risk run without a scenario needs it)")
    samples: int | None = Field(None, ge=1)
    seed: int | None = Field(None, ge=0)
    engine: str = Field("simulate", description="simulate, or risk (a scenario is then optional and `risk` holds its options)")
    sensitivity: bool = Field(False, description="Also compute the one-at-a-time sensitivity (reruns the engine twice per ranged assumption: slow)")
    risk: RiskOptions | None = Field(None, description="Options of a risk run (engine risk), as `allyforge risk` takes them")


def run_json(run) -> dict[str, Any]:
    d = run.as_dict()
    d["links"] = {"self": f"/api/runs/{run.id}", "tables": f"/api/runs/{run.id}/tables", "export": f"/api/runs/{run.id}/export", "report": f"/api/runs/{run.id}/report", "page": f"/runs/{run.id}"}
    return d


def get_run(store: Store, run_id: str):
    try:
        return store.run(run_id)
    except UnknownRun as e:
        raise HTTPException(404, str(e)) from None
    except StoreError as e:
        raise HTTPException(400, str(e)) from None


@router.get("/health", summary="Liveness and what the server runs")
def health(request: Request) -> dict:
    st = store_of(request)
    return {"status": "ok", "version": __version__, "store": str(st.root), "jobs_running": request.app.state.jobs.active(), "max_jobs": request.app.state.settings.max_jobs, "engines": sorted(request.app.state.settings.engines)}


@router.get("/packs", summary="Bundled and uploaded packs")
def list_packs(request: Request) -> list[dict]:
    return [{k: v for k, v in p.items() if k != "location"} for p in packs_mod.all_packs(store_of(request))]


@router.post("/packs", status_code=201, summary="Upload a pack (.zip of a pack folder, or .xlsx); 422 lists every problem with file, row and column")
async def upload_pack(request: Request, file: UploadFile = File(...), who: str = Depends(writer)) -> dict:
    data = await file.read()
    return packs_mod.save_upload(store_of(request), file.filename or "upload", data)


@router.get("/scenarios", summary="Stored scenarios")
def list_scenarios(request: Request) -> list[dict]:
    return store_of(request).scenarios()


def _validated(request: Request, body: ScenarioIn):
    scn = scen_mod.parse(body.yaml)
    if scn.pack:
        net = packs_mod.load(packs_mod.resolve(store_of(request), scn.pack))
        scen_mod.check_against_pack(scn, net)
    return scn


@router.post("/scenarios/validate", summary="Check a scenario; 422 lists every problem with line and field")
def validate_scenario(request: Request, body: ScenarioIn) -> dict:
    scn = _validated(request, body)
    return {"valid": True, "name": scn.name, "pack": scn.pack, "events": len(scn.events)}


@router.post("/scenarios", status_code=201, summary="Validate and store a scenario")
def create_scenario(request: Request, body: ScenarioIn, who: str = Depends(writer)) -> dict:
    scn = _validated(request, body)
    h = store_of(request).add_scenario(scn.name, body.yaml, scn.pack, who)
    return {"hash": h, "name": scn.name, "pack": scn.pack}


def _check_engine_fields(body: RunIn) -> None:
    """The request's fields fit its engine: a risk run reads one moment, a simulation a scenario's samples."""
    if body.engine == "risk":
        if body.samples is not None or body.sensitivity:
            raise HTTPException(422, "`samples` and `sensitivity` belong to simulate runs; a risk run reads one sample (`risk.sample`)")
        if body.scenario and body.yaml:
            raise HTTPException(422, "give at most one of `scenario` (a stored or bundled scenario) or `yaml` (its text)")
        if not (body.scenario or body.yaml or body.pack):
            raise HTTPException(422, "a risk run needs `pack` (or a scenario that names its pack)")
        return
    if body.risk is not None:
        raise HTTPException(422, "`risk` options belong to risk runs (engine: risk)")
    if bool(body.scenario) == bool(body.yaml):
        raise HTTPException(422, "give exactly one of `scenario` (a stored or bundled scenario) or `yaml` (its text)")


def start_run(request: Request, body: RunIn, who: str) -> dict:
    """Shared by the API and the dashboard's forms: validate, check limits, then start a worker."""
    from allyforge.api import risk_runs

    app = request.app
    st = store_of(request)
    engines = app.state.settings.engines
    if body.engine not in engines:
        raise HTTPException(422, f"unknown engine {body.engine!r}; this server runs: {', '.join(sorted(engines))}")
    _check_engine_fields(body)
    given_pack = packs_mod.resolve(st, body.pack) if body.pack else None
    text = label = scn = None
    if body.scenario or body.yaml:
        text, label = (body.yaml, "scenario") if body.yaml else scen_mod.text_of(st, body.scenario, given_pack)
        scn = scen_mod.parse(text, label)
    pack_name = body.pack or (scn.pack if scn is not None else None)
    if not pack_name:
        raise HTTPException(422, "the scenario names no pack; give `pack`")
    location = packs_mod.resolve(st, pack_name)
    net = packs_mod.load(location)
    if scn is not None:
        scen_mod.check_against_pack(scn, net)
        if body.seed is not None:
            scn = scn.with_overrides(seed=body.seed)
    options: dict[str, Any] = {}
    if body.engine == "risk":
        opts = body.risk or RiskOptions()
        period = risk_runs.check(net, scn, opts)
        samples, options = 1, opts.kwargs()
        settings = {**options, "sample": opts.sample if scn is not None else None}  # without a scenario no sample is drawn
        run_label = f"risk as of {period}" + (f" under {scn.name}" if scn is not None else "")
    else:
        samples = body.samples or scn.samples
        settings, run_label = {"samples": samples, "sensitivity": body.sensitivity}, scn.name
    periods = (scn.periods if scn is not None else None) or len(net.periods)
    check_run_size(samples, net, periods, app.state.settings.max_cells)
    app.state.jobs.reserve()
    scen_hash = st.add_scenario(scn.name, text, pack_name, who) if scn is not None else None
    run_id = st.create_run(
        body.engine, label=run_label, pack_hash=net.content_hash, pack_name=net.name, scenario_hash=scen_hash, scenario_name=scn.name if scn is not None else None,
        seed=scn.seed if scn is not None else None, settings=settings, who_=who, status="queued",
    )
    app.state.jobs.start({
        "store": str(st.root), "run_id": run_id, "engine": body.engine, "engine_path": engines[body.engine], "pack": location,
        "scenario_text": text, "scenario_label": label, "samples": body.samples, "seed": body.seed, "sensitivity": body.sensitivity,
        "options": options, "settings": settings,
    })
    return run_json(st.run(run_id))


@router.post("/runs", status_code=202, summary="Start a run as a background job (simulate a scenario, or risk of a pack: engine risk); 422 lists every problem")
def create_run(request: Request, body: RunIn, who: str = Depends(writer)) -> dict:
    return start_run(request, body, who)


@router.get("/runs", summary="Runs, newest first")
def list_runs(request: Request, engine: str | None = None, status: str | None = None, limit: int = Query(50, ge=1, le=1000)) -> list[dict]:
    return [run_json(r) for r in store_of(request).runs(engine=engine, status=status, limit=limit)]


@router.get("/runs/{run_id}", summary="A run's status, progress and provenance")
def show_run(request: Request, run_id: str) -> dict:
    return run_json(get_run(store_of(request), run_id))


@router.post("/runs/{run_id}/cancel", status_code=202, summary="Cancel a queued or running run")
def cancel_run(request: Request, run_id: str, who: str = Depends(writer)) -> dict:
    run = get_run(store_of(request), run_id)
    status = request.app.state.jobs.cancel(run.id)
    return {"id": run.id, "status": status}


@router.delete("/runs/{run_id}", summary="Delete a finished run and its results")
def delete_run(request: Request, run_id: str, who: str = Depends(writer)) -> dict:
    st = store_of(request)
    run = get_run(st, run_id)
    try:
        st.delete_run(run.id)
    except StoreError as e:
        raise HTTPException(409, str(e)) from None
    return {"id": run.id, "deleted": True}


def _done(st: Store, run_id: str):
    run = get_run(st, run_id)
    if run.status != "done":
        raise HTTPException(409, f"run {run.id} is {run.status}; it has no results" + (f" ({run.error})" if run.error else ""))
    return run


@router.get("/runs/{run_id}/tables", summary="The run's result tables and their columns")
def tables(request: Request, run_id: str) -> dict:
    st = store_of(request)
    run = _done(st, run_id)
    return {t: st.columns(run.id, t) for t in run.tables}


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts, numbers exact (shortest round-trip repr, not pandas' 10 digits); NaN is null."""
    out = df.astype(object).where(df.notna(), None)
    return jsonable_encoder(out.to_dict(orient="records"))


def _where(where: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in where:
        col, sep, val = w.partition(":")
        if not sep or not col:
            raise HTTPException(422, f"filter {w!r} must read column:value")
        out.setdefault(col, []).append(val)
    return out


@router.get("/runs/{run_id}/results/{table}", summary="Rows of one result table, filtered (where=column:value, repeatable) and paged")
def results(request: Request, run_id: str, table: str, where: list[str] = Query([]), limit: int = Query(100, ge=1), offset: int = Query(0, ge=0)) -> dict:
    st = store_of(request)
    run = _done(st, run_id)
    cap = request.app.state.settings.page_limit
    if limit > cap:
        raise HTTPException(422, f"limit {limit} is over the page cap of {cap}; page with offset")
    try:
        df, total = st.query(run.id, table, _where(where), limit=limit, offset=offset)
    except StoreError as e:
        raise HTTPException(404 if "no table" in str(e) else 422, str(e)) from None
    rows = records(df)
    return {"run": run.id, "table": table, "total": total, "limit": limit, "offset": offset, "rows": rows, "next": offset + limit if offset + limit < total else None}


@router.get("/runs/{run_id}/export", summary="Every table of the run plus run.json, zipped")
def export(request: Request, run_id: str, format: Literal["parquet", "csv", "xlsx"] = "parquet") -> StreamingResponse:
    st = store_of(request)
    run = _done(st, run_id)
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as d:
        files = st.export(run.id, d, format)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in files:
                zf.write(f, Path(f).name)
    buf.seek(0)
    return StreamingResponse(buf, media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{run.id}-{format}.zip"'})


@router.get("/runs/{run_id}/report", response_class=HTMLResponse, summary="The run's self-contained HTML report")
def report(request: Request, run_id: str) -> HTMLResponse:
    from allyforge.report import render_report

    st = store_of(request)
    run = _done(st, run_id)
    return HTMLResponse(render_report(st, run.id))


