"""The store keeps runs whole: concurrent writers all land; a killed writer leaves no result rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import allyforge
from allyforge.store import RunCancelled, StoreError, UnknownRun, open_store, record_run

WRITER = Path(__file__).with_name("writer.py")
TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"


def frame(n: int = 10, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"sample": np.arange(n) % 3, "period": [f"2026-{m:02d}" for m in (np.arange(n) % 12) + 1], "program": "missile-jp", "delivered": rng.random(n)})


def test_open_store_honours_env_and_argument(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLYFORGE_STORE", str(tmp_path / "env"))
    assert open_store().root == (tmp_path / "env").resolve()
    assert open_store(tmp_path / "arg").root == (tmp_path / "arg").resolve()
    assert allyforge.open_store(tmp_path / "arg").root == (tmp_path / "arg").resolve()


def test_record_run_keeps_tables_metadata_and_pack_context(tmp_path):
    st = open_store(tmp_path)
    net = allyforge.load_pack(TINY)
    df = frame()
    rid = record_run({"deliveries": df}, engine="simulate", network=net, scenario={"name": "s1", "seed": 7, "events": []}, settings={"samples": 3}, store=st)
    run = st.run(rid)
    assert (run.status, run.engine, run.scenario_name, run.seed, run.settings, run.pack_hash) == ("done", "simulate", "s1", 7, {"samples": 3}, net.content_hash)
    assert run.code_version.startswith(allyforge.__version__)
    pd.testing.assert_frame_equal(st.table(rid, "deliveries"), df)
    assert set(st.table(rid, "pack_sources")["id"]) == {"s-fact", "s-assume"}
    assert len(st.table(rid, "pack_assumptions")) == len(net.assumptions())
    assert st.packs()[0]["hash"] == net.content_hash
    assert st.scenario("s1")["hash"] == run.scenario_hash
    assert st.run(rid[:17]).id == rid  # a unique prefix finds the run


def test_query_filters_and_pages_with_total(tmp_path):
    st = open_store(tmp_path)
    df = frame(100)
    rid = record_run({"deliveries": df}, engine="simulate", store=st)
    page, total = st.query(rid, "deliveries", where={"sample": [0, 2]}, limit=10, offset=5)
    want = df[df["sample"].isin([0, 2])]
    assert total == len(want)
    assert page["delivered"].tolist() == want["delivered"].iloc[5:15].tolist()
    with pytest.raises(StoreError, match="no column 'nope'"):
        st.query(rid, "deliveries", where={"nope": 1})
    with pytest.raises(StoreError, match="no table 'missing'"):
        st.query(rid, "missing")
    with pytest.raises(UnknownRun):
        st.run("no-such-run")


def test_bad_table_name_and_failure_leave_no_rows(tmp_path):
    st = open_store(tmp_path)
    rid = st.create_run("simulate")
    with pytest.raises(StoreError, match="lower_snake_case"):
        st.finish_run(rid, {"Bad Name": frame()})

    def broken():
        yield frame()
        raise RuntimeError("engine blew up")

    with pytest.raises(RuntimeError):
        record_run({"deliveries": broken()}, engine="simulate", store=st)
    failed = [r for r in st.runs() if r.status == "failed"]
    assert len(failed) == 1 and "engine blew up" in failed[0].error
    assert [p.name for p in st.results.iterdir()] == []


def test_cancel_flag_stops_progress_and_delete_removes(tmp_path):
    st = open_store(tmp_path)
    rid = st.create_run("simulate")
    st.progress(rid, 0.5, "half")
    assert st.run(rid).progress == 0.5
    st.request_cancel(rid)
    with pytest.raises(RunCancelled):
        st.progress(rid, 0.6)
    st.fail_run(rid, "cancelled", status="cancelled")
    assert st.run(rid).status == "cancelled"
    done = record_run({"t": frame()}, engine="simulate", store=st)
    st.delete_run(done)
    with pytest.raises(UnknownRun):
        st.run(done)
    assert not (st.results / done).exists()


def test_export_formats(tmp_path):
    st = open_store(tmp_path / "s")
    rid = record_run({"deliveries": frame()}, engine="simulate", store=st)
    for fmt, ext in (("parquet", "parquet"), ("csv", "csv")):
        files = st.export(rid, tmp_path / fmt, fmt)
        assert (tmp_path / fmt / f"deliveries.{ext}") in files and (tmp_path / fmt / "run.json").exists()
    assert st.export(rid, tmp_path / "x", "xlsx")[-1].suffix == ".xlsx"
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "csv" / "deliveries.csv"), frame())


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WRITER), *args], stdout=subprocess.PIPE, text=True)


def test_concurrent_writers_all_land(tmp_path):
    """Three processes and this one write at the same moment; every run lands whole."""
    store_dir, barrier = tmp_path / "store", tmp_path / "go"
    st = open_store(store_dir)
    procs = [_spawn(str(store_dir), "many", str(barrier), "5", f"w{i}") for i in range(3)]
    time.sleep(1.0)  # let the writers import and reach the barrier
    barrier.touch()
    mine = [record_run({"deliveries": frame(50, k)}, engine="simulate", label=f"main-{k}", store=st) for k in range(5)]
    for p in procs:
        assert p.wait(timeout=120) == 0
    runs = open_store(store_dir).runs()
    assert sorted(r.label for r in runs) == sorted([f"w{i}-{k}" for i in range(3) for k in range(5)] + [f"main-{k}" for k in range(5)])
    assert all(r.status == "done" for r in runs)
    for r in runs:
        if r.label.startswith("w"):
            t = st.table(r.id, "deliveries")
            assert (t["writer"] == r.label.split("-")[0]).all() and len(t) == 100
    assert {r.id for r in runs} >= set(mine)


def _earlier_runs(st) -> dict[str, pd.DataFrame]:
    return {record_run({"deliveries": frame(30, k)}, engine="simulate", label=f"earlier-{k}", store=st): frame(30, k) for k in range(3)}


def _assert_killed_run_gone(store_dir: Path, earlier: dict[str, pd.DataFrame], killed: str) -> None:
    st = open_store(store_dir)  # reopening reaps the dead job
    for rid, df in earlier.items():
        assert st.run(rid).status == "done"
        pd.testing.assert_frame_equal(st.table(rid, "deliveries"), df)
    run = st.run(killed)
    assert run.status == "failed" and "stopped before it finished" in run.error
    assert st.db.read("SELECT status FROM jobs WHERE run_id=?", (killed,))[0]["status"] == "failed"
    assert not (st.results / killed).exists()
    assert not list(st.results.glob(".tmp-*")), "a temporary result folder survived"
    with pytest.raises(StoreError, match="failed"):
        st.query(killed, "deliveries")


@pytest.mark.slow
def test_sigkill_while_writing_a_large_run(tmp_path):
    store_dir, marker = tmp_path / "store", tmp_path / "writing"
    earlier = _earlier_runs(open_store(store_dir))
    p = _spawn(str(store_dir), "large", str(marker))
    killed = p.stdout.readline().strip()
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert p.poll() is None and time.monotonic() < deadline, "writer ended before it was killed"
        time.sleep(0.01)
    assert list((store_dir / "results").glob(".tmp-*")), "the writer should be mid-way through writing"
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    _assert_killed_run_gone(store_dir, earlier, killed)


def test_sigkill_between_publishing_files_and_marking_done(tmp_path):
    store_dir, marker = tmp_path / "store", tmp_path / "published"
    earlier = _earlier_runs(open_store(store_dir))
    p = _spawn(str(store_dir), "publish", str(marker))
    killed = p.stdout.readline().strip()
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert p.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    assert (store_dir / "results" / killed).exists()
    assert open_store(store_dir).run(killed).status == "running"  # a live writer is left alone
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    _assert_killed_run_gone(store_dir, earlier, killed)
