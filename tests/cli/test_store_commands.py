"""`allyforge runs | runs show | runs export | runs delete | report`: output and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import allyforge
from allyforge.cli import app
from allyforge.store import open_store, record_run

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture
def store_with_run(tmp_path, tiny_path, monkeypatch):
    monkeypatch.setenv("ALLYFORGE_STORE", str(tmp_path / "store"))
    st = open_store()
    d = pd.DataFrame({"sample": [0, 0], "period": ["2026-03", "2026-04"], "program": ["missile-jp"] * 2, "party": ["JP"] * 2, "required": [4.0, 4.0], "delivered": [4.0, 1.0]})
    rid = record_run({"deliveries": d}, engine="simulate", network=allyforge.load_pack(tiny_path), scenario={"name": "tiny-ban", "seed": 9}, store=st)
    return st, rid


def test_runs_lists_and_shows(store_with_run):
    st, rid = store_with_run
    r = runner.invoke(app, ["runs"])
    assert r.exit_code == 0 and rid[:15] in r.output and "tiny-ban" in r.output
    r = runner.invoke(app, ["runs", "show", rid[:17]])
    assert r.exit_code == 0 and "Required vs delivered" in r.output and "missile-jp" in r.output
    r = runner.invoke(app, ["runs", "show", rid, "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.output)["seed"] == 9


def test_runs_export_report_delete(store_with_run, tmp_path):
    st, rid = store_with_run
    r = runner.invoke(app, ["runs", "export", rid, "--out", str(tmp_path / "x"), "--format", "csv"])
    assert r.exit_code == 0 and (tmp_path / "x" / "deliveries.csv").exists() and (tmp_path / "x" / "run.json").exists()
    r = runner.invoke(app, ["report", rid, "--out", str(tmp_path / "rep.html")])
    assert r.exit_code == 0 and "Required vs delivered" in (tmp_path / "rep.html").read_text()
    r = runner.invoke(app, ["runs", "delete", rid])
    assert r.exit_code == 0
    assert runner.invoke(app, ["runs", "show", rid]).exit_code == 2


def test_bad_input_exits_2_without_traceback(store_with_run, tmp_path):
    st, rid = store_with_run
    for args in (["runs", "show", "20990101-000000-abcdef"], ["report", "nope-nope"], ["runs", "export", rid, "--format", "pdf", "--out", str(tmp_path / "y")], ["runs", "delete", "20990101"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
    failed = st.create_run("simulate")
    st.fail_run(failed, "boom")
    r = runner.invoke(app, ["report", failed])
    assert r.exit_code == 2 and "failed" in r.output


def test_store_option_overrides_env(store_with_run, tmp_path):
    r = runner.invoke(app, ["runs", "--store", str(tmp_path / "other")])
    assert r.exit_code == 0 and "tiny-ban" not in r.output


def test_serve_binds_loopback_and_prints_a_one_time_login(tmp_path):
    import os
    import re
    import subprocess
    import sys
    import time

    import httpx

    from tests.web.live import free_port

    port = free_port()
    exe = Path(sys.executable).with_name("allyforge")
    p = subprocess.Popen([str(exe), "serve", "--port", str(port), "--store", str(tmp_path / "s"), "--token", "tok"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "COLUMNS": "300"})
    try:
        lines = []
        while not any("login" in ln for ln in lines):
            lines.append(p.stdout.readline())
            assert p.poll() is None, "".join(lines)
        url = re.search(r"(http://127\.0\.0\.1:\d+/login/\S+)", "".join(lines)).group(1)
        deadline = time.monotonic() + 30
        while True:
            try:
                h = httpx.get(f"http://127.0.0.1:{port}/api/health")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert h.json()["status"] == "ok"
        import socket

        ip = socket.gethostbyname(socket.gethostname())
        if not ip.startswith("127."):  # not reachable from outside the machine
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"http://{ip}:{port}/api/health")
        r = httpx.get(url, follow_redirects=False)
        assert r.status_code == 303 and "httponly" in r.headers["set-cookie"].lower()
        assert httpx.get(url, follow_redirects=False).status_code == 403
        assert httpx.post(f"http://127.0.0.1:{port}/api/scenarios", json={"yaml": "name: x"}).status_code == 401
    finally:
        p.terminate()
        p.wait(30)


def test_allyforge_run_stores_its_result_and_prints_the_run_id(tmp_path, tiny_path):
    store = tmp_path / "runs"
    r = runner.invoke(app, ["run", "baseline", "--pack", str(tiny_path), "--samples", "4", "--seed", "11", "--no-sensitivity", "--store", str(store)])
    assert r.exit_code == 0, r.output
    run_id = re.search(r"run id: (\S+)", r.output).group(1)
    run = open_store(store).run(run_id)
    assert (run.status, run.engine, run.seed, run.scenario_name, run.settings["samples"]) == ("done", "simulate", 11, "baseline", 4)
    d = open_store(store).table(run_id, "deliveries")
    assert d["sample"].nunique() == 4 and set(d["program"]) == {"missile-us", "missile-jp"}
    r = runner.invoke(app, ["run", "baseline", "--pack", str(tiny_path), "--samples", "2", "--format", "json", "--no-sensitivity", "--store", str(store)])
    assert r.exit_code == 0 and open_store(store).run(json.loads(r.output)["run_id"]).status == "done"


def test_allyforge_risk_stores_its_run_prints_the_id_and_every_store_verb_reads_it(tmp_path, tiny_path, monkeypatch):
    monkeypatch.setenv("ALLYFORGE_STORE", str(tmp_path / "env-store"))
    r = runner.invoke(app, ["risk", str(tiny_path), "--at", "2026-03-15", "--ttr", "4", "--ttr", "cn-mine=2"])
    assert r.exit_code == 0, r.output
    run_id = re.search(r"run id: (\S+)", r.output).group(1)
    st = open_store(tmp_path / "env-store")  # ALLYFORGE_STORE is where it went
    run = st.run(run_id)
    assert (run.engine, run.status, run.pack_name, run.label) == ("risk", "done", "tiny", "risk as of 2026-03")
    assert run.settings["at"] == "2026-03-15" and run.settings["ttr"] == {"*": 4.0, "cn-mine": 2.0} and run.settings["period"] == "2026-03"
    tts = st.table(run_id, "tts").set_index("node")
    assert tts.loc["cn-mine", "ttr"] == 2 and tts.loc["au-mine", "ttr"] == 4

    r = runner.invoke(app, ["runs", "show", run_id])
    assert r.exit_code == 0 and "Top risks" in r.output and "single point of failure" in r.output
    r = runner.invoke(app, ["runs", "export", run_id, "--out", str(tmp_path / "x"), "--format", "csv"])
    assert r.exit_code == 0
    assert pd.read_csv(tmp_path / "x" / "tts.csv").set_index("node").loc["cn-mine", "ttr"] == 2
    assert {"top_risks.csv", "exposure.csv", "single_points.csv", "programs.csv", "run.json"} <= {p.name for p in (tmp_path / "x").iterdir()}
    r = runner.invoke(app, ["report", run_id, "--out", str(tmp_path / "risk.html")])
    html = (tmp_path / "risk.html").read_text()
    assert r.exit_code == 0 and all(f'id="chart-{c}"' in html for c in ("exposure-heatmap", "tts-vs-ttr", "material-sankey"))
    assert runner.invoke(app, ["runs", "delete", run_id]).exit_code == 0
    assert runner.invoke(app, ["runs", "show", run_id]).exit_code == 2


def test_allyforge_risk_store_option_and_a_scenario_run(tmp_path, tiny_path):
    r = runner.invoke(app, ["risk", str(tiny_path), "--scenario", str(tiny_path / "scenarios" / "baseline.yaml"), "--sample", "3", "--store", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    run = open_store(tmp_path / "s").run(re.search(r"run id: (\S+)", r.output).group(1))
    assert (run.scenario_name, run.seed, run.settings["sample"], run.label) == ("baseline", 7, 3, "risk as of 2026-01 under baseline")
    assert open_store(tmp_path / "s").scenario(run.scenario_hash)["name"] == "baseline"


def test_allyforge_risk_bad_input_stores_nothing(tmp_path, tiny_path):
    r = runner.invoke(app, ["risk", str(tiny_path), "--at", "2031-01", "--store", str(tmp_path / "s")])
    assert r.exit_code == 2 and "outside" in r.output
    assert open_store(tmp_path / "s").runs() == []


def test_allyforge_optimize_stores_its_run(tmp_path, tiny_path):
    sc = tmp_path / "ban.yaml"
    sc.write_text(f"name: ban\npack: {tiny_path}\nsamples: 3\nseed: 5\nevents:\n  - {{type: export_ban, origin: CN, destination: JP, items: [ore], start: 2026-02, duration: 4}}\n")
    r = runner.invoke(app, ["optimize", str(sc), "--samples", "2", "--eval-samples", "10", "--pareto", "0,1", "--format", "json", "--store", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)  # stdout stays pure JSON
    st = open_store(tmp_path / "s")
    run = st.run(doc["run_id"])
    assert (run.engine, run.status, run.scenario_name, run.seed, run.settings["samples"], run.settings["pareto"]) == ("optimize", "done", "ban", 5, 2, [0.0, 1.0])
    assert st.table(run.id, "portfolio")["candidate"].tolist() == [p["candidate"] for p in doc["portfolio"]]
    assert st.table(run.id, "plan_summary")["shortfall"].tolist() == [p["shortfall"] for p in doc["plan"]]
    r = runner.invoke(app, ["runs", "show", run.id, "--store", str(tmp_path / "s")])
    assert r.exit_code == 0 and "Portfolio: what to buy" in r.output
    r = runner.invoke(app, ["report", run.id, "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o.html")])
    html = (tmp_path / "o.html").read_text()
    assert r.exit_code == 0 and "<h2>What to buy</h2>" in html and 'id="chart-pareto"' in html and "<h2>The best plan</h2>" in html


def test_allyforge_schedule_stores_its_run(tmp_path, maintenance_path):
    r = runner.invoke(app, ["schedule", str(maintenance_path), "--time-limit", "10", "--workers", "1", "--format", "json", "--store", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)  # stdout stays pure JSON
    st = open_store(tmp_path / "s")
    run = st.run(doc["run_id"])
    assert (run.engine, run.status, run.settings["time_limit"], run.settings["workers"]) == ("schedule", "done", 10.0, 1)
    stored = st.table(run.id, "availabilities")
    assert stored["availability"].tolist() == [a["availability"] for a in doc["availabilities"]]
    r = runner.invoke(app, ["runs", "show", run.id, "--store", str(tmp_path / "s")])
    assert r.exit_code == 0
    r = runner.invoke(app, ["report", run.id, "--store", str(tmp_path / "s"), "--out", str(tmp_path / "o.html")])
    assert r.exit_code == 0 and 'id="chart-gantt"' in (tmp_path / "o.html").read_text()
