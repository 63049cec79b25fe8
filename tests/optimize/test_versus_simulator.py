"""The LP bounds the simulator's planning rules: for the same sample, the LP objective is at most
the same objective evaluated on the simulator's flows, and equal on a serial chain with ample
capacity (where planned MRP flows are optimal). Reference: docs/simulation.md (S3-S11)."""

from __future__ import annotations

import numpy as np
import pytest

import allyforge
from allyforge.optimize.data import PlanningData
from allyforge.optimize.solve import solve_planning
from allyforge.scenario import parse_scenario, resolve
from tests.optimize.conftest import write_serial_pack


def objective_on_simulated_flows(net, sc, sample: int) -> tuple[float, float]:
    """(our objective on the simulator's flows, the simulator's own cost total) for one sample."""
    res = allyforge.simulate(net, sc.with_overrides(samples=sample + 1))
    drv = resolve(net, sc, samples=np.array([sample]))
    d = PlanningData(drv, np.array([sample]))
    s = sample
    nodes = [f"{site}/{item}" for site, item in res.compiled.nodes]
    pos = d.node_labels.get_indexer(nodes)
    assert (pos >= 0).all()
    hold = d.holding[pos]
    on_hand = res.out.node["on_hand"][s]
    reserve = res.out.node["reserve"][s]
    dem = res.out.demand
    short = dem["backlog"][s] + dem["lost"][s]
    origin = d.node_labels.get_indexer(d.node_label(d.lanes["origin"], d.lanes["item"]))
    transit = d.holding[origin] * d.transit_periods()
    value = (
        (hold * (on_hand + reserve)).sum()
        + (d.run_cost * res.out.runs[s]).sum()
        + ((d.lane_cost + transit) * res.out.lane[s]).sum()
        + (d.shortfall_cost * short).sum()
    )
    # the simulator's own costs (holding, transport, production, backorder), base currency
    own = float(res.out.costs[s, :, :4, :].sum())
    return float(value), own


@pytest.mark.parametrize("sample", [0, 2])
def test_lp_bounds_simulator_on_tiny(tiny, sample) -> None:
    sc = parse_scenario(
        "name: t\npack: tiny\nsamples: 3\nseed: 4\nrules: {disable: ['*']}\n"
        "events:\n  - {type: site_outage, site: au-mine, start: 2026-02, duration: {uniform: [1, 6]}, severity: 0.8}\n"
        "  - {type: export_ban, origin: CN, destination: JP, items: [ore], start: 2026-03, duration: {uniform: [2, 5]}}\n"
    )
    plan = solve_planning(tiny, sc, sample=sample)
    sim_value, sim_own = objective_on_simulated_flows(tiny, sc, sample)
    assert sim_value == pytest.approx(sim_own, rel=1e-9)  # our evaluation agrees with the simulator's books
    assert plan.objective <= sim_value * (1 + 1e-9)


def test_serial_ample_capacity_lp_equals_simulator(tmp_path) -> None:
    net = allyforge.load_pack(write_serial_pack(tmp_path / "s", 1e6, 1e6, (0, 0, 0, 5, 7, 9)))
    sc = parse_scenario("name: t\npack: serial\nsamples: 1\nseed: 1\n")
    plan = solve_planning(net, sc)
    sim_value, sim_own = objective_on_simulated_flows(net, sc, 0)
    assert sim_value == pytest.approx(sim_own, rel=1e-9)
    assert plan.objective == pytest.approx(sim_value, rel=1e-9)
    assert plan.total_shortfall == 0


def test_blank_currency_costs_count_in_both_engines(tmp_path) -> None:
    # a cost with a blank currency is in the base currency for the LP and the simulator alike (Network.in_base)
    d = write_serial_pack(tmp_path / "s", 1e6, 1e6, (0, 0, 0, 5, 7, 9))
    lanes = d / "lanes.csv"
    lanes.write_text(lanes.read_text().replace("widget-lane,widget,plant,base,0,,,1,,,,active,s1", "widget-lane,widget,plant,base,0,,,1,3,,,active,s1"))
    net = allyforge.load_pack(d)
    sc = parse_scenario("name: t\npack: serial\nsamples: 1\nseed: 1\n")
    sim_value, sim_own = objective_on_simulated_flows(net, sc, 0)
    assert sim_own == pytest.approx(sim_value, rel=1e-9)
    assert solve_planning(net, sc).objective == pytest.approx(sim_value, rel=1e-9)
