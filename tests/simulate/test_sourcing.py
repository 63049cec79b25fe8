"""The S4.7 helpers of allyforge.simulate.sourcing on numbers worked by hand."""

from __future__ import annotations

import numpy as np

from allyforge.scenario import parse_scenario, resolve
from allyforge.simulate.sourcing import candidate_capacity, candidate_take

from .packgen import load
from .test_hand_worked import second_source_tables


def test_candidate_take_caps_by_shipping_period_and_shares_period_0():
    # lane 0, lead 2: due in t0..t2 all ship in t0 and share its capacity 5, earliest first (2, 2, then 1);
    # due in t3 ships in t1 (capacity 5 of 7); due in t4 ships in t2 (capacity 0).
    # lane 1, lead 0: min(left, capacity) period by period; unlimited capacity takes all.
    left = np.array([[[2, 2, 2, 7, 1], [3, 3, 3, 3, 3]]], float)
    cap = np.array([[[5, 5, 0, 9, 9], [1, np.inf, 2, 0, 5]]])
    got = candidate_take(left, cap, np.array([2, 0]))
    assert got.tolist() == [[[2, 2, 1, 5, 0], [1, 3, 2, 0, 3]]]


def test_candidate_take_broadcasts_capacity_over_samples():
    left = np.array([[[4, 4]], [[1, 6]]], float)  # [S=2, n=1, T=2]
    got = candidate_take(left, np.array([[[3, 3]]]), np.array([0]))
    assert got.tolist() == [[[3, 3]], [[1, 3]]]


def _drivers(tmp_path, events: str, samples: int = 3):
    net = load(tmp_path / "cap", second_source_tables(), start="2026-01", end="2026-06")
    return resolve(net, parse_scenario(f"name: cap\nsamples: {samples}\nseed: 5\nevents:\n{events}"))


def test_candidate_capacity_has_a_sample_axis_only_when_an_opening_differs(tmp_path):
    drv = _drivers(tmp_path, "  - {type: second_source, lane: c, start: 2026-03, capacity: 4}\n")
    lanes = np.array([drv.lanes.get_loc("c")])
    got = candidate_capacity(drv, lanes, np.ones((1, 6)))
    assert got.tolist() == [[[0, 0, 4, 4, 4, 4]]]  # one row for every sample

    drv = _drivers(tmp_path, "  - {type: second_source, lane: c, start: 2026-03, capacity: 4, occurs: {bernoulli: 0.5}}\n", samples=8)
    got = candidate_capacity(drv, lanes, np.ones((1, 6)))
    occurs = drv.draws[0]["occurs"]
    assert got.shape == (8, 1, 6) and 0 < occurs.sum() < 8  # some samples open the lane, some do not
    assert np.array_equal(got[:, 0], occurs[:, None] * np.array([0, 0, 4, 4, 4, 4]))


def test_candidate_capacity_is_open_share_times_capacity_and_closed_means_zero(tmp_path):
    # blank capacity in the event and the lanes table: unlimited; a rule's open share 0 plans nothing (not 0 x inf)
    drv = _drivers(tmp_path, "  - {type: second_source, lane: c, start: 2026-01}\n")
    lanes = np.array([drv.lanes.get_loc("c")])
    got = candidate_capacity(drv, lanes, np.array([[0, 0.5, 1, 1, 0.25, 0]]))
    assert got.tolist() == [[[0, np.inf, np.inf, np.inf, np.inf, 0]]]
    drv = _drivers(tmp_path, "  - {type: second_source, lane: c, start: 2026-01, capacity: 8}\n")
    assert candidate_capacity(drv, lanes, np.array([[0, 0.5, 1, 1, 0.25, 0]])).tolist() == [[[0, 4, 8, 8, 2, 0]]]
