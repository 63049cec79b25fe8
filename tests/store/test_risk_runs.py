"""A stored risk run keeps every RiskReport table exactly, its provenance, and rebuilds the same report."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest

import allyforge
from allyforge.risk import RiskReport
from allyforge.risk.report import TABLES
from allyforge.store import StoreError, load_result, open_store, record_run
from allyforge.store.risk_runs import ADAPTER
from tests.store.test_store import WRITER, _assert_killed_run_gone, _earlier_runs

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
SCENARIO = """\
name: au-ban
pack: tiny
start: 2026-03
samples: 4
seed: 11
rules: {disable: [cn-ban-jp]}
events:
  - {type: export_ban, name: AU ore ban, origin: AU, destination: JP, items: [ore], start: 2026-03}
  - {type: site_outage, site: cn-mine, start: 2026-09, duration: {uniform: [2, 6]}}
"""


@pytest.fixture(scope="module")
def tiny():
    return allyforge.load_pack(TINY)


@pytest.fixture(scope="module")
def under_scenario(tiny, tmp_path_factory):
    path = tmp_path_factory.mktemp("sc") / "au-ban.yaml"
    path.write_text(SCENARIO)
    sc = allyforge.load_scenario(path)
    return sc, allyforge.risk(tiny, scenario=sc, sample=2, at="2026-03-15", ttr={"*": 4, "cn-mine": 2})


def _report_frames(rep: RiskReport) -> dict[str, pd.DataFrame]:
    return {"programs": rep.programs, **rep.tables()}


def test_every_table_round_trips_exactly(tmp_path, tiny, under_scenario):
    sc, rep = under_scenario
    st = open_store(tmp_path)
    rid = record_run(rep, network=tiny, scenario=sc, settings={"at": "2026-03-15"}, store=st)
    run = st.run(rid)
    assert run.engine == "risk" and run.status == "done"
    assert set(run.tables) == {*TABLES, "programs", "pack_sources", "pack_assumptions", "pack_rules"}
    for name, df in _report_frames(rep).items():
        back = st.table(rid, name)
        pd.testing.assert_frame_equal(back.set_index("id") if name == "programs" else back, df, check_exact=True, obj=name)


def test_provenance_names_pack_scenario_moment_and_code(tmp_path, tiny, under_scenario):
    sc, rep = under_scenario
    st = open_store(tmp_path)
    rid = record_run(rep, network=tiny, scenario=sc, settings={"at": "2026-03-15", "ttr": {"*": 4, "cn-mine": 2}, "sample": 2}, store=st)
    run = st.run(rid)
    assert (run.pack_hash, run.pack_name, run.scenario_name, run.seed) == (tiny.content_hash, "tiny", "au-ban", 11)
    assert st.scenario(run.scenario_hash)["name"] == "au-ban"
    assert run.code_version.startswith(allyforge.__version__)
    # the request as given, over what the report knows: --at was a day, the period holds it
    assert run.settings["at"] == "2026-03-15" and run.settings["period"] == "2026-03" and run.settings["sample"] == 2
    assert run.settings["ttr"] == {"*": 4, "cn-mine": 2} and run.settings["horizon"] == rep.horizon
    assert run.summary["scenario"] == "au-ban" and run.summary["rules_applied"] == list(rep.rules_applied)
    assert run.summary["counts"]["flagged_nodes"] == int(rep.tts["flagged"].sum())


def test_load_result_rebuilds_an_equal_report_and_its_charts(tmp_path, tiny, under_scenario):
    sc, rep = under_scenario
    st = open_store(tmp_path)
    back = load_result(st, record_run(rep, network=tiny, scenario=sc, store=st))
    assert isinstance(back, RiskReport)
    for f in fields(RiskReport):
        a, b = getattr(back, f.name), getattr(rep, f.name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=f.name)
        else:
            assert a == b, f.name
    pd.testing.assert_frame_equal(back.top_risks(), rep.top_risks())
    for name, fig in rep.figures().items():
        assert back.figures()[name].to_json() == fig.to_json(), name


def test_pack_alone_records_no_scenario_and_no_seed(tmp_path, tiny):
    rep = allyforge.risk(tiny, at="2026-03")
    st = open_store(tmp_path)
    run = st.run(record_run(rep, network=tiny, store=st))
    assert (run.scenario_hash, run.scenario_name, run.seed, run.settings["sample"]) == (None, None, None, None)
    assert load_result(st, run).scenario == ""


def test_adapter_reads_back_exactly_the_tables_the_report_holds():
    assert set(ADAPTER.needs) == (set(TABLES) - {"top_risks"}) | {"programs"}


def test_a_risk_run_stored_without_its_report_tables_is_not_rebuilt(tmp_path):
    st = open_store(tmp_path)
    rid = record_run({"exposure": pd.DataFrame({"program": ["a"], "share": [1.0]})}, engine="risk", store=st)
    assert load_result(st, rid) is None


def test_a_failure_while_storing_a_risk_run_leaves_no_rows(tmp_path, tiny, monkeypatch):
    rep = allyforge.risk(tiny, at="2026-03")
    st = open_store(tmp_path)
    real, written = st._write_table, []

    def fail_fourth(path, source):
        if len(written) == 3:
            raise OSError("disk full")
        real(path, source)
        written.append(path.stem)

    monkeypatch.setattr(st, "_write_table", fail_fourth)
    with pytest.raises(OSError, match="disk full"):
        record_run(rep, network=tiny, store=st)
    run = st.runs()[0]
    assert run.status == "failed" and "disk full" in run.error and run.tables == []
    assert list(st.results.iterdir()) == []
    with pytest.raises(StoreError, match="failed"):
        st.table(run.id, "tts")


def test_sigkill_while_storing_a_risk_run(tmp_path):
    store_dir, marker = tmp_path / "store", tmp_path / "three-tables"
    earlier = _earlier_runs(open_store(store_dir))
    p = subprocess.Popen([sys.executable, str(WRITER), str(store_dir), "risk", str(marker)], stdout=subprocess.PIPE, text=True)
    killed = p.stdout.readline().strip()
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert p.poll() is None and time.monotonic() < deadline, "the writer ended before it was killed"
        time.sleep(0.01)
    tmp = list((store_dir / "results").glob(f".tmp-{killed}-*"))
    assert tmp and len(list(tmp[0].iterdir())) == 3, "the writer should be part way through the risk tables"
    assert open_store(store_dir).run(killed).status == "running"  # a live writer is left alone
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    _assert_killed_run_gone(store_dir, earlier, killed)
