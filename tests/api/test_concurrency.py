"""A CLI run and an API run writing to the same store at the same moment both land."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient

from allyforge.api import Settings, create_app
from allyforge.store import open_store
from tests.api.helpers import AUTH, TINY, TOKEN, pack_zip, wait

# what `allyforge run` does after simulating: record_run into the store, repeated until told to
# stop, so the CLI keeps writing for the whole time the API's runs are writing (no timing guess)
CLI = """
import sys, pathlib, allyforge
from allyforge.store import record_run
net = allyforge.load_pack(sys.argv[1])
scn = allyforge.load_scenario("baseline", sys.argv[1]).with_overrides(samples=5)
stop = pathlib.Path(sys.argv[3])
for k in range(200):
    if stop.exists() and k >= 2:
        break
    record_run(allyforge.simulate(net, scn), engine="simulate", network=net, scenario=scn, label=f"cli-{k}", store=sys.argv[2])
"""


@pytest.mark.slow
def test_cli_and_api_runs_land_together(tmp_path):
    store_dir = tmp_path / "store"
    app = create_app(open_store(store_dir), Settings(token=TOKEN, max_jobs=2, engines={"simulate": "allyforge:simulate"}))
    with TestClient(app) as c:
        assert c.post("/api/packs", files={"file": ("tiny.zip", pack_zip(), "application/zip")}, headers=AUTH).status_code == 201
        stop = tmp_path / "stop"
        cli = subprocess.Popen([sys.executable, "-c", CLI, str(TINY), str(store_dir), str(stop)])
        deadline = time.monotonic() + 300
        while not any((r.label or "").startswith("cli-") for r in open_store(store_dir).runs()):  # the CLI is writing
            assert cli.poll() is None and time.monotonic() < deadline, "the CLI writer did not start"
            time.sleep(0.2)
        text = (TINY / "scenarios" / "baseline.yaml").read_text()
        api_ids = [c.post("/api/runs", json={"yaml": text, "samples": 5, "seed": s}, headers=AUTH).json()["id"] for s in (1, 2)]
        api_runs = [wait(c, rid, timeout=180) for rid in api_ids]
        stop.touch()
        assert cli.wait(timeout=300) == 0
    st = open_store(store_dir)
    runs = st.runs()
    cli_runs = [r for r in runs if (r.label or "").startswith("cli-")]
    assert len(cli_runs) >= 2 and all(r.status == "done" for r in cli_runs)
    assert all(r["status"] == "done" for r in api_runs)
    for r in [*cli_runs, *(st.run(i) for i in api_ids)]:
        d = st.table(r.id, "deliveries")
        assert len(d) and set(d["program"]) == {"missile-us", "missile-jp"}
    # they did write at the same time: some CLI run's store window overlaps an API run's
    span = lambda r: (r.started, r.finished)  # noqa: E731
    overlaps = [(a.id, b.id) for a in cli_runs for b in (st.run(i) for i in api_ids) if span(a)[0] < span(b)[1] and span(b)[0] < span(a)[1]]
    assert overlaps, "the CLI and API runs did not overlap in time; the test proved nothing"
