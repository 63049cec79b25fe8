"""Planned versus reactive (DESIGN: Simulation rules; docs/simulation.md S4, S7):
with ample capacity and no events every dated demand is delivered in its due period;
with a base-stock point instead, exactly its lead and cycle times late."""

from __future__ import annotations

import numpy as np
import allyforge
from allyforge.scenario import parse_scenario

from .packgen import load

LEAD_MINE, CYCLE_MINE, LEAD_ORE, CYCLE_PLANT, LEAD_OUT = 0, 1, 2, 2, 1


def chain(tmp, customer_stock=None, plant_stock=None):
    tables = {
        "items": [{"id": "ore", "name": "ore", "unit": "t", "kind": "mineral"}, {"id": "gear", "name": "gear", "unit": "each", "kind": "end_item"}],
        "sites": [{"id": "mine", "name": "mine", "country": "AU", "kind": "mine"}, {"id": "plant", "name": "plant", "country": "US", "kind": "plant"},
                  {"id": "cust", "name": "cust", "country": "US", "kind": "customer", "party": "US", "sector": "military"}],
        "processes": [{"id": "dig", "site": "mine", "capacity": 1e6, "cycle_time": CYCLE_MINE, "yield": 1, "status": "active"},
                      {"id": "make", "site": "plant", "capacity": 1e6, "cycle_time": CYCLE_PLANT, "yield": 0.8, "status": "active"}],
        "process_inputs": [{"process": "make", "item": "ore", "quantity": 3}],
        "process_outputs": [{"process": "dig", "item": "ore", "quantity": 1}, {"process": "make", "item": "gear", "quantity": 2}],
        "lanes": [{"id": "ore", "item": "ore", "origin": "mine", "destination": "plant", "lead_time": LEAD_ORE, "status": "active"},
                  {"id": "out", "item": "gear", "origin": "plant", "destination": "cust", "lead_time": LEAD_OUT, "status": "active"}],
        "stocks": [s for s in (customer_stock, plant_stock) if s],
        "demands": [{"site": "cust", "item": "gear", "party": "US", "period": f"2026-{m:02d}", "quantity": q, "backorder": "true"}
                    for m, q in ((7, 5), (8, 0), (9, 13.5), (11, 2), (12, 40))],
        "programs": [{"id": "gear-us", "item": "gear", "party": "US"}],
    }
    return load(tmp, tables)


def test_planned_orders_deliver_on_time(tmp_path):
    # cumulative lead: 1 (out) + 2 (make) + 2 (ore) + 1 (dig) = 6 periods, so demand from July on is reachable
    net = chain(tmp_path / "p")
    res = allyforge.simulate(net, parse_scenario("name: a\nsamples: 2\n"))
    dem = res.out.demand
    due_new = np.zeros(12)
    due_new[[6, 7, 8, 10, 11]] = [5, 0, 13.5, 2, 40]
    for s in range(2):
        np.testing.assert_allclose(dem["delivered"][s, 0], due_new, rtol=0, atol=1e-9)
        assert dem["backlog"][s].max() == 0


def test_base_stock_point_is_exactly_lead_and_cycle_late(tmp_path):
    """S = 0 base-stock at the customer, supplied by the plant whose ore is in stock: the order
    placed when demand falls due passes to the plant's process (cycle 2) and the lane (lead 1)."""
    net = chain(tmp_path / "b", customer_stock={"site": "cust", "item": "gear", "initial": 0, "policy": "base_stock", "level": 0},
                plant_stock={"site": "plant", "item": "ore", "initial": 1e6, "policy": "none"})
    res = allyforge.simulate(net, parse_scenario("name: a\nsamples: 1\n"))
    got = res.out.demand["delivered"][0, 0]
    late = CYCLE_PLANT + LEAD_OUT
    want = np.zeros(12)
    for m, q in ((7, 5), (9, 13.5), (11, 2), (12, 40)):
        if m - 1 + late < 12:
            want[m - 1 + late] += q
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert want.sum() == 18.5


def test_base_stock_fed_from_stock_is_lead_time_late(tmp_path):
    """A base-stock customer (S = 0) fed directly by a stocked supplier: exactly the lane's lead time late."""
    net = chain(tmp_path / "c", customer_stock={"site": "cust", "item": "gear", "initial": 0, "policy": "base_stock", "level": 0},
                plant_stock={"site": "plant", "item": "gear", "initial": 1e6, "policy": "base_stock", "level": 1e6})
    res = allyforge.simulate(net, parse_scenario("name: a\nsamples: 1\n"))
    got = res.out.demand["delivered"][0, 0]
    want = np.zeros(12)
    for m, q in ((7, 5), (9, 13.5), (11, 2)):
        if m - 1 + LEAD_OUT < 12:
            want[m - 1 + LEAD_OUT] += q
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
