"""End to end in headless Chromium: log in, build the export-ban scenario in the form, run it,
see the results chart name the programs, compare with the as-of-2026-01 run, save a screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

import allyforge
from allyforge.api import Settings, create_app
from allyforge.store import open_store
from tests.api.helpers import TINY, TOKEN, pack_zip
from tests.web.chromium import chromium
from tests.web.live import serve

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = "us-japan-2026"


def _require_bundled_pack() -> None:
    if BUNDLED in allyforge.bundled_packs():
        return
    msg = f"the bundled pack {BUNDLED} is not in this checkout yet"
    if os.environ.get("CI") == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def _wait_done(base: str, run_id: str, timeout: float = 300) -> dict:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = httpx.get(f"{base}/api/runs/{run_id}").json()
        if run["status"] not in ("queued", "running"):
            assert run["status"] == "done", run
            return run
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish")


def _flow(tmp_path: Path, *, pack: str, baseline: str, form: dict[str, str], screenshot: Path | None, upload: bool = False) -> None:
    app = create_app(open_store(tmp_path / "store"), Settings(token=TOKEN, max_jobs=2))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with serve(app) as base:
        if upload:
            assert httpx.post(f"{base}/api/packs", files={"file": ("p.zip", pack_zip(), "application/zip")}, headers=auth).status_code == 201
            body = {"yaml": (TINY / "scenarios" / f"{baseline}.yaml").read_text()}
        else:
            body = {"scenario": baseline}
        r = httpx.post(f"{base}/api/runs", json={**body, "samples": int(form["samples"])}, headers=auth, timeout=60)
        assert r.status_code == 202, r.text
        base_run = _wait_done(base, r.json()["id"])
        net = allyforge.load_pack(TINY if upload else pack)
        programs = list(net.table("programs").index)
        with chromium(tmp_path / "profile") as ctx:
            page = ctx.new_page()
            external: list[str] = []
            page.on("request", lambda req: external.append(req.url) if not req.url.startswith(base) else None)
            page.goto(f"{base}/login/{app.state.auth.issue_login()}")
            assert page.url.endswith("/runs")
            page.click("text=New scenario")
            page.fill("#name", form["name"])
            page.select_option("#pack", pack)
            for field in ("samples", "seed", "as_of", "ban_origin", "ban_destination", "ban_items", "ban_start", "ban_duration_lo", "ban_duration_hi"):
                page.fill(f"#{field}", form[field])
            page.check("#ban_on")
            page.select_option("#ban_end_use", "any")
            page.click("#validate-button")
            page.wait_for_selector("text=The scenario is valid")
            assert "export_ban" in page.inner_text("#scenario-yaml")
            page.click("#save-button")
            page.wait_for_selector("text=Saved scenario")
            page.click("#run-button")
            page.wait_for_selector("#chart-answer .main-svg, p.error[role=alert]", timeout=300_000)  # the run page reloads itself when the job ends
            assert page.locator("p.error[role=alert]").count() == 0, page.inner_text("p.error[role=alert]")
            chart = page.inner_text("#chart-answer")
            for p in programs:
                assert p in chart, (p, chart)
            assert page.locator("#chart-shortfall .main-svg").count() >= 1
            results_url = page.url
            page.select_option("#compare-with", base_run["id"])
            page.click("#compare-button")
            page.wait_for_selector("#chart-compare .main-svg")
            legend = page.inner_text("#chart-compare")
            assert form["name"] in legend and base_run["scenario_name"] in legend
            for p in programs:
                assert p in legend
            assert page.url.split("?")[0].endswith("/compare")
            page.goto(results_url)
            page.wait_for_selector("#chart-answer .main-svg")
            shot = screenshot or tmp_path / "results.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
            assert external == [], external


@pytest.mark.slow
def test_export_ban_against_as_of_2026_01(tmp_path):
    _require_bundled_pack()
    out = os.environ.get("ALLYFORGE_SCREENSHOT")
    _flow(
        tmp_path, pack=BUNDLED, baseline="as-of-2026-01",
        form={"name": "export-ban-form", "samples": "50", "seed": "2026", "as_of": "2026-01-06", "ban_origin": "CN", "ban_destination": "JP",
              "ban_items": "gallium, germanium, antimony, heavy_ree", "ban_start": "2026-02", "ban_duration_lo": "6", "ban_duration_hi": "24"},
        screenshot=Path(out) if out else None,
    )


@pytest.mark.slow
def test_export_ban_on_the_tiny_pack(tmp_path):
    _flow(
        tmp_path, pack="tiny", baseline="baseline", upload=True,
        form={"name": "tiny-export-ban", "samples": "20", "seed": "3", "as_of": "2026-01-06", "ban_origin": "CN", "ban_destination": "JP",
              "ban_items": "ore", "ban_start": "2026-02", "ban_duration_lo": "3", "ban_duration_hi": "6"},
        screenshot=Path(os.environ["ALLYFORGE_SCREENSHOT_TINY"]) if os.environ.get("ALLYFORGE_SCREENSHOT_TINY") else None,
    )


@pytest.mark.slow
def test_risk_page_draws_the_stored_risk_run(tmp_path):
    """From the runs list to the Risk page of a stored tiny-pack risk run: the three risk charts drawn, programs named."""
    from allyforge.store import record_run

    st = open_store(tmp_path / "store")
    net = allyforge.load_pack(TINY)
    rep = allyforge.risk(net, at="2026-03", ttr=4.0)
    record_run(rep, network=net, store=st)
    app = create_app(st, Settings(token=TOKEN))
    with serve(app) as base, chromium(tmp_path / "profile") as ctx:
        page = ctx.new_page()
        external: list[str] = []
        page.on("request", lambda req: external.append(req.url) if not req.url.startswith(base) else None)
        page.goto(f"{base}/runs")
        page.click("#risk-link >> text=Risk")
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
        assert page.url == f"{base}/risk"
        heat = page.inner_text("#chart-exposure-heatmap")
        for name, party in zip(rep.programs["name"], rep.programs["party"]):
            assert f"{name} ({party})" in heat
        assert page.locator("#chart-tts-vs-ttr .scatterlayer .trace").count() >= 1
        assert page.locator("#chart-material-sankey .sankey-node").count() > 0
        assert external == [], external
