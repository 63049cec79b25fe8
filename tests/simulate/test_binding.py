"""The binding constraint of a shortfall (docs/simulation.md S12) on a case small enough to reason about.

Widgets for a customer are made at F from parts. Parts come on lane `cn` from a Chinese
maker (priority 1, all the plan, under a 0.5 licence) and on lane `au` from an Australian
maker (priority 2, open, no cap) that makes to order with a two-month cycle. Each month
half the plan is cut by the licence and spills to `au`, whose maker delivers it two
months later. The customer is short because of the licence; the Australian lane's
"origin short" total is larger, but it is only the delay of orders its maker did fill,
so it must not hide the licence (S12.2).
"""

from __future__ import annotations

import pytest

import allyforge
from allyforge.scenario import parse_scenario

from .packgen import load


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tables = {
        "items": [{"id": "part", "name": "part", "unit": "each", "kind": "component", "groups": "g"},
                  {"id": "widget", "name": "widget", "unit": "each", "kind": "end_item"}],
        "programs": [{"id": "widget-us", "item": "widget", "party": "US"}],
        "sites": [{"id": "CNM", "name": "CN maker", "country": "CN", "kind": "plant", "party": "US", "sector": "civil"},
                  {"id": "AUM", "name": "AU maker", "country": "AU", "kind": "plant", "party": "US", "sector": "civil"},
                  {"id": "F", "name": "F", "country": "US", "kind": "plant", "party": "US", "sector": "military"},
                  {"id": "C", "name": "C", "country": "US", "kind": "customer", "party": "US", "sector": "military"}],
        "processes": [{"id": "cn-make", "site": "CNM", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"},
                      {"id": "au-make", "site": "AUM", "capacity": 100, "cycle_time": 2, "yield": 1, "priority": 1, "status": "active"},
                      {"id": "assemble", "site": "F", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"}],
        "process_inputs": [{"process": "assemble", "item": "part", "quantity": 1}],
        "process_outputs": [{"process": "cn-make", "item": "part", "quantity": 1}, {"process": "au-make", "item": "part", "quantity": 1},
                            {"process": "assemble", "item": "widget", "quantity": 1}],
        "lanes": [{"id": "cn", "item": "part", "origin": "CNM", "destination": "F", "lead_time": 0, "priority": 1, "status": "active"},
                  {"id": "au", "item": "part", "origin": "AUM", "destination": "F", "lead_time": 0, "priority": 2, "status": "active"},
                  {"id": "w", "item": "widget", "origin": "F", "destination": "C", "lead_time": 0, "priority": 1, "status": "active"}],
        "demands": [{"site": "C", "item": "widget", "party": "US", "period": f"2026-0{m}", "quantity": 10, "priority": 1, "backorder": "true"}
                    for m in range(3, 9)],
        "trade_rules": [{"id": "lic", "origin_country": "CN", "destination_country": "US", "items": "g", "start": "2025-12-01",
                         "effect": "license", "fraction": 0.5}],
    }
    net = load(tmp_path_factory.mktemp("bind") / "bind", tables, start="2026-01", end="2026-08")
    return allyforge.simulate(net, parse_scenario("name: bind\nsamples: 1\n"))


def test_the_case_has_a_larger_lag_than_the_rule_cut(result):
    """Guard: the test only means something while the lagging branch outweighs the rule."""
    lanes = list(result.network.table("lanes").index)
    cuts = result.out.cuts
    assert cuts["lane_origin"][0, lanes.index("au")] > cuts["lane_rule"][0, lanes.index("cn")] > 0


def test_the_licence_is_named_not_the_lag(result):
    progs = result.program_table().set_index("program")
    # July's and August's spilled halves arrive after the horizon ends (two-month cycle)
    assert progs.loc["widget-us", "shortfall_p50"] == pytest.approx(10.0)
    assert progs.loc["widget-us", "binding"] == [("trade rule lic (part from CNM to F)", 1.0)]
