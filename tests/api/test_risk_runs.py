"""Risk runs through the HTTP API: start (202 + id), poll, read the tables filtered and paged; 4xx before any job."""

from __future__ import annotations

import io
import os
import signal
import time
import zipfile

from dataclasses import replace

import pandas as pd
import pytest
from fastapi.testclient import TestClient

import allyforge
from allyforge.api import create_app
from allyforge.api.risk_runs import StageProgress
from allyforge.store import open_store
from tests.api.helpers import AUTH, TINY, pack_zip, wait


def _start(c, **body):
    return c.post("/api/runs", json={"engine": "risk", **body}, headers=AUTH)


def test_start_poll_and_read_a_risk_run(with_tiny):
    c = with_tiny
    r = _start(c, pack="tiny", risk={"at": "2026-03-15", "ttr": {"*": 4, "cn-mine": 2}})
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued" and r.json()["label"] == "risk as of 2026-03"
    run = wait(c, r.json()["id"])
    assert run["status"] == "done", run
    assert run["engine"] == "risk" and run["who"] == "api" and run["scenario_name"] is None and run["seed"] is None
    assert run["settings"]["at"] == "2026-03-15" and run["settings"]["period"] == "2026-03" and run["settings"]["ttr"] == {"*": 4.0, "cn-mine": 2.0}
    # the job computed what the library computes with the same inputs (any worker count gives the same answer)
    rep = allyforge.risk(allyforge.load_pack(TINY), at="2026-03-15", ttr={"*": 4, "cn-mine": 2})
    cols = c.get(f"/api/runs/{run['id']}/tables").json()
    assert set(cols) >= {"top_risks", "exposure", "paths", "tts", "single_points", "hhi", "criticality", "programs"}
    whole = c.get(f"/api/runs/{run['id']}/results/tts", params={"limit": 1000}).json()
    got = pd.DataFrame(whole["rows"]).set_index("node")
    pd.testing.assert_series_equal(got["tts"], rep.tts.set_index("node")["tts"], check_exact=True)
    assert got.loc["cn-mine", "ttr"] == 2 and got.loc["au-mine", "ttr"] == 4
    # filtered and paged
    want = rep.exposure[rep.exposure["program"].eq("missile-jp")]
    page = c.get(f"/api/runs/{run['id']}/results/exposure", params={"where": "program:missile-jp", "limit": 1, "offset": 1}).json()
    assert page["total"] == len(want) and len(page["rows"]) == 1 and page["rows"][0] == want.iloc[1].to_dict()
    assert page["next"] == (2 if len(want) > 2 else None)
    flagged = c.get(f"/api/runs/{run['id']}/results/tts", params={"where": "flagged:true"}).json()
    assert flagged["total"] == int(rep.tts["flagged"].sum()) and all(row["flagged"] for row in flagged["rows"])
    z = zipfile.ZipFile(io.BytesIO(c.get(f"/api/runs/{run['id']}/export", params={"format": "csv"}).content))
    assert {"run.json", "top_risks.csv", "tts.csv", "single_points.csv"} <= set(z.namelist())
    html = c.get(f"/api/runs/{run['id']}/report").text
    assert "<h2>Top risks</h2>" in html and 'id="chart-tts-vs-ttr"' in html


def test_a_risk_run_under_a_scenario_with_its_sample_and_seed(with_tiny):
    c = with_tiny
    r = _start(c, scenario="baseline", pack="tiny", seed=99, risk={"sample": 3, "party": "JP"})
    assert r.status_code == 202, r.text
    run = wait(c, r.json()["id"])
    assert run["status"] == "done", run
    assert (run["scenario_name"], run["seed"], run["settings"]["sample"], run["settings"]["party"]) == ("baseline", 99, 3, "JP")
    assert run["label"] == "risk as of 2026-01 under baseline"
    sp = c.get(f"/api/runs/{run['id']}/results/single_points", params={"limit": 1000}).json()["rows"]
    assert {row["program"] for row in sp} == {"missile-jp"}


