"""Stockpile sizing: the sized stockpile, written into the pack as a stocks row, keeps the program's
P90 shortfall at the target in the planning LP over the same samples; any smaller one does not."""

from __future__ import annotations

import numpy as np
import pytest

import allyforge
from allyforge.optimize.data import PlanningData
from allyforge.optimize.planning import PlanningBuilder
from allyforge.optimize.solve import run_solver
from allyforge.optimize.stockpile import candidate_points, size_stockpiles
from allyforge.scenario import parse_scenario, resolve
from tests.optimize.conftest import write_serial_pack

SAMPLES = 10
OUTAGE = f"name: t\npack: serial\nsamples: {SAMPLES}\nseed: 2\nevents:\n  - {{type: site_outage, site: mine, start: 2026-01, duration: {{uniform: [0, 5]}}, severity: 1}}\n"


def _per_sample_shortfall(tmp_path, reserve: float) -> np.ndarray:
    d = write_serial_pack(tmp_path / f"r{reserve:g}", mine_cap=4, make_cap=3, demand=(0, 0, 0, 2, 2, 2))
    (d / "stocks.csv").write_text(f"site,item,initial,policy,level,release,holding_cost,source\nplant,ore,{reserve},stockpile,,on_shortfall,,s1\n")
    net = allyforge.load_pack(d)
    drv = resolve(net, parse_scenario(OUTAGE))
    b = PlanningBuilder(PlanningData(drv, drv.sample_ids))
    pm = b.build()
    run_solver(pm)
    return b.short.solution.to_numpy().sum(axis=(1, 2))


def test_sized_stockpile_meets_target_and_is_smallest(tmp_path) -> None:
    net = allyforge.load_pack(write_serial_pack(tmp_path / "s", mine_cap=4, make_cap=3, demand=(0, 0, 0, 2, 2, 2)))
    assert candidate_points(net) == ["plant/ore"]
    r = size_stockpiles(net, parse_scenario(OUTAGE), target=0.0)
    size = float(r.sizes.set_index("stockpile").loc["plant/ore", "size"])
    assert size > 0
    allowed = int(np.floor(0.1 * SAMPLES))
    with_it = _per_sample_shortfall(tmp_path, size)
    assert (with_it > 1e-6).sum() <= allowed
    smaller = _per_sample_shortfall(tmp_path, 0.95 * size)
    assert (smaller > 1e-6).sum() > allowed
    # days of cover = size / daily consumption (2 ore per widget over the horizon's days)
    row = r.sizes.iloc[0]
    assert row["days_of_cover"] == pytest.approx(size / row["daily_consumption"])


def test_unreachable_target_explained_by_elastic_slack(tmp_path) -> None:
    # a widget due in the first period cannot be made in time from any stock of ore (cycle time 1):
    # every sample is short at least 1 unit-period, so target 0 is infeasible; the elastic re-solve says by how much
    from allyforge.optimize.solve import InfeasibleError

    net = allyforge.load_pack(write_serial_pack(tmp_path / "s", mine_cap=4, make_cap=3, demand=(1, 0, 0, 2, 2, 2)))
    with pytest.raises(InfeasibleError) as e:
        size_stockpiles(net, parse_scenario(OUTAGE), target=0.0)
    msg = " ".join(e.value.explanation)
    assert "Program-shortfall-target[widget-us]" in msg and "least reachable is 1" in msg


def test_time_limit_without_a_feasible_point_fails_instead_of_reporting_zeros(tmp_path) -> None:
    # HiGHS stopped before any incumbent leaves a zero placeholder that linopy reports with status ok;
    # it must surface as SolverFailure (CLI exit 1), never as "no stockpile needed"
    from allyforge.optimize.solve import SolverFailure

    net = allyforge.load_pack(write_serial_pack(tmp_path / "s", mine_cap=4, make_cap=3, demand=(0, 0, 0, 2, 2, 2)))
    with pytest.raises(SolverFailure, match="without a feasible solution"):
        size_stockpiles(net, parse_scenario(OUTAGE), target=0.0, time_limit=1e-9)
