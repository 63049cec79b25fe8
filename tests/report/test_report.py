"""The HTML report: answer first, every section, self-contained, and drawn with the network blocked."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

import allyforge
from allyforge.report import render_report, write_report
from allyforge.report import views
from allyforge.store import open_store, record_run
from tests.api.helpers import TINY
from tests.web.chromium import chromium

SCENARIO = {"name": "tiny-ban", "pack": "tiny", "start": "2026-01", "periods": 12, "samples": 50, "seed": 3, "rules": {"as_of": "2026-01-06", "disable": [], "add": []},
            "events": [{"type": "export_ban", "origin": "CN", "destination": "JP", "items": ["ore"], "start": "2026-02", "duration": {"uniform": [2, 4]}}]}


def deliveries(samples: int = 50) -> pd.DataFrame:
    """Known numbers: program P needs 10 a period for 4 periods; sample s delivers s/(samples-1) of it, so quantiles are exact."""
    rows = []
    for s in range(samples):
        for t, period in enumerate(["2026-03", "2026-04", "2026-05", "2026-06"]):
            rows.append((s, period, "missile-jp", "JP", 10.0, 10.0 * s / (samples - 1)))
            rows.append((s, period, "missile-us", "US", 20.0, 20.0))
    return pd.DataFrame(rows, columns=["sample", "period", "program", "party", "required", "delivered"])


@pytest.fixture
def stored(tmp_path):
    st = open_store(tmp_path / "store")
    net = allyforge.load_pack(TINY)
    rid = record_run({"deliveries": deliveries(), "binding": pd.DataFrame({"period": ["2026-03"], "program": ["missile-jp"], "constraint": ["ban on lane ore-cn-jp"]}),
                      "sensitivity": pd.DataFrame({"assumption": ["us-assembly metal per run"], "low": [0.9], "high": [1.0]})},
                     engine="simulate", network=net, scenario=SCENARIO, store=st)
    return st, rid


def test_answer_quantiles_are_exact(stored):
    st, rid = stored
    a = views.answer(views.deliveries(st, st.run(rid))).set_index("program")
    # totals per sample: 40 * s/49 for s = 0..49; numpy's linear quantile of an arithmetic sequence is exact
    s = 40 * np.arange(50) / 49
    assert a.loc["missile-jp", "delivered_p10"] == pytest.approx(np.quantile(s, 0.1), rel=1e-12)
    assert a.loc["missile-jp", "delivered_p50"] == pytest.approx(20.0, rel=1e-12)  # median of 0..40 evenly spaced
    assert a.loc["missile-jp", "required"] == 40 and a.loc["missile-us", "fill_p50"] == 1.0
    t = views.shortfall_timeline(views.deliveries(st, st.run(rid)))
    jp = t[t["program"].eq("missile-jp")].set_index("period")
    assert jp.loc["2026-06", "p50"] == pytest.approx(20.0) and jp.loc["2026-03", "p50"] == pytest.approx(5.0)  # cumulative unmet, median sample


def test_report_has_every_section_answer_first_and_no_external_reference(stored, tmp_path):
    st, rid = stored
    html = render_report(st, rid)
    order = [html.index(f'<section id="{s}">') for s in ("answer", "shortfall", "binding", "scenario", "assumptions", "uncertain", "sources", "provenance")]
    assert order == sorted(order)
    for text in ("ban on lane ore-cn-jp", "export_ban", "cn-ban-jp", "us-assembly metal per run", "Toy assumption", "Toy published figure", rid, st.run(rid).code_version, st.run(rid).pack_hash):
        assert text in html, text
    assert "20 delivered of 40 required" in html
    head = html[html.index('<section id="answer">'):html.index('id="chart-answer"')]
    assert "At P50, 1 of 2 program lines are delivered in full" in head and "<strong>missile-jp</strong> (JP), 20 of 40 not delivered" in head
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html)
    assert len(html) > 3_000_000  # Plotly's library is inside the file
    out = write_report(st, rid, tmp_path / "r" / "report.html")
    assert out.read_text(encoding="utf-8") == html


def test_report_escapes_data(tmp_path):
    st = open_store(tmp_path / "store")
    d = deliveries(3).replace({"missile-jp": "<script>alert(1)</script>"})
    html = render_report(st, record_run({"deliveries": d}, engine="simulate", store=st))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_few_samples_warn(tmp_path):
    st = open_store(tmp_path / "store")
    html = render_report(st, record_run({"deliveries": deliveries(5)}, engine="simulate", store=st))
    assert "Only 5 samples" in html


@pytest.mark.parametrize("engine", ["whatif", "risk"])  # an engine no builder knows; a risk run stored without the RiskReport's tables
def test_unknown_engine_gets_generic_sections(tmp_path, engine):
    st = open_store(tmp_path / "store")
    rid = record_run({"exposure": pd.DataFrame({"program": ["a", "b"], "days": [3.0, 9.0]})}, engine=engine, store=st)
    html = render_report(st, rid)
    assert "Result table: exposure" in html and 'id="chart-exposure"' in html


RISK_CHARTS = ("exposure-heatmap", "material-sankey", "tts-vs-ttr")


@pytest.fixture
def risk_run(tmp_path):
    st = open_store(tmp_path / "store")
    net = allyforge.load_pack(TINY)
    rep = allyforge.risk(net, at="2026-03-15", ttr=4.0)
    return st, record_run(rep, network=net, settings={"at": "2026-03-15"}, store=st), rep


def test_risk_report_top_risks_first_then_the_risk_modules_charts(risk_run):
    st, rid, rep = risk_run
    html = render_report(st, rid)
    order = [html.index(f'<section id="{s}">') for s in ("answer", "exposure", "survival", "single-points", "concentration", "scenario", "sources", "provenance")]
    assert order == sorted(order)
    answer = html[html.index('<section id="answer">'):html.index('<section id="exposure">')]
    assert "<h2>Top risks</h2>" in answer and "As of 2026-03 on pack tiny" in answer
    sp = rep.single_points
    n_sp = sp.loc[sp["single_point"], "node"].nunique()
    assert f"{n_sp} single points of failure" in answer and "cn-ban-jp" in answer  # the rule in force that day
    first = rep.top_risks().iloc[0]
    assert str(escape(first["detail"])) in answer and first["kind"] in answer
    # the charts are the risk module's own figures, drawn from the stored tables
    figs = rep.figures()
    for div, name in zip(RISK_CHARTS, ("exposure_heatmap", "material_sankey", "tts_vs_ttr")):
        assert f'id="chart-{div}"' in html
        assert json.dumps(figs[name].layout.title.text)[1:-1] in html  # as the figure's JSON spells it
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html)
    assert len(html) > 3_000_000  # Plotly's library is inside the file


@pytest.mark.slow
def test_risk_report_opens_offline_with_its_charts_drawn(risk_run, tmp_path):
    st, rid, rep = risk_run
    path = write_report(st, rid, tmp_path / "risk.html")
    with chromium(tmp_path / "profile", offline=True) as ctx:
        page = ctx.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
        heat = page.inner_text("#chart-exposure-heatmap")
        for name, party in zip(rep.programs["name"], rep.programs["party"]):
            assert f"{name} ({party})" in heat
        assert page.locator("#chart-material-sankey .sankey-node").count() == len(set(rep.exposure["country"])) + rep.exposure["material"].nunique() + len(rep.programs)
        assert page.locator("#chart-tts-vs-ttr .scatterlayer .trace").count() >= 1
    assert ctx.blocked == []


@pytest.mark.slow
def test_report_opens_offline_with_charts_drawn(stored, tmp_path):
    st, rid = stored
    path = write_report(st, rid, tmp_path / "report.html")
    with chromium(tmp_path / "profile", offline=True) as ctx:
        page = ctx.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4")
        answer = page.inner_text("#chart-answer")
        assert "missile-jp (JP)" in answer and "missile-us (US)" in answer
        assert page.locator("#chart-shortfall .scatterlayer .trace").count() >= 2
        assert page.evaluate("typeof Plotly") == "object"
    assert ctx.blocked == []  # nothing even tried to leave the file


def test_schedule_report_answer_first_with_the_schedulers_gantt(tmp_path):
    from allyforge.report.sections import answer_table
    from allyforge.schedule import SolverSettings, charts, schedule

    net = allyforge.load_pack(TINY.parent / "maintenance")
    s = schedule(net, settings=SolverSettings(num_workers=1, time_limit=10))
    st = open_store(tmp_path / "store")
    rid = record_run(s, network=net, store=st)
    html = render_report(st, rid)
    order = [html.index(f'<section id="{sec}">') for sec in ("answer", "ready-days", "packages", "provenance")]
    assert order == sorted(order)
    days_late = int(s.availabilities["days_late"].sum())
    assert f"optimal schedule of {len(s.availabilities)} availabilities released in {s.year}: {days_late} days late in all" in html
    assert 'id="chart-gantt"' in html and json.dumps(charts.gantt(s).layout.title.text)[1:-1] in html
    title, table = answer_table(st, st.run(rid))
    assert title == "Maintenance schedule" and table["availability"].tolist() == s.availabilities["availability"].tolist()


@pytest.mark.slow
def test_optimize_report_what_to_buy_first_with_the_optimizers_pareto_chart(tmp_path):
    from allyforge.optimize import pareto_figure
    from allyforge.report.sections import answer_table

    net = allyforge.load_pack(TINY)
    sc = allyforge.load_scenario(TINY / "scenarios" / "baseline.yaml")
    plan = allyforge.optimize(net, sc, samples=3, eval_samples=10, pareto=(0.0, 1.0), time_limit=60)
    st = open_store(tmp_path / "store")
    rid = record_run(plan, network=net, scenario=sc, store=st)
    html = render_report(st, rid)
    order = [html.index(f'<section id="{sec}">') for sec in ("answer", "plan", "scenario", "provenance")]
    assert order == sorted(order) and "<h2>What to buy</h2>" in html and "<h2>The best plan</h2>" in html
    for r in plan.portfolio.itertuples():
        assert f"<strong>{r.candidate}</strong> ({r.kind} of {r.target}), bought FY{r.fiscal_year} by {r.party}: {r.cost:,.0f} {r.currency}" in html
    assert 'id="chart-pareto"' in html and json.dumps(pareto_figure(plan).layout.title.text)[1:-1] in html
    title, table = answer_table(st, st.run(rid))
    assert title == "Portfolio: what to buy" and table["candidate"].tolist() == plan.portfolio["candidate"].tolist()
