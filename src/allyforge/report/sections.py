"""A run's content as sections (title, prose, charts, tables) shared by the report and the dashboard.

Each engine adds its own builder to `BUILDERS` (a function, or "module:function" for
builders in their own module) and the table `allyforge runs show` prints to `ANSWERS`;
a run whose engine has none gets the generic sections (every result table, a chart
where one can be drawn). The context sections (scenario, assumptions, uncertain facts,
sources, provenance) are the same for every engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

import pandas as pd
from markupsafe import escape as e_

from allyforge.report import figures, views
from allyforge.store import Run, Store


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[tuple[str, object]] = field(default_factory=list)  # (div id, plotly Figure)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)  # (caption, frame)
    notes: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)  # HTML (data escaped), shown after the charts


def _fmt(v: float) -> str:
    if v != v:
        return "–"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"


def _headline(a: pd.DataFrame) -> str:
    """One sentence: how many programs are delivered in full at P50, and the largest shortfall."""
    short = (a["required"] - a["delivered_p50"]).clip(lower=0)
    full = int((short <= 1e-9 * a["required"].abs().clip(lower=1)).sum())
    text = f"At P50, {full} of {len(a)} program lines are delivered in full over the horizon."
    if short.max() > 0:
        w = a.loc[short.idxmax()]
        text += f" The largest shortfall: <strong>{e_(w['program'])}</strong> ({e_(w['party'])}), {_fmt(short.max())} of {_fmt(w['required'])} not delivered."
    return text


def simulate_sections(store: Store, run: Run) -> list[Section]:
    d = views.deliveries(store, run)
    out: list[Section] = []
    if d is None:
        return generic_sections(store, run)
    a = views.answer(d)
    ans = Section("answer", "The answer")
    ans.paragraphs.append(_headline(a))
    for _, r in a.sort_values(["party", "program"]).iterrows():
        fill = f"{r['fill_p50']:.0%}" if r["fill_p50"] == r["fill_p50"] else "–"
        ans.bullets.append(
            f"<strong>{e_(r['program'])}</strong> ({e_(r['party'] or 'all parties')}): {_fmt(r['delivered_p50'])} delivered of {_fmt(r['required'])} required "
            f"at P50 ({fill}); P10–P90 {_fmt(r['delivered_p10'])}–{_fmt(r['delivered_p90'])}."
        )
    warn = views.few_samples_warning(a)
    engine_warnings = list((run.summary or {}).get("warnings") or [])
    ans.notes += engine_warnings or ([warn] if warn else [])
    ans.charts.append(("chart-answer", figures.answer_figure(a)))
    ans.tables.append(("Required vs delivered per program and party (quantiles across samples)", a.round(3)))
    progs = views.optional_table(store, run, "programs")
    if progs is not None and "binding" in progs:
        ans.tables.append(("The engine's answer per program: shortfall, chance of any shortfall, first short period, binding constraint", progs))
    out.append(ans)
    t = views.shortfall_timeline(d)
    out.append(Section("shortfall", "Shortfall timeline", ["Cumulative unmet requirement by period: required so far minus delivered so far; the band is P10–P90 across samples."], [("chart-shortfall", figures.shortfall_figure(t))]))
    b = views.optional_table(store, run, "binding", "binding_constraints", "bottlenecks")
    sec = Section("binding", "Binding constraints")
    if b is not None and len(b):
        sec.tables.append(("What limited delivery, where and when", b.head(200)))
    else:
        sec.paragraphs.append("The engine named no binding constraint for this run.")
    out.append(sec)
    out += extra_tables(store, run, {"deliveries", "programs", "program_deliveries", "service", "results", "binding", "binding_constraints", "bottlenecks", "sensitivity", "demand", "node", "process", "lane", "costs"})
    return out


def generic_sections(store: Store, run: Run, skip: set[str] = frozenset()) -> list[Section]:
    return extra_tables(store, run, set(skip))


def extra_tables(store: Store, run: Run, skip: set[str]) -> list[Section]:
    out = []
    for t in views.engine_tables(run):
        if t in skip:
            continue
        df = store.table(run.id, t)
        sec = Section(f"table-{t}", f"Result table: {t}", [f"{len(df):,} rows; first rows shown, every row in the export."])
        fig = figures.generic_figure(df, t)
        if fig is not None:
            sec.charts.append((f"chart-{t}", fig))
        sec.tables.append((t, df.head(50)))
        out.append(sec)
    return out


def simulate_answer(store: Store, run: Run) -> tuple[str, pd.DataFrame] | None:
    d = views.deliveries(store, run)
    return ("Required vs delivered over the horizon", views.answer(d)) if d is not None else None


Builder = Callable[[Store, Run], list[Section]]
Answer = Callable[[Store, Run], "tuple[str, pd.DataFrame] | None"]
BUILDERS: dict[str, Builder | str] = {
    "simulate": simulate_sections,
    "risk": "allyforge.report.risk_sections:risk_sections",
    "schedule": "allyforge.report.schedule_sections:schedule_sections",
    "optimize": "allyforge.report.optimize_sections:optimize_sections",
}
ANSWERS: dict[str, Answer | str] = {
    "simulate": simulate_answer,
    "risk": "allyforge.report.risk_sections:risk_answer",
    "schedule": "allyforge.report.schedule_sections:schedule_answer",
    "optimize": "allyforge.report.optimize_sections:optimize_answer",
}


def _resolve(entry: Callable | str) -> Callable:
    if callable(entry):
        return entry
    module, _, name = entry.partition(":")
    return getattr(import_module(module), name)


def answer_table(store: Store, run: Run) -> tuple[str, pd.DataFrame] | None:
    """(title, table): the run's answer in one table, for the terminal; None when its engine has none."""
    entry = ANSWERS.get(run.engine)
    return _resolve(entry)(store, run) if entry is not None and run.status == "done" else None


