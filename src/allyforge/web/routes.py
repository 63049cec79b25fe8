"""Dashboard pages: runs, a run (live progress, then results), comparison, packs, scenario builder, risk."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from allyforge.api import packs as packs_mod
from allyforge.api import scenarios as scen_mod
from allyforge.api.auth import COOKIE
from allyforge.report import figures, views
from allyforge.report.render import frame_html
from allyforge.report.sections import run_sections
from allyforge.store import ACTIVE_STATUSES, StoreError, UnknownRun
from allyforge.web.forms import FormProblem, scenario_from_form, to_yaml

router = APIRouter(include_in_schema=False)

STATIC = {
    "plotly.min.js": ("plotly", "package_data/plotly.min.js", "text/javascript"),
    "style.css": ("allyforge.report", "templates/style.css", "text/css"),
    "app.js": ("allyforge.web", "static/app.js", "text/javascript"),
}


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("allyforge.web", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["frame"] = frame_html
    env.filters["chart"] = lambda pair: Markup(figures.figure_html(pair[1], pair[0]))
    return env


def page(request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
    auth = request.app.state.auth
    has_risk = bool(request.app.state.store.runs(engine="risk", status="done", limit=1))
    html = _env().get_template(template).render(request=request, csrf=auth.csrf_for(request), logged_in=auth.session(request) is not None, has_risk=has_risk, **ctx)
    return HTMLResponse(html, status_code=status)


async def form_of(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items()}


def check_form(request: Request, form: dict[str, str]) -> str:
    return request.app.state.auth.require_form(request, form.get("csrf"))


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(404, "no such asset")
    pkg, rel, media = STATIC[name]
    path = Path(str(resources.files(pkg).joinpath(rel)))
    return FileResponse(path, media_type=media, headers={"Cache-Control": "max-age=3600"})


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/runs", status_code=303)


@router.get("/login/{code}")
def login(request: Request, code: str) -> Response:
    sid = request.app.state.auth.redeem(code)
    if sid is None:
        return page(request, "message.html.j2", 403, title="Login link not valid", message="This login link was already used or has expired. Run `allyforge serve` again for a fresh link.")
    resp = RedirectResponse("/runs", status_code=303)
    resp.set_cookie(COOKIE, sid, httponly=True, samesite="strict", secure=request.app.state.settings.secure_cookie, path="/")
    return resp


COMPARABLE = ("simulate",)  # engines whose runs the compare page reads (deliveries by program)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request) -> HTMLResponse:
    runs = request.app.state.store.runs(limit=200)
    latest_risk = next((r for r in runs if r.engine == "risk" and r.status == "done"), None)
    return page(request, "runs.html.j2", title="Runs", runs=runs, done=[r for r in runs if r.status == "done" and r.engine in COMPARABLE], latest_risk=latest_risk)


def _run_or_404(request: Request, run_id: str):
    try:
        return request.app.state.store.run(run_id)
    except UnknownRun as e:
        raise HTTPException(404, str(e)) from None
    except StoreError as e:
        raise HTTPException(400, str(e)) from None


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> HTMLResponse:
    st = request.app.state.store
    run = _run_or_404(request, run_id)
    sections = run_sections(st, run) if run.status == "done" else []
    others = [r for r in st.runs(status="done", limit=200) if r.id != run.id and r.engine == run.engine] if run.engine in COMPARABLE else []
    return page(request, "run.html.j2", title=f"Run {run.id}", run=run, active=run.status in ACTIVE_STATUSES, sections=sections, others=others)


@router.post("/runs/{run_id}/cancel")
async def run_cancel(request: Request, run_id: str) -> Response:
    check_form(request, await form_of(request))
    run = _run_or_404(request, run_id)
    request.app.state.jobs.cancel(run.id)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.post("/runs")
async def run_start(request: Request) -> Response:
    from allyforge.api.routes import RunIn

    form = await form_of(request)
    return _start_from_form(request, form, "Cannot start the run", lambda: RunIn(
        scenario=form.get("scenario") or None, samples=int(form["samples"]) if form.get("samples") else None,
        seed=int(form["seed"]) if form.get("seed") else None, engine=form.get("engine") or "simulate", sensitivity=bool(form.get("sensitivity"))))


def _start_from_form(request: Request, form: dict, title: str, body_of) -> Response:  # type: ignore[no-untyped-def]
    """Start the run a dashboard form describes: 422 page for a malformed form, the API's status for a refused run."""
    from allyforge.api.routes import start_run

    who = check_form(request, form)
    try:
        body = body_of()
    except ValueError as e:
        return page(request, "message.html.j2", 422, title=title, message=str(e))
    try:
        run = start_run(request, body, who)
    except HTTPException as e:
        return page(request, "message.html.j2", e.status_code, title=title, message=_detail(e.detail), problems=_problems(e.detail))
    return RedirectResponse(f"/runs/{run['id']}", status_code=303)


def _detail(d) -> str:
    return d.get("message", str(d)) if isinstance(d, dict) else str(d)


