"""Textbook: Snyder & Shen, Fundamentals of Supply Chain Theory (2nd ed.), Example 6.1.

A 3-stage serial system under echelon base-stock: stage 1 (downstream) faces
Normal(5, 1) demand per period and backorder cost 37.12; shipment lead times
L1 = L2 = 1, L3 = 2 (stage 3 fed by an external supplier with ample stock); local
holding costs 7, 4, 2. At the optimal levels (installation 6.49, 5.53, 10.69,
i.e. echelon 6.49, 12.02, 22.71) the expected cost per period is C* = 47.6654
(reference: ../shared/oracles/README.md; the published cost charges stock in
transit to a stage at the shipping stage's local holding cost, docs/simulation.md
S11.2). The instance data are read from the PyPI package stockpyl's dataset
(stockpyl/datasets/stockpyl_instances.json, the file stockpyl.instances.load_instance
reads; its loader needs jsonpickle, which the --no-deps install lacks). We never call
stockpyl's optimizers.

Base-stock stock points order up to their level each period (S7); demand is the
pack's dated 5 per period plus `demand_noise: normal [0, 1]`. Warm-up: the first
100 periods are dropped (every stage starts at its level with nothing in transit;
the pipeline fills within L1 + L2 + L3 = 4 periods). Mean cost is taken over 40
independent samples of 1,100 measured periods; 3 standard errors across samples.
"""

from __future__ import annotations

import json
import os
from importlib import util
from pathlib import Path

import numpy as np
import pytest

import allyforge
from allyforge.scenario import parse_scenario

from .packgen import load

C_STAR = 47.6654  # Snyder & Shen (2019), Example 6.1; ../shared/oracles/README.md
WARM_UP = 100
PERIODS = 1200
SAMPLES = 40


def _instance() -> dict:
    spec = util.find_spec("stockpyl")
    if spec is None or not spec.submodule_search_locations:
        msg = "stockpyl is not installed (make install-test installs it --no-deps)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "stockpyl_instances.json"
    data = json.loads(path.read_text())
    inst = next(i for i in data["instances"] if i["name"] == "example_6_1")
    return {n["_index"]: n for n in inst["data"]["_nodes"]}


def test_example_6_1_cost_at_optimal_base_stock(tmp_path: Path):
    nodes = _instance()
    assert sorted(nodes) == [1, 2, 3]
    stage1 = nodes[1]
    mean, sd = stage1["demand_source"]["mean"], stage1["demand_source"]["standard_deviation"]
    assert (mean, sd, stage1["stockout_cost"]) == (5, 1, 37.12)

    months = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(PERIODS)]
    sites = [{"id": "ext", "name": "external supplier", "country": "US", "kind": "mine", "party": "US", "sector": "civil"}]
    lanes, stocks = [], [{"site": "ext", "item": "x", "initial": 1e12, "policy": "none", "holding_cost": 0}]
    for j in (3, 2, 1):
        n = nodes[j]
        sites.append({"id": f"s{j}", "name": f"stage {j}", "country": "US", "kind": "depot", "party": "US", "sector": "civil"})
        pred = n["_predecessor_indices"]
        origin = f"s{pred[0]}" if pred else "ext"
        lanes.append({"id": f"to{j}", "item": "x", "origin": origin, "destination": f"s{j}", "lead_time": n["shipment_lead_time"],
                      "priority": 1, "status": "active"})
        S = n["_inventory_policy"]["base_stock_level"]
        stocks.append({"site": f"s{j}", "item": "x", "initial": S, "policy": "base_stock", "level": S, "holding_cost": n["local_holding_cost"]})
    tables = {
        "items": [{"id": "x", "name": "x", "unit": "each", "kind": "end_item", "holding_cost": 0}],
        "sites": sites, "lanes": lanes, "stocks": stocks,
        "processes": [], "process_inputs": [], "process_outputs": [],
        "demands": [{"site": "s1", "item": "x", "party": "US", "period": p, "quantity": mean, "priority": 1, "backorder": "true",
                     "backorder_cost": stage1["stockout_cost"]} for p in months],
        "programs": [{"id": "x-us", "item": "x", "party": "US"}],
    }
    net = load(tmp_path / "ex61", tables, start=months[0], end=months[-1])
    sc = parse_scenario(f"name: ex61\nsamples: {SAMPLES}\nseed: 61\nevents:\n  - {{type: demand_noise, items: [x], noise: {{normal: [0, {sd}]}}}}\n")
    res = allyforge.simulate(net, sc)
    costs = res.out.costs.sum(axis=(1, 2))[:, WARM_UP:]  # [sample, period], holding + backorder
    per_sample = costs.mean(1)
    mean_cost = per_sample.mean()
    se = per_sample.std(ddof=1) / np.sqrt(SAMPLES)
    print(f"example_6_1: mean cost {mean_cost:.4f}, s.e. {se:.4f}")
    assert abs(mean_cost - C_STAR) <= 3 * se, f"mean cost {mean_cost:.4f} +/- {se:.4f} (1 s.e.) vs {C_STAR}"
    assert se < 0.5  # the check has teeth: a 1.5-unit error would fail it
