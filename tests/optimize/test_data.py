"""Planning data: samples with identical resolved numbers merge into weighted groups, and the
weighted planning objective over the groups equals the plain sample mean over every sample
(an exact reduction; reference: the same LP over all samples, solved by HiGHS)."""

from __future__ import annotations

import numpy as np
import pytest

import allyforge
from allyforge.optimize.data import PlanningData, distinct_samples
from allyforge.optimize.planning import PlanningBuilder
from allyforge.optimize.solve import run_solver
from allyforge.scenario import parse_scenario, resolve
from tests.optimize.conftest import write_serial_pack


def _drivers(tmp_path, samples: int):
    net = allyforge.load_pack(write_serial_pack(tmp_path / "s", mine_cap=4, make_cap=2, demand=(0, 0, 2, 2, 3, 3)))
    sc = parse_scenario(f"name: t\npack: serial\nsamples: {samples}\nseed: 5\n"
                        "events:\n  - {type: site_outage, site: mine, start: 2026-02, duration: {uniform: [1, 3]}, severity: 1}\n")
    return resolve(net, sc)


def test_identical_samples_group_and_weigh(tmp_path) -> None:
    drv = _drivers(tmp_path, 12)
    data = PlanningData(drv, drv.sample_ids)
    g = distinct_samples(data)
    durations = {int(np.sum(data.capacity[s, data.processes.index.get_loc("mining")] == 0)) for s in range(12)}
    assert len(g.counts) == len(durations) <= 3  # durations 1-3 whole periods: one group each
    assert g.counts.sum() == 12 and g.weights.sum() == pytest.approx(1.0)
    for s in range(12):  # every member has its representative's numbers
        r = list(drv.sample_ids).index(g.representatives[g.group_of[s]])
        assert np.array_equal(data.capacity[s], data.capacity[r])
    assert np.array_equal(g.expand(np.arange(len(g.counts))), g.group_of)


def _objective(data: PlanningData) -> float:
    pm = PlanningBuilder(data).build()
    run_solver(pm)
    return float(pm.model.objective.value)


def test_weighted_groups_give_the_sample_mean(tmp_path) -> None:
    drv = _drivers(tmp_path, 12)
    full = PlanningData(drv, drv.sample_ids)
    g = distinct_samples(full)
    grouped = PlanningData(drv, g.representatives, weights=g.weights)
    assert len(g.representatives) < 12
    assert _objective(grouped) == pytest.approx(_objective(full), rel=1e-9)


def test_weights_are_checked(tmp_path) -> None:
    drv = _drivers(tmp_path, 3)
    with pytest.raises(ValueError, match="weights"):
        PlanningData(drv, drv.sample_ids, weights=np.array([0.5, 0.2, 0.2])).sample_weights