def _problems(d) -> list[dict]:
    return d.get("problems", []) if isinstance(d, dict) else []


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, a: str, b: str) -> HTMLResponse:
    st = request.app.state.store
    ra, rb = _run_or_404(request, a), _run_or_404(request, b)
    if ra.status != "done" or rb.status != "done":
        return page(request, "message.html.j2", 409, title="Cannot compare", message="Both runs must be finished.")
    da, db = views.deliveries(st, ra), views.deliveries(st, rb)
    if da is None or db is None:
        return page(request, "message.html.j2", 422, title="Cannot compare", message="Comparison needs two runs with deliveries by program (simulation runs).")
    aa, ab = views.answer(da), views.answer(db)
    la, lb = f"{ra.scenario_name or ra.label} ({ra.id})", f"{rb.scenario_name or rb.label} ({rb.id})"
    diff = aa[["program", "party", "required", "delivered_p50"]].merge(ab[["program", "party", "delivered_p50"]], on=["program", "party"], how="outer", suffixes=(" A", " B"))
    diff["B − A"] = diff["delivered_p50 B"] - diff["delivered_p50 A"]
    charts = [("chart-compare", figures.compare_figure(aa, ab, la, lb))]
    shortfalls = [("chart-shortfall-a", figures.shortfall_figure(views.shortfall_timeline(da), f"Shortfall: {la}")), ("chart-shortfall-b", figures.shortfall_figure(views.shortfall_timeline(db), f"Shortfall: {lb}"))]
    return page(request, "compare.html.j2", title="Compare runs", a=ra, b=rb, la=la, lb=lb, charts=charts, shortfalls=shortfalls, diff=diff.round(3))


@router.get("/packs", response_class=HTMLResponse)
def packs_page(request: Request) -> HTMLResponse:
    return page(request, "packs.html.j2", title="Packs", packs=packs_mod.all_packs(request.app.state.store))


@router.get("/packs/{name}", response_class=HTMLResponse)
def pack_page(request: Request, name: str) -> HTMLResponse:
    from allyforge.pack import summary
    from allyforge.report.flows import material_flows

    try:
        net = packs_mod.load(packs_mod.resolve(request.app.state.store, name))
    except HTTPException as e:
        return page(request, "message.html.j2", 404, title="No such pack", message=_detail(e.detail), problems=_problems(e.detail))
    flows = material_flows(net)
    tables = [("Programs", summary.programs(net)), ("Tiers", summary.tiers(net)), ("Countries", summary.countries(net)), ("Critical materials: production by country", summary.materials(net)), ("Trade rules", summary.rules(net))]
    chart = ("chart-sankey", figures.sankey_figure(flows)) if len(flows) else None
    return page(request, "pack.html.j2", title=f"Pack {net.name}", net=net, tables=tables, chart=chart)


def _builder_defaults(request: Request) -> dict:
    return {"packs": packs_mod.all_packs(request.app.state.store)}


@router.get("/scenarios/new", response_class=HTMLResponse)
def scenario_new(request: Request) -> HTMLResponse:
    return page(request, "scenario_new.html.j2", title="Build a scenario", form={"ban_destination": "JP", "ban_end_use": "any", "samples": "100", "seed": "2026"}, **_builder_defaults(request))


@router.post("/scenarios")
async def scenario_save(request: Request) -> Response:
    form = await form_of(request)
    who = check_form(request, form)
    try:
        data = scenario_from_form(form)
    except FormProblem as e:
        return page(request, "scenario_new.html.j2", 422, title="Build a scenario", form=form, problems=[{"field": None, "line": None, "message": str(e)}], **_builder_defaults(request))
    text = to_yaml(data)
    try:
        scn = scen_mod.parse(text, "form")
        if scn.pack:
            scen_mod.check_against_pack(scn, packs_mod.load(packs_mod.resolve(request.app.state.store, scn.pack)))
    except HTTPException as e:
        return page(request, "scenario_new.html.j2", 422, title="Build a scenario", form=form, yaml=text, problems=_problems(e.detail) or [{"field": None, "line": None, "message": _detail(e.detail)}], **_builder_defaults(request))
    if form.get("action") == "validate":
        return page(request, "scenario_new.html.j2", title="Build a scenario", form=form, yaml=text, valid=True, **_builder_defaults(request))
    h = request.app.state.store.add_scenario(scn.name, text, scn.pack, who)
    return page(request, "scenario_saved.html.j2", title=f"Scenario {scn.name}", name=scn.name, hash=h, yaml=text, samples=scn.samples)


@router.get("/risk", response_class=HTMLResponse)
def risk_page(request: Request) -> HTMLResponse:
    """The newest stored risk run (top risks, the risk charts, the tables), and a form to start one."""
    st = request.app.state.store
    runs = st.runs(engine="risk", status="done", limit=50)
    sections = run_sections(st, runs[0]) if runs else []
    return page(request, "risk.html.j2", title="Risk", runs=runs, sections=sections, packs=packs_mod.all_packs(st))


@router.post("/risk")
async def risk_start(request: Request) -> Response:
    from allyforge.api.risk_runs import RiskOptions
    from allyforge.api.routes import RunIn

    form = await form_of(request)
    return _start_from_form(request, form, "Cannot start the risk run", lambda: RunIn(
        engine="risk", pack=form.get("pack") or None, scenario=(form.get("scenario") or "").strip() or None,
        risk=RiskOptions(at=(form.get("at") or "").strip() or None, sample=int(form.get("sample") or 0))))


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API reference rendered from the published OpenAPI document, with no outside assets."""
    spec = request.app.openapi()
    ops = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            params = [f"{p['name']} ({p['in']}{', required' if p.get('required') else ''})" for p in op.get("parameters", [])]
            body = next(iter(op.get("requestBody", {}).get("content", {})), None)
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""), "params": params, "body": body, "codes": sorted(op.get("responses", {}))})
    return page(request, "docs.html.j2", title="HTTP API", ops=ops, description=spec["info"].get("description", ""))
