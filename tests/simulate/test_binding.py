"""The binding constraint of a shortfall (docs/simulation.md S12) on cases small enough to reason about.

Widgets for a customer are made at F from parts. Parts come on lane `cn` from a Chinese
maker (priority 1, all the plan) under a 0.5 licence the plan cannot avoid, and each
month half the plan is cut and spills to a second lane:

* `lag`: an Australian maker (priority 2, open, no cap) that makes to order with a
  two-month cycle, so the spilled half arrives two months late;
* `stockpile`: a stockpile of 5 parts (priority 9, open), which runs dry in the first
  month and then owes every later spill.

Either way the customer is short because of the licence. The second lane's origin
falls short too, but only because of what the licence sent it (S12.1 charges an
origin with what it newly fails to ship), so the licence must be named, not the lag
or the empty stockpile (S12.2).
"""

from __future__ import annotations

import pytest

import allyforge
from allyforge.scenario import parse_scenario

from .packgen import load

SECOND = {
    "lag": dict(site={"id": "AUM", "name": "AU maker", "country": "AU", "kind": "plant", "party": "US", "sector": "civil"},
                procs=[{"id": "au-make", "site": "AUM", "capacity": 100, "cycle_time": 2, "yield": 1, "priority": 1, "status": "active"}],
                outs=[{"process": "au-make", "item": "part", "quantity": 1}],
                lane={"id": "au", "item": "part", "origin": "AUM", "destination": "F", "lead_time": 0, "priority": 2, "status": "active"},
                stocks=[]),
    "stockpile": dict(site={"id": "SP", "name": "stockpile", "country": "US", "kind": "stockpile", "party": "US", "sector": "civil"},
                      procs=[], outs=[],
                      lane={"id": "sp", "item": "part", "origin": "SP", "destination": "F", "lead_time": 0, "priority": 9, "status": "active"},
                      stocks=[{"site": "SP", "item": "part", "initial": 5, "policy": "stockpile", "level": 5, "release": "on_shortfall"}]),
}


@pytest.fixture(scope="module", params=sorted(SECOND))
def result(request, tmp_path_factory):
    v = SECOND[request.param]
    tables = {
        "items": [{"id": "part", "name": "part", "unit": "each", "kind": "component", "groups": "g"},
                  {"id": "widget", "name": "widget", "unit": "each", "kind": "end_item"}],
        "programs": [{"id": "widget-us", "item": "widget", "party": "US"}],
        "sites": [{"id": "CNM", "name": "CN maker", "country": "CN", "kind": "plant", "party": "US", "sector": "civil"}, v["site"],
                  {"id": "F", "name": "F", "country": "US", "kind": "plant", "party": "US", "sector": "military"},
                  {"id": "C", "name": "C", "country": "US", "kind": "customer", "party": "US", "sector": "military"}],
        "processes": [{"id": "cn-make", "site": "CNM", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"},
                      *v["procs"],
                      {"id": "assemble", "site": "F", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"}],
        "process_inputs": [{"process": "assemble", "item": "part", "quantity": 1}],
        "process_outputs": [{"process": "cn-make", "item": "part", "quantity": 1}, *v["outs"],
                            {"process": "assemble", "item": "widget", "quantity": 1}],
        "lanes": [{"id": "cn", "item": "part", "origin": "CNM", "destination": "F", "lead_time": 0, "priority": 1, "status": "active"},
                  v["lane"],
                  {"id": "w", "item": "widget", "origin": "F", "destination": "C", "lead_time": 0, "priority": 1, "status": "active"}],
        "stocks": v["stocks"],
        "demands": [{"site": "C", "item": "widget", "party": "US", "period": f"2026-0{m}", "quantity": 10, "priority": 1, "backorder": "true"}
                    for m in range(3, 9)],
        "trade_rules": [{"id": "lic", "origin_country": "CN", "destination_country": "US", "items": "g", "start": "2025-12-01",
                         "effect": "license", "fraction": 0.5}],
    }
    tables = {k: v2 for k, v2 in tables.items() if v2}
    net = load(tmp_path_factory.mktemp("bind") / "bind", tables, start="2026-01", end="2026-08")
    return request.param, allyforge.simulate(net, parse_scenario("name: bind\nsamples: 1\n"))


def test_the_licence_is_named(result):
    kind, res = result
    progs = res.program_table().set_index("program")
    assert progs.loc["widget-us", "shortfall_p50"] > 0
    assert progs.loc["widget-us", "binding"] == [("trade rule lic (part from CNM to F)", 1.0)], kind


def test_the_second_lane_fell_short_only_by_what_the_licence_sent_it(result):
    kind, res = result
    lanes = list(res.network.table("lanes").index)
    cuts = res.out.cuts
    second = lanes.index(SECOND[kind]["lane"]["id"])
    assert 0 < cuts["lane_origin"][0, second] <= cuts["lane_rule"][0, lanes.index("cn")] + 1e-9