@pytest.mark.parametrize("body,status,field,words", [
    ({"pack": "tiny", "risk": {"at": "2031-01"}}, 422, "risk.at", "outside"),
    ({"pack": "tiny", "risk": {"at": "soon"}}, 422, "risk.at", "neither a period"),
    ({"pack": "tiny", "risk": {"programs": ["nope"]}}, 422, "risk.programs", "unknown program"),
    ({"pack": "tiny", "risk": {"party": "XX"}}, 422, "risk.party", "no program of party"),
    ({"pack": "tiny", "risk": {"ttr": {"nowhere": 3}}}, 422, "risk.ttr", "unknown site"),
    ({"pack": "tiny", "scenario": "baseline", "risk": {"sample": 20}}, 422, "risk.sample", "samples 0..19"),
    ({"pack": "nope"}, 422, "pack", "no pack 'nope'"),
])
def test_bad_risk_requests_list_the_problem_and_start_nothing(with_tiny, body, status, field, words):
    r = _start(with_tiny, **body)
    assert r.status_code == status, r.text
    problems = r.json()["detail"]["problems"]
    assert any(p.get("field", p.get("column")) == field and words in p["message"] for p in problems), problems
    assert with_tiny.get("/api/runs").json() == []


def test_fields_that_do_not_fit_a_risk_run_are_refused(with_tiny):
    c = with_tiny
    for body, words in (({"pack": "tiny", "samples": 5}, "belong to simulate runs"), ({}, "needs `pack`"), ({"pack": "tiny", "scenario": "baseline", "yaml": "name: x"}, "at most one")):
        r = _start(c, **body)
        assert r.status_code == 422 and words in r.json()["detail"], r.text
    r = _start(c, pack="tiny", risk={"colour": "red"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "risk", "colour"]
    r = c.post("/api/runs", json={"scenario": "baseline", "pack": "tiny", "risk": {}}, headers=AUTH)
    assert r.status_code == 422 and "belong to risk runs" in r.json()["detail"]
    assert c.post("/api/runs", json={"engine": "risk", "pack": "tiny"}).status_code == 401  # writes need the token
    assert c.get("/api/runs").json() == []


def test_a_risk_job_killed_before_storing_leaves_no_rows(tmp_path, settings):
    """The server's risk engine here computes the real report, then holds it unstored until killed."""
    slow = replace(settings, engines={"risk": "tests.api.synthetic_engine:slow_risk"})
    with TestClient(create_app(open_store(tmp_path / "store"), slow)) as c:
        assert c.post("/api/packs", files={"file": ("tiny.zip", pack_zip(), "application/zip")}, headers=AUTH).status_code == 201
        rid = _start(c, pack="tiny", risk={"at": "2026-03"}).json()["id"]
        st = c.app.state.store
        deadline = time.monotonic() + 60
        while c.get(f"/api/runs/{rid}").json()["message"] != "holding the risk report":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        pid = st.db.read("SELECT pid FROM jobs WHERE run_id=?", (rid,))[0]["pid"]
        os.kill(pid, signal.SIGKILL)
        run = wait(c, rid)
        assert run["status"] == "failed" and "exit code -9" in run["error"] and run["tables"] == []
        assert not (st.results / rid).exists() and not list(st.results.glob(f".tmp-{rid}-*"))
        assert c.get(f"/api/runs/{rid}/results/tts").status_code == 409


def test_stage_progress_is_one_rising_fraction_with_the_stage_named():
    seen: list[tuple[float, str]] = []
    stage = StageProgress(lambda f, m: seen.append((f, m)))
    for name, total in (("paths", 2), ("time to survive", 300), ("single points", 2)):
        tick = stage(name, total)
        for _ in range(total):
            tick(1)
    fracs = [f for f, _ in seen]
    assert fracs == sorted(fracs) and fracs[0] == 0 and fracs[-1] == 1
    assert (1 / 3, "time to survive") in seen and (2 / 3, "single points") in seen and seen[-1] == (1.0, "single points (2/2)")
    assert len([m for _, m in seen if m.startswith("time to survive (")]) <= 101  # at most one report per percent
