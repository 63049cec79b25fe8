"""Generated benchmark network for the simulator (issue 3): N nodes, each a site running one
process with 1-4 inputs, each input sourced from 1-3 suppliers, on a weekly calendar.

Layered so the bill of materials is acyclic: the first layer mines (no inputs), each
later layer consumes item types of the layer before. Sites of a layer are grouped into
item types of 1-3 producing sites; a consumer's input of a type is sourced on lanes
from every producer of that type (shares blank: the priority-1 lane plans, the
others take spill). The last layer's items are demanded every week at their own site.
Capacities are set so some nodes bind. Deterministic for a given seed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import yaml


def generate(path: Path, nodes: int, weeks: int = 104, seed: int = 0, layers: int = 6) -> Path:
    rng = np.random.default_rng(seed)
    path.mkdir(parents=True, exist_ok=True)
    y0 = 2026
    end_year, end_week = y0 + (weeks - 1) // 52, (weeks - 1) % 52 + 1
    (path / "pack.yaml").write_text(yaml.safe_dump({
        "name": f"bench-{nodes}", "version": "0", "description": "generated simulator benchmark network",
        "calendar": {"kind": "week", "start": f"{y0}-W01", "end": f"{end_year}-W{end_week:02d}"}, "base_currency": "USD"}))
    periods = [f"{y0 + i // 52}-W{i % 52 + 1:02d}" for i in range(weeks)]
    sizes = np.full(layers, nodes // layers)
    sizes[: nodes % layers] += 1
    site_layer = np.repeat(np.arange(layers), sizes)
    # item types: consecutive sites of a layer, 1-3 per type
    item_of = np.empty(nodes, np.int64)
    types_by_layer: list[list[int]] = [[] for _ in range(layers)]
    producers: dict[int, list[int]] = {}
    k = 0
    s = 0
    for lv in range(layers):
        end = s + sizes[lv]
        while s < end:
            n = int(min(rng.integers(1, 4), end - s))
            item_of[s : s + n] = k
            producers[k] = list(range(s, s + n))
            types_by_layer[lv].append(k)
            k += 1
            s += n
    w = lambda f, rows, head: _write(path / f, head, rows)  # noqa: E731
    w("sources.csv", [["s", "generated", "assumption"]], ["id", "title", "kind"])
    w("parties.csv", [["US", "US", "US", 10, "end", "USD"]], ["id", "name", "country", "fiscal_year_start_month", "fiscal_year_named_by", "currency"])
    w("items.csv", [[f"i{t}", f"i{t}", "each", "material", 0.01, "s"] for t in range(k)], ["id", "name", "unit", "kind", "holding_cost", "source"])
    w("sites.csv", [[f"n{i}", f"n{i}", "US", "plant", "US", "civil"] for i in range(nodes)], ["id", "name", "country", "kind", "party", "sector"])
    procs, pin, pout, lanes, demands = [], [], [], [], []
    for i in range(nodes):
        lv = site_layer[i]
        cap = float(rng.choice([40.0, 80.0, 400.0])) if lv else 1e4
        procs.append([f"p{i}", f"n{i}", cap, int(rng.integers(1, 3)), 1, int(rng.integers(1, 3)), "active", "s"])
        pout.append([f"p{i}", f"i{item_of[i]}", 1, "s"])
        if lv == 0:
            continue
        prev = types_by_layer[lv - 1]
        for t in rng.choice(prev, size=min(len(prev), int(rng.integers(1, 5))), replace=False):
            pin.append([f"p{i}", f"i{t}", float(rng.choice([0.5, 1.0, 2.0])), "s"])
            for j, src in enumerate(producers[int(t)]):
                lanes.append([f"l{len(lanes)}", f"i{t}", f"n{src}", f"n{i}", int(rng.integers(0, 3)), "", "", j + 1, "active", "s"])
    last = [i for i in range(nodes) if site_layer[i] == layers - 1]
    for i in last:
        q = float(rng.integers(1, 10))
        demands.extend([[f"n{i}", f"i{item_of[i]}", "US", p, q, 1, "true", 1.0, "s"] for p in periods[8:]])
    w("processes.csv", procs, ["id", "site", "capacity", "cycle_time", "yield", "priority", "status", "source"])
    w("process_inputs.csv", pin, ["process", "item", "quantity", "source"])
    w("process_outputs.csv", pout, ["process", "item", "quantity", "source"])
    w("lanes.csv", lanes, ["id", "item", "origin", "destination", "lead_time", "capacity", "share", "priority", "status", "source"])
    w("demands.csv", demands, ["site", "item", "party", "period", "quantity", "priority", "backorder", "backorder_cost", "source"])
    w("programs.csv", [[f"prog{t}", f"i{t}", "US"] for t in types_by_layer[-1]], ["id", "item", "party"])
    return path


def _write(p: Path, head: list[str], rows: list) -> None:
    with open(p, "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(head)
        wr.writerows(rows)


def scenario_text(samples: int, seed: int = 1, outage_site: str = "n0") -> str:
    """A scenario with drawn events, so samples differ: a drawn outage and demand noise."""
    return (f"name: bench\nsamples: {samples}\nseed: {seed}\nevents:\n"
            f"  - {{type: site_outage, site: {outage_site}, start: 2026-W10, duration: {{uniform: [4, 20]}}, severity: {{uniform: [0.5, 1]}}}}\n")