def context_sections(store: Store, run: Run) -> list[Section]:
    out = []
    body = views.scenario_body(store, run)
    scen = Section("scenario", "Events and rules in force")
    if body:
        rules = body.get("rules") or {}
        scen.paragraphs.append(
            f"Scenario <strong>{e_(body.get('name', run.scenario_name or ''))}</strong> on pack {e_(body.get('pack', run.pack_name or ''))}: "
            f"start {e_(body.get('start', '–'))}, {e_(body.get('periods', '–'))} periods, {e_(body.get('samples', '–'))} samples, seed {e_(body.get('seed', run.seed))}."
        )
        if rules:
            scen.paragraphs.append(f"Rules as of {e_(rules.get('as_of', '–'))}; disabled: {e_(', '.join(map(str, rules.get('disable') or [])) or 'none')}; added: {len(rules.get('add') or [])}.")
        ev = body.get("events") or []
        if ev:
            scen.tables.append(("Events", pd.DataFrame([{k: (v if isinstance(v, (str, int, float)) else str(v)) for k, v in e.items()} for e in ev])))
        else:
            scen.paragraphs.append("No events: the pack as it stands.")
    else:
        scen.paragraphs.append("No scenario was recorded with this run.")
    pr = views.optional_table(store, run, "pack_rules")
    if pr is not None and len(pr):
        scen.tables.append(("Trade rules in the pack", pr))
    out.append(scen)
    sec = Section("assumptions", "Assumptions and sensitivity")
    a = views.optional_table(store, run, "pack_assumptions")
    s = views.optional_table(store, run, "sensitivity")
    if s is not None and len(s):
        sec.tables.append(("One-at-a-time sensitivity of the answer", s.head(100)))
    else:
        sec.paragraphs.append("This run computed no sensitivity; the figures below are the assumptions the answer rests on, with their ranges.")
    if a is not None and len(a):
        sec.tables.append((f"Assumptions ({len(a)} figures)", a))
    out.append(sec)
    src = views.optional_table(store, run, "pack_sources")
    unc = Section("uncertain", "Uncertain facts used")
    if src is not None and "uncertain" in src:
        u = src[src["uncertain"].astype(str).str.lower().isin(["true", "1"])]
        if len(u):
            unc.tables.append((f"{len(u)} sources flagged uncertain", u))
        else:
            unc.paragraphs.append("No source is flagged uncertain.")
    else:
        unc.paragraphs.append("No source list was stored with this run.")
    out.append(unc)
    out.append(Section("sources", "Sources", tables=[("Every source in the pack", src)] if src is not None else [], paragraphs=[] if src is not None else ["No source list was stored with this run."]))
    prov = pd.DataFrame(
        [
            ("run", run.id), ("engine", run.engine), ("status", run.status), ("pack", f"{run.pack_name} ({run.pack_hash})"),
            ("scenario", f"{run.scenario_name} ({run.scenario_hash})"), ("seed", run.seed), ("solver / engine settings", str(run.settings)),
            ("code version", run.code_version), ("who", run.who), ("started", run.started), ("finished", run.finished), ("seconds", run.seconds),
            ("stored tables (all in the export)", ", ".join(run.tables)),
        ],
        columns=["field", "value"],
    )
    out.append(Section("provenance", "Provenance", tables=[("How this answer was produced", prov.astype(str))]))
    return out


def run_sections(store: Store, run: Run) -> list[Section]:
    return _resolve(BUILDERS.get(run.engine, generic_sections))(store, run) + context_sections(store, run)
