"""Hypothesis strategies: small random packs and scenarios that exercise every rule of docs/simulation.md."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

COUNTRIES = ["CN", "JP", "US", "AU"]


@st.composite
def pack_tables(draw: st.DrawFn) -> tuple[dict[str, list[dict[str, Any]]], int]:
    T = draw(st.integers(5, 9))
    n_sites = draw(st.integers(3, 5))
    sites = [{"id": f"s{i}", "name": f"s{i}", "country": draw(st.sampled_from(COUNTRIES)), "kind": "plant", "party": "US",
              "sector": draw(st.sampled_from(["military", "civil"]))} for i in range(n_sites)]
    sites.append({"id": "cust", "name": "customer", "country": draw(st.sampled_from(COUNTRIES)), "kind": "customer", "party": "US", "sector": "military"})
    raw = [f"r{i}" for i in range(draw(st.integers(1, 2)))]
    mid = [f"m{i}" for i in range(draw(st.integers(1, 2)))]
    items = [{"id": r, "name": r, "unit": "t", "kind": "mineral", "groups": "g1", "holding_cost": draw(st.sampled_from([None, 0.5]))} for r in raw]
    items += [{"id": m, "name": m, "unit": "t", "kind": "material", "holding_cost": 1} for m in mid]
    items.append({"id": "end", "name": "end", "unit": "each", "kind": "end_item", "holding_cost": 2})
    site_ids = [s["id"] for s in sites[:-1]]
    procs, pin, pout = [], [], []
    made_at: dict[str, set[str]] = {}

    def proc(item: str, inputs: list[str]) -> None:
        k = len(procs)
        site = draw(st.sampled_from(site_ids))
        pid = f"p{k}"
        procs.append({"id": pid, "site": site, "capacity": draw(st.sampled_from([0, 3, 8, 20, 100])), "cycle_time": draw(st.integers(1, 2)),
                      "yield": draw(st.sampled_from([1, 0.8, 0.5])), "priority": draw(st.integers(1, 2)), "status": "active"})
        pout.append({"process": pid, "item": item, "quantity": draw(st.sampled_from([1, 2]))})
        if not inputs and len(raw) > 1 and draw(st.booleans()):  # a co-product now and then (mines only: the BOM stays acyclic)
            other = draw(st.sampled_from(raw))
            if other != item and not any(o["process"] == pid and o["item"] == other for o in pout):
                pout.append({"process": pid, "item": other, "quantity": 0.5})
                made_at.setdefault(other, set()).add(site)
        for i in inputs:
            q = draw(st.sampled_from([0.5, 1, 2]))
            pin.append({"process": pid, "item": i, "quantity": q, "low": draw(st.sampled_from([None, q / 2])), "high": None})
        made_at.setdefault(item, set()).add(site)

    for r in raw:
        for _ in range(draw(st.integers(1, 2))):
            proc(r, [])
    for m in mid:
        for _ in range(draw(st.integers(1, 2))):
            proc(m, draw(st.lists(st.sampled_from(raw), min_size=1, max_size=2, unique=True)))
    proc("end", draw(st.lists(st.sampled_from(mid), min_size=1, max_size=2, unique=True)))

    lanes, stocks = [], []
    seen_lane = set()
    needs = {(procs[int(p["process"][1:])]["site"], p["item"]) for p in pin} | {("cust", "end")}
    for site, item in sorted(needs):
        if site in made_at.get(item, set()):
            continue
        sups = sorted(made_at.get(item, set()) - {site})
        if not sups:
            stocks.append({"site": site, "item": item, "initial": draw(st.sampled_from([0, 10, 50])), "policy": "none"})
            continue
        chosen = draw(st.lists(st.sampled_from(sups), min_size=1, max_size=min(2, len(sups)), unique=True))
        shares = None
        if len(chosen) > 1 and draw(st.booleans()):
            a = draw(st.sampled_from([0.3, 0.5, 0.7]))
            shares = [a, 1 - a]
        for j, o in enumerate(chosen):
            if (o, site, item) in seen_lane:
                continue
            seen_lane.add((o, site, item))
            lanes.append({"id": f"l{len(lanes)}", "item": item, "origin": o, "destination": site, "lead_time": draw(st.integers(0, 2)),
                          "capacity": draw(st.sampled_from([None, None, 4, 30])), "share": shares[j] if shares else None,
                          "priority": draw(st.integers(1, 2)), "status": "active"})
    if draw(st.booleans()) and lanes:  # a candidate (second-source) lane
        l0 = lanes[0]
        others = [s for s in site_ids if s not in (l0["origin"], l0["destination"]) and (s, l0["destination"], l0["item"]) not in seen_lane]
        if others and l0["item"] in made_at and others[0] in made_at[l0["item"]]:
            lanes.append({**l0, "id": "lc", "origin": others[0], "share": None, "status": "candidate", "priority": 3})

    periods = [f"2026-{m:02d}" for m in range(1, T + 1)]
    demands = []
    bo = draw(st.booleans())
    for per in sorted(draw(st.lists(st.sampled_from(periods), min_size=1, max_size=4, unique=True))):
        demands.append({"site": "cust", "item": "end", "party": "US", "period": per, "quantity": draw(st.sampled_from([0, 2, 5, 12])),
                        "priority": 1, "backorder": str(bo).lower(), "backorder_cost": 10})
    if draw(st.booleans()):  # a second, lower-priority stream at the same node
        demands.append({"site": "cust", "item": "end", "party": "JP", "period": draw(st.sampled_from(periods)), "quantity": 6,
                        "priority": 2, "backorder": "true", "backorder_cost": 5})
    # stocks: some buffers, a base-stock point, a stockpile
    for site, item in sorted(needs):
        if draw(st.integers(0, 3)) == 0 and not any(s["site"] == site and s["item"] == item for s in stocks):
            pol = draw(st.sampled_from(["none", "base_stock", "stockpile"]))
            row = {"site": site, "item": item, "initial": draw(st.sampled_from([0, 5, 20])), "policy": pol}
            if pol == "base_stock":
                row["level"] = draw(st.sampled_from([0, 4, 15]))
            if pol == "stockpile":
                row["release"] = draw(st.sampled_from(["on_shortfall", "scenario", "never"]))
            stocks.append(row)
    rules = []
    if draw(st.booleans()):
        d0 = draw(st.integers(1, 27))
        rules.append({"id": "ban", "origin_country": draw(st.sampled_from(COUNTRIES)), "destination_country": "*", "items": "g1",
                      "start": f"2026-02-{d0:02d}", "effect": draw(st.sampled_from(["ban", "license", "delay"])), "end": "2026-04-10",
                      "end_use": draw(st.sampled_from(["any", "military", "civil"])), "fraction": 0.5, "delay": 1})
    caps = []
    if draw(st.booleans()):
        caps.append({"process": procs[-1]["id"], "period": periods[2], "capacity": draw(st.sampled_from([0, 2, 50]))})
    parties = [{"id": "US", "name": "US", "country": "US", "fiscal_year_start_month": 10, "fiscal_year_named_by": "end", "currency": "USD"},
               {"id": "JP", "name": "JP", "country": "JP", "fiscal_year_start_month": 4, "fiscal_year_named_by": "start", "currency": "USD"}]
    tables = {"parties": parties, "items": items, "sites": sites, "processes": procs, "process_inputs": pin, "process_outputs": pout,
              "lanes": lanes, "stocks": stocks, "demands": demands, "trade_rules": rules, "capacities": caps,
              "programs": [{"id": "end-us", "item": "end", "party": "US"}]}
    return tables, T


@st.composite
def scenario_text(draw: st.DrawFn, tables: dict[str, list[dict[str, Any]]], T: int) -> str:
    sites = [s["id"] for s in tables["sites"]]
    lanes = [l["id"] for l in tables["lanes"] if l["status"] == "active"]
    lines = ["name: gen", f"periods: {T}", f"samples: {draw(st.integers(1, 3))}", f"seed: {draw(st.integers(0, 99))}", "events:"]
    per = lambda: f"2026-{draw(st.integers(1, T)):02d}"  # noqa: E731
    n = 0
    if draw(st.booleans()):
        lines.append(f"  - {{type: site_outage, site: {draw(st.sampled_from(sites))}, start: {per()}, duration: {{uniform: [1, 3]}}, severity: {{uniform: [0.3, 1]}}}}")
        n += 1
    if lanes and draw(st.booleans()):
        lines.append(f"  - {{type: lane_cut, lanes: [{draw(st.sampled_from(lanes))}], start: {per()}, duration: 2, severity: 0.7}}")
        n += 1
    if draw(st.booleans()):
        lines.append(f"  - {{type: demand_noise, items: [end], noise: {{normal: [0, 2]}}}}")
        n += 1
    if draw(st.booleans()):
        lines.append(f"  - {{type: demand_surge, items: [end], start: {per()}, duration: 2, factor: 1.5, delta: 1}}")
        n += 1
    if draw(st.booleans()):
        lines.append(f"  - {{type: capacity_change, processes: [p0], start: {per()}, factor: {{triangular: [0.2, 1, 2]}}}}")
        n += 1
    if draw(st.booleans()):
        lines.append(f"  - {{type: export_ban, origin: {draw(st.sampled_from(COUNTRIES))}, items: ['*'], start: {per()}, duration: {{uniform: [1, 4]}}, occurs: {{bernoulli: 0.6}}}}")
        n += 1
    if any(l["id"] == "lc" for l in tables["lanes"]) and draw(st.booleans()):
        lines.append(f"  - {{type: second_source, lane: lc, start: {per()}, capacity: 10}}")
        n += 1
    sp = [s for s in tables["stocks"] if s["policy"] == "stockpile"]
    if sp and draw(st.booleans()):
        lines.append(f"  - {{type: stockpile_release, site: {sp[0]['site']}, item: {sp[0]['item']}, start: {per()}, quantity: 3}}")
        n += 1
    if n == 0:
        lines[-1] = "events: []"
    return "\n".join(lines) + "\n"


def draw_case(data: st.DataObject) -> tuple[Any, Any]:
    """(Network, Scenario) of one generated case, drawn inside a hypothesis test."""
    import allyforge  # noqa: F401  (the pack loader)
    from allyforge.scenario import parse_scenario

    from .packgen import load

    tables, T = data.draw(pack_tables())
    text = data.draw(scenario_text(tables, T))
    with tempfile.TemporaryDirectory() as d:
        net = load(Path(d) / "gen", tables)
    return net, parse_scenario(text)
