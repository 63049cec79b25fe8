"""A case worked by hand from docs/simulation.md, with exact numbers per period.

Two mines (AU m1 capacity 10; CN m2 capacity 100) ship ore to a JP factory on lanes
a (share 0.5, priority 2) and b (share 0.5, priority 1), both lead 1. The factory
makes widgets from 2 ore per run, yield 0.5, capacity 4 runs, cycle 1, and ships
them on a zero-lead lane w to the customer, where 4 (US, priority 1, backordered)
and 2 (JP, priority 2, lost sales) are due in April. A pack rule bans CN->JP ore
from 15 February to 31 March.

Worked by hand (t0 = January):
  plan (S4): w ships 6 in t3; f starts 6/(1*0.5) = 12 runs in t2, needing 24 ore
    at F in t2, shipped in t1. The plan knows the ban (S4.4): in February b is open
    14/28 = 0.5 of the month (S2.3), so a plans 0.5x1/(0.5x1 + 0.5x0.5) = 2/3 of 24 = 16
    and b 8; m1 and m2 start 16 and 8 runs in t0.
  t0: m1 capped at 10 (backlog 6), m2 runs 8.
  t1: b carries 0.5 x 8 = 4, 4 spills; b is not fully open so takes no spill; a (open)
    takes it: carries 20 (S5.3) and asks M1 for 20 - 16 = 4 more (S5.5): m1 requests
    6 + 4 = 10 runs. M1 has 10 ore for a's 20: a ships 10 (backlog 10, on order);
    M2 ships 4 on b and keeps 4.
  t2: F receives 14 ore. f requests 12, capacity 4 (backlog 8), claims 8 ore, runs 4
    -> 2 widgets in t3. M1 (10 ore from t1's runs) ships a's 10.
  t3: F has 2 widgets and 6 + 10 = 16 ore; w carries 6, ships 2 (same period, zero
    lead); US (class 1) gets 2 of 4 (backlog 2), JP (class 2) gets 0 (2 lost). f runs 4.
  t4: F receives 2; w backlog 4 ships 2; US backlog 2 delivered. f runs 4 (its last ore).
  t5: F receives 2; w ships 2 more (its backlog from the lost JP demand).
Holding (S11.2, ore 1/unit, widget 10/unit; stock in transit at the shipping
node's cost): t1 4 on hand + 14 in transit = 18; t2 6 + 4 + 10 in transit = 20;
t3 8 + 4 = 12; t4 4; t5 4 + 2 widgets x 10 = 24. Backorder (S11.4): t3 2 x 100
backlog + 2 x 50 lost = 300.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import allyforge
from allyforge.scenario import parse_scenario

from .packgen import load


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    parties = [{"id": "US", "name": "US", "country": "US", "fiscal_year_start_month": 1, "fiscal_year_named_by": "start", "currency": "USD"},
               {"id": "JP", "name": "JP", "country": "JP", "fiscal_year_start_month": 1, "fiscal_year_named_by": "start", "currency": "USD"}]
    tables = {
        "parties": parties,
        "items": [{"id": "ore", "name": "ore", "unit": "t", "kind": "mineral", "groups": "g", "holding_cost": 1},
                  {"id": "widget", "name": "widget", "unit": "each", "kind": "end_item", "holding_cost": 10}],
        "sites": [{"id": "M1", "name": "M1", "country": "AU", "kind": "mine", "party": "US", "sector": "civil"},
                  {"id": "M2", "name": "M2", "country": "CN", "kind": "mine", "party": "US", "sector": "civil"},
                  {"id": "F", "name": "F", "country": "JP", "kind": "plant", "party": "US", "sector": "military"},
                  {"id": "C", "name": "C", "country": "JP", "kind": "customer", "party": "US", "sector": "military"}],
        "processes": [{"id": "m1", "site": "M1", "capacity": 10, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"},
                      {"id": "m2", "site": "M2", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"},
                      {"id": "f", "site": "F", "capacity": 4, "cycle_time": 1, "yield": 0.5, "priority": 1, "status": "active"}],
        "process_inputs": [{"process": "f", "item": "ore", "quantity": 2}],
        "process_outputs": [{"process": "m1", "item": "ore", "quantity": 1}, {"process": "m2", "item": "ore", "quantity": 1},
                            {"process": "f", "item": "widget", "quantity": 1}],
        "lanes": [{"id": "a", "item": "ore", "origin": "M1", "destination": "F", "lead_time": 1, "share": 0.5, "priority": 2, "status": "active"},
                  {"id": "b", "item": "ore", "origin": "M2", "destination": "F", "lead_time": 1, "share": 0.5, "priority": 1, "status": "active"},
                  {"id": "w", "item": "widget", "origin": "F", "destination": "C", "lead_time": 0, "priority": 1, "status": "active"}],
        "demands": [{"site": "C", "item": "widget", "party": "US", "period": "2026-04", "quantity": 4, "priority": 1, "backorder": "true", "backorder_cost": 100},
                    {"site": "C", "item": "widget", "party": "JP", "period": "2026-04", "quantity": 2, "priority": 2, "backorder": "false", "backorder_cost": 50}],
        "trade_rules": [{"id": "ban", "origin_country": "CN", "destination_country": "JP", "items": "g", "start": "2026-02-15", "end": "2026-03-31", "effect": "ban"}],
        "programs": [{"id": "w-us", "item": "widget", "party": "US"}, {"id": "w-jp", "item": "widget", "party": "JP"}],
    }
    net = load(tmp_path_factory.mktemp("hand") / "hand", tables, start="2026-01", end="2026-06")
    return allyforge.simulate(net, parse_scenario("name: hand\nsamples: 1\n"))


def _series(res, kind, key):
    f = res.to_frame(kind)
    col = {"lane": "shipped", "process": "runs"}[kind]
    return f[f[kind] == key][col].round(12).tolist()


def test_production(result):
    assert _series(result, "process", "m1") == [10, 10, 0, 0, 0, 0]
    assert _series(result, "process", "m2") == [8, 0, 0, 0, 0, 0]
    assert _series(result, "process", "f") == [0, 0, 4, 4, 4, 0]


def test_shipments(result):
    assert _series(result, "lane", "a") == [0, 10, 10, 0, 0, 0]
    assert _series(result, "lane", "b") == [0, 4, 0, 0, 0, 0]
    assert _series(result, "lane", "w") == [0, 0, 0, 2, 2, 2]


def test_deliveries_backorders_lost(result):
    f = result.to_frame("demand")
    us = f[f["party"] == "US"]
    jp = f[f["party"] == "JP"]
    assert us["delivered"].round(12).tolist() == [0, 0, 0, 2, 2, 0]
    assert us["backlog"].round(12).tolist() == [0, 0, 0, 2, 0, 0]
    assert jp["delivered"].round(12).tolist() == [0, 0, 0, 0, 0, 0]
    assert jp["lost"].round(12).tolist() == [0, 0, 0, 2, 0, 0]
    assert jp["backlog"].sum() == 0


def test_stock(result):
    f = result.to_frame("node")
    oh = {n: g["on_hand"].round(12).tolist() for n, g in f.groupby("node")}
    assert oh["ore@F"] == [0, 0, 6, 8, 0, 0]
    assert oh["ore@M2"] == [0, 4, 4, 4, 4, 4]
    assert oh["ore@M1"] == [0, 0, 0, 0, 0, 0]
    assert oh["widget@C"] == [0, 0, 0, 0, 0, 2]


def test_costs(result):
    c = result.to_frame("costs")
    us = c[c["party"] == "US"].groupby(["category", "period"])["amount_base"].sum()
    assert us["holding"].round(9).tolist() == [0, 18, 20, 12, 4, 24]
    back = c[c["category"] == "backorder"].groupby("period")["amount_base"].sum()
    assert back.round(9).tolist() == [0, 0, 0, 300, 0, 0]


def test_summary_names_the_binding_constraint(result):
    progs = result.program_table().set_index("program")
    assert progs.loc["w-us", "required_p50"] == 4 and progs.loc["w-us", "delivered_p50"] == 4
    assert progs.loc["w-jp", "shortfall_p50"] == 2
    # the factory's 4 runs per period limit what reaches the customer in April (S12)
    assert progs.loc["w-us", "binding"][0][0] == "capacity of f"


# --- S5.5: a lane keeps asking its origin for the backlog it carries later ----------------
# A base-stock depot D (JP, level 10, empty) is fed only by lane l from a CN mine m
# (capacity 100, cycle 1, no stock) under a licence of 0.5 for the whole horizon.
# Worked by hand:
#   t0: IP = 0, D orders 10; l carries 0.5 x 10 = 5 (5 unplaced) and asks m for 5 (S5.5);
#       m runs 5; nothing to ship. Backlog 10, of which 5 is on order with m.
#   t1: IP = 0 + 10 = 10, no order; l carries 5 of its 10, asks nothing new (5 on order);
#       ships the 5 m made. Backlog 5 (the unplaced half), nothing on order.
#   t2: l carries 2.5 of its 5 and asks m for those 2.5 (they were never ordered); ships 0.
#   t3: ships m's 2.5; backlog 2.5.  t4: carries and asks 1.25.  t5: ships 1.25.
# (Treating every backlog as already ordered would leave D at 5 from t1 on: m is never asked again.)


@pytest.fixture(scope="module")
def licensed(tmp_path_factory):
    tables = {
        "items": [{"id": "ore", "name": "ore", "unit": "t", "kind": "mineral", "groups": "g"}],
        "programs": [{"id": "ore-us", "item": "ore", "party": "US"}],
        # due after the periods asserted (a pack needs a demand; planning stops at base-stock D, S4.2)
        "demands": [{"site": "D", "item": "ore", "party": "US", "period": "2026-07", "quantity": 1, "priority": 1, "backorder": "true"}],
        "sites": [{"id": "M", "name": "M", "country": "CN", "kind": "mine", "party": "US", "sector": "civil"},
                  {"id": "D", "name": "D", "country": "JP", "kind": "depot", "party": "US", "sector": "civil"}],
        "processes": [{"id": "m", "site": "M", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"}],
        "process_outputs": [{"process": "m", "item": "ore", "quantity": 1}],
        "lanes": [{"id": "l", "item": "ore", "origin": "M", "destination": "D", "lead_time": 0, "priority": 1, "status": "active"}],
        "stocks": [{"site": "D", "item": "ore", "initial": 0, "policy": "base_stock", "level": 10}],
        "trade_rules": [{"id": "lic", "origin_country": "CN", "destination_country": "JP", "items": "g", "start": "2025-12-01",
                         "effect": "license", "fraction": 0.5}],
    }
    net = load(tmp_path_factory.mktemp("lic") / "lic", tables, start="2026-01", end="2026-07")
    return allyforge.simulate(net, parse_scenario("name: lic\nsamples: 1\n"))


def test_licensed_lane_reorders_what_it_carries_later(licensed):
    assert _series(licensed, "process", "m")[:6] == [5, 0, 2.5, 0, 1.25, 0]
    assert _series(licensed, "lane", "l")[:6] == [0, 5, 0, 2.5, 0, 1.25]
    f = licensed.to_frame("node")
    assert f[f["node"] == "ore@D"]["on_hand"].round(12).tolist()[:6] == [0, 5, 5, 7.5, 7.5, 8.75]


# --- S6.2: a process asks its inputs for the runs its capacity held back -------------------
# Widgets at F are a base-stock point (level 8, empty), made by f (1 ore per run, capacity 4,
# cycle 1) from ore on an open zero-lead lane l from mine m (capacity 100, cycle 1, no stock).
# Worked by hand:
#   t0: F orders 8 runs; f wants 4 (4 held by capacity) and asks l for 4 ore; m runs 4.
#   t1: no order (IP = 8 on order); f wants 4, all on order; l ships m's 4; f runs 4.
#   t2: f wants its 4 held runs and asks l for their ore (never asked before); m runs 4; f has no ore.
#   t3: l ships 4; f runs 4.  t4: F holds 8 widgets.
# (Treating the held runs as already ordered would leave F at 4 widgets for good.)


@pytest.fixture(scope="module")
def held(tmp_path_factory):
    tables = {
        "items": [{"id": "ore", "name": "ore", "unit": "t", "kind": "mineral"},
                  {"id": "widget", "name": "widget", "unit": "each", "kind": "end_item"}],
        "programs": [{"id": "widget-us", "item": "widget", "party": "US"}],
        "demands": [{"site": "F", "item": "widget", "party": "US", "period": "2026-07", "quantity": 1, "priority": 1, "backorder": "true"}],
        "sites": [{"id": "M", "name": "M", "country": "AU", "kind": "mine", "party": "US", "sector": "civil"},
                  {"id": "F", "name": "F", "country": "AU", "kind": "plant", "party": "US", "sector": "civil"}],
        "processes": [{"id": "m", "site": "M", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"},
                      {"id": "f", "site": "F", "capacity": 4, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"}],
        "process_inputs": [{"process": "f", "item": "ore", "quantity": 1}],
        "process_outputs": [{"process": "m", "item": "ore", "quantity": 1}, {"process": "f", "item": "widget", "quantity": 1}],
        "lanes": [{"id": "l", "item": "ore", "origin": "M", "destination": "F", "lead_time": 0, "priority": 1, "status": "active"}],
        "stocks": [{"site": "F", "item": "widget", "initial": 0, "policy": "base_stock", "level": 8}],
    }
    net = load(tmp_path_factory.mktemp("held") / "held", tables, start="2026-01", end="2026-07")
    return allyforge.simulate(net, parse_scenario("name: held\nsamples: 1\n"))


def test_process_orders_inputs_for_runs_capacity_held(held):
    assert _series(held, "process", "f")[:6] == [0, 4, 0, 4, 0, 0]
    assert _series(held, "process", "m")[:6] == [4, 0, 4, 0, 0, 0]
    f = held.to_frame("node")
    assert f[f["node"] == "widget@F"]["on_hand"].round(12).tolist()[:6] == [0, 0, 4, 4, 8, 8]


# --- S4.7: a second source opened mid-horizon is planned first, up to its capacity --------------
# Customer C (backordered demand of 10 ore every month, January-June) is fed by an active lane a
# from mine M and a candidate lane c from mine K (both lead 1, uncapped lanes; mines capacity 100,
# cycle 1, no stock). A second_source event opens c from March (t2) with capacity 4.
# Worked by hand:
#   plan (S4.4, S4.7): due in t, c would ship in t - 1; it is open there from t = 3 on, so it plans
#     min(10, 4) = 4 for t3..t5, shipped in t2..t4; a plans the rest: 10 for t0..t2 and 6 for t3..t5,
#     shipped in t - 1, t0's past due in t0 (S4.5): a ships 20, 10, 6, 6, 6, 0.
#     M starts what a ships one period later, t0 and t1 past due in t0: 30, 6, 6, 6, 0, 0;
#     K starts 0, 4, 4, 4, 0, 0.
#   t0: a asks 20, M has nothing: ships 0 (backlog 20, on order). M runs 30.
#   t1: a carries 20 + 10 = 30 and ships M's 30; C has nothing yet (backlog 20).
#   t2: C receives 30: delivers its 30 due. a ships 6 (M's t1 run), c ships 4 (K's t1 run).
#   t3-t5: C receives 6 + 4 = 10 each period and delivers its 10.
# Under the former rule (candidate lanes get no planned share) c would carry nothing: every
# requirement was a's, and K never ran.


SECOND_SOURCE_SCENARIO = "name: ss\nsamples: 1\nevents:\n  - {type: second_source, lane: c, start: 2026-03, capacity: 4}\n"


def second_source_tables() -> dict:
    return {
        "items": [{"id": "ore", "name": "ore", "unit": "t", "kind": "mineral"}],
        "programs": [{"id": "ore-us", "item": "ore", "party": "US"}],
        "demands": [{"site": "C", "item": "ore", "party": "US", "period": f"2026-{m:02d}", "quantity": 10, "priority": 1, "backorder": "true"}
                    for m in range(1, 7)],
        "sites": [{"id": "M", "name": "M", "country": "AU", "kind": "mine", "party": "US", "sector": "civil"},
                  {"id": "K", "name": "K", "country": "AU", "kind": "mine", "party": "US", "sector": "civil"},
                  {"id": "C", "name": "C", "country": "JP", "kind": "customer", "party": "US", "sector": "military"}],
        "processes": [{"id": "m", "site": "M", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"},
                      {"id": "k", "site": "K", "capacity": 100, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"}],
        "process_outputs": [{"process": "m", "item": "ore", "quantity": 1}, {"process": "k", "item": "ore", "quantity": 1}],
        "lanes": [{"id": "a", "item": "ore", "origin": "M", "destination": "C", "lead_time": 1, "priority": 1, "status": "active"},
                  {"id": "c", "item": "ore", "origin": "K", "destination": "C", "lead_time": 1, "priority": 1, "status": "candidate"}],
    }


@pytest.fixture(scope="module")
def second_source(tmp_path_factory):
    net = load(tmp_path_factory.mktemp("ss") / "ss", second_source_tables(), start="2026-01", end="2026-06")
    return allyforge.simulate(net, parse_scenario(SECOND_SOURCE_SCENARIO))


def test_opened_second_source_takes_its_planned_share(second_source):
    assert _series(second_source, "lane", "c") == [0, 0, 4, 4, 4, 0]
    assert _series(second_source, "lane", "a") == [0, 30, 6, 6, 6, 0]
    assert _series(second_source, "process", "k") == [0, 4, 4, 4, 0, 0]
    assert _series(second_source, "process", "m") == [30, 6, 6, 6, 0, 0]
    f = second_source.to_frame("demand")
    assert f["delivered"].round(12).tolist() == [0, 0, 30, 10, 10, 10]
    assert f["backlog"].round(12).tolist() == [10, 20, 0, 0, 0, 0]


# --- S4.7, S5.6: unplanned need goes to an open second source up to its room -------------------
# A base-stock depot D (level 10, empty; 6 due in February, backordered) is fed on zero-lead lanes
# l1 from M1 and l2 from M2 (shares 0.5 each, priorities 1 and 2) and a candidate lane c from K,
# opened from January with capacity 4. M1 and M2 can run 100 per period, K only 2 (cycle 1, no stock).
# Worked by hand (the plan does not enter a base-stock node, S4.2; all flow is unplanned need):
#   t0: D orders 10. c's room is 4 (nothing asked of it yet): it takes 4, l1 and l2 3 each. K is
#       asked 4 runs and makes 2 (capacity); M1 and M2 make 3 each. Nothing to ship yet.
#   t1: IP = 0 + 10 on order - 6 due = 4: D orders 6. c's room is 4 - its backlog 4 = 0, so l1 and
#       l2 take 3 each (carrying 6) and ask M1, M2 for 3 more each. c ships K's 2, l1 and l2 ship
#       3 each; D receives 8 and delivers the 6 due (2 left).
#   t2: IP = 2 + 8 on order = 10: no order. c ships K's second 2, l1 and l2 their 3: D holds 10.
# (Offering c its capacity of 4 instead of its room would spill what it cannot carry to l1 alone,
# priority first (S5.3): M1 would run 5 and M2 1 in t1.)


ROOM_SCENARIO = "name: room\nsamples: 1\nevents:\n  - {type: second_source, lane: c, start: 2026-01, capacity: 4}\n"


def second_source_room_tables() -> dict:
    mine = lambda pid, site, cap: {"id": pid, "site": site, "capacity": cap, "cycle_time": 1, "yield": 1, "priority": 1, "status": "active"}  # noqa: E731
    return {
        "items": [{"id": "ore", "name": "ore", "unit": "t", "kind": "mineral"}],
        "programs": [{"id": "ore-us", "item": "ore", "party": "US"}],
        "demands": [{"site": "D", "item": "ore", "party": "US", "period": "2026-02", "quantity": 6, "priority": 1, "backorder": "true"}],
        "sites": [{"id": s, "name": s, "country": "AU", "kind": "mine", "party": "US", "sector": "civil"} for s in ("M1", "M2", "K")]
                 + [{"id": "D", "name": "D", "country": "JP", "kind": "depot", "party": "US", "sector": "civil"}],
        "processes": [mine("m1", "M1", 100), mine("m2", "M2", 100), mine("k", "K", 2)],
        "process_outputs": [{"process": p, "item": "ore", "quantity": 1} for p in ("m1", "m2", "k")],
        "lanes": [{"id": "l1", "item": "ore", "origin": "M1", "destination": "D", "lead_time": 0, "share": 0.5, "priority": 1, "status": "active"},
                  {"id": "l2", "item": "ore", "origin": "M2", "destination": "D", "lead_time": 0, "share": 0.5, "priority": 2, "status": "active"},
                  {"id": "c", "item": "ore", "origin": "K", "destination": "D", "lead_time": 0, "priority": 3, "status": "candidate"}],
        "stocks": [{"site": "D", "item": "ore", "initial": 0, "policy": "base_stock", "level": 10}],
    }


@pytest.fixture(scope="module")
def second_source_room(tmp_path_factory):
    net = load(tmp_path_factory.mktemp("room") / "room", second_source_room_tables(), start="2026-01", end="2026-06")
    return allyforge.simulate(net, parse_scenario(ROOM_SCENARIO))


def test_unplanned_need_goes_to_an_open_second_source_up_to_its_room(second_source_room):
    r = second_source_room
    assert _series(r, "process", "k")[:4] == [2, 2, 0, 0]
    assert _series(r, "process", "m1")[:4] == [3, 3, 0, 0]
    assert _series(r, "process", "m2")[:4] == [3, 3, 0, 0]
    assert _series(r, "lane", "c")[:4] == [0, 2, 2, 0]
    assert _series(r, "lane", "l1")[:4] == [0, 3, 3, 0]
    assert _series(r, "lane", "l2")[:4] == [0, 3, 3, 0]
    f = r.to_frame("node")
    assert f[f["node"] == "ore@D"]["on_hand"].round(12).tolist()[:4] == [0, 2, 10, 10]
    assert r.to_frame("demand")["delivered"].round(12).tolist()[:3] == [0, 6, 0]
