"""A stored schedule run keeps its tables exactly and rebuilds a Schedule whose charts are the same."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest

import allyforge
from allyforge.schedule import Schedule, SolverSettings, charts, schedule
from allyforge.store import load_result, open_store, record_run

MAINTENANCE = Path(__file__).resolve().parents[1] / "fixtures" / "maintenance"


@pytest.fixture(scope="module")
def solved():
    net = allyforge.load_pack(MAINTENANCE)
    return net, schedule(net, settings=SolverSettings(num_workers=1, time_limit=10, random_seed=3))


def test_schedule_tables_round_trip_and_the_schedule_is_rebuilt(tmp_path, solved):
    net, s = solved
    assert s.status == "optimal"
    st = open_store(tmp_path)
    rid = record_run(s, network=net, store=st)
    run = st.run(rid)
    assert (run.engine, run.seed, run.settings["year"], run.settings["solver"]["num_workers"]) == ("schedule", 3, s.year, 1)
    want = {"packages": s.packages, "availabilities": s.availabilities, "ready_days": s.ready_days(), "utilization": charts.utilization(s)}
    for name, df in want.items():
        pd.testing.assert_frame_equal(st.table(rid, name), df, check_exact=True, obj=name)
    back = load_result(st, run)
    assert isinstance(back, Schedule)
    for f in fields(Schedule):
        if f.name == "data":  # the maintenance tables it was solved from are the pack's, not the run's
            continue
        a, b = getattr(back, f.name), getattr(s, f.name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=f.name)
        else:
            assert a == b, f.name
    assert back.summary() == s.summary()
    assert charts.gantt(back).to_json() == charts.gantt(s).to_json()
    pd.testing.assert_frame_equal(back.ready_days(), s.ready_days())
