"""A case worked by hand from docs/simulation.md, with exact numbers per period.

Two mines (AU m1 capacity 10; CN m2 capacity 100) ship ore to a JP factory on lanes
a (share 0.5, priority 2) and b (share 0.5, priority 1), both lead 1. The factory
makes widgets from 2 ore per run, yield 0.5, capacity 4 runs, cycle 1, and ships
them on a zero-lead lane w to the customer, where 4 (US, priority 1, backordered)
and 2 (JP, priority 2, lost sales) are due in April. A pack rule bans CN->JP ore
from 15 February to 31 March.

Worked by hand (t0 = January):
  plan (S4): w ships 6 in t3; f starts 6/(1*0.5) = 12 runs in t2, needing 24 ore;
    a and b ship 12 each in t1; m1 and m2 start 12 runs each in t0.
  t0: m1 capped at 10 (backlog 2), m2 runs 12.
  t1: b is open 14/28 = 0.5 of February (S2.3): carries 6, 6 spills; b is not
    fully open so takes no spill; a (open) takes it: carries 18 (S5.3). a passes
    18-12 = 6 to M1 (S5.5): m1 requests 2+6 = 8 runs. M1 has 10 ore for a's 18:
    a ships 10 (backlog 8); M2 ships 6 on b.
  t2: F receives 16 ore. b is closed all March. f requests 12, capacity 4 (backlog
    8), claims 8 ore, runs 4 -> 2 widgets in t3. M1 (8 ore from t1's runs) ships 8 on a.
  t3: F has 2 widgets and 16 ore; w carries 6, ships 2 (same period, zero lead);
    US (class 1) gets 2 of 4 (backlog 2), JP (class 2) gets 0 (2 lost). f runs 4.
  t4: F receives 2; w backlog 4 ships 2; US backlog 2 delivered. f runs 4 (its last ore).
  t5: F receives 2; w ships 2 more (its backlog from the lost JP demand).
Holding (S11.2, ore 1/unit, widget 10/unit; stock in transit at the shipping
node's cost): t1 6 on hand + 16 in transit = 22; t2 6 + 8 + 8 in transit = 22;
t3 6 + 8 = 14; t4 6; t5 6 + 2 widgets x 10 = 26. Backorder (S11.4): t3 2 x 100
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
    assert _series(result, "process", "m1") == [10, 8, 0, 0, 0, 0]
    assert _series(result, "process", "m2") == [12, 0, 0, 0, 0, 0]
    assert _series(result, "process", "f") == [0, 0, 4, 4, 4, 0]


def test_shipments(result):
    assert _series(result, "lane", "a") == [0, 10, 8, 0, 0, 0]
    assert _series(result, "lane", "b") == [0, 6, 0, 0, 0, 0]
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
    assert oh["ore@F"] == [0, 0, 8, 8, 0, 0]
    assert oh["ore@M2"] == [0, 6, 6, 6, 6, 6]
    assert oh["ore@M1"] == [0, 0, 0, 0, 0, 0]
    assert oh["widget@C"] == [0, 0, 0, 0, 0, 2]


def test_costs(result):
    c = result.to_frame("costs")
    us = c[c["party"] == "US"].groupby(["category", "period"])["amount_base"].sum()
    assert us["holding"].round(9).tolist() == [0, 22, 22, 14, 6, 26]
    back = c[c["category"] == "backorder"].groupby("period")["amount_base"].sum()
    assert back.round(9).tolist() == [0, 0, 0, 300, 0, 0]


def test_summary_names_the_binding_constraint(result):
    progs = result.program_table().set_index("program")
    assert progs.loc["w-us", "required_p50"] == 4 and progs.loc["w-us", "delivered_p50"] == 4
    assert progs.loc["w-jp", "shortfall_p50"] == 2
    # the factory's 4 runs per period limit what reaches the customer in April (S12)
    assert progs.loc["w-us", "binding"][0][0] == "capacity of f"
