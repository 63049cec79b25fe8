"""Hypothesis strategies: small random packs and scenarios that exercise every rule of docs/simulation.md."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

COUNTRIES = ["CN", "JP", "US", "AU"]


@st.composite
def pack_tables(draw: st.DrawFn, second_sources: bool = False) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Tables of a small pack and its horizon; `second_sources`: always with candidate lanes (S4.7)."""
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
    candidates = []
    if lanes and (second_sources or draw(st.integers(0, 3)) > 0):  # candidate (second-source) lanes into an active lane's destination (S4.7)
        l0 = draw(st.sampled_from(lanes))
        dest, item = l0["destination"], l0["item"]
        for cid in ["lc", "lc2"][: draw(st.integers(1, 2))]:
            others = [s for s in sorted(made_at.get(item, set())) if s != dest and (s, dest, item) not in seen_lane]
            if others and draw(st.booleans()):
                origin = draw(st.sampled_from(others))  # an existing supplier of the item
            else:  # a new supplier site with a source process of the item
                origin = f"x{cid}"
                sites.append({"id": origin, "name": origin, "country": draw(st.sampled_from(COUNTRIES)), "kind": "plant", "party": "US", "sector": "civil"})
                procs.append({"id": f"p{len(procs)}", "site": origin, "capacity": draw(st.sampled_from([2, 20, 100])), "cycle_time": 1,
                              "yield": 1, "priority": 1, "status": "active"})
                pout.append({"process": procs[-1]["id"], "item": item, "quantity": 1})
                made_at.setdefault(item, set()).add(origin)
            seen_lane.add((origin, dest, item))
            lanes.append({"id": cid, "item": item, "origin": origin, "destination": dest, "lead_time": draw(st.integers(0, 2)),
                          "capacity": draw(st.sampled_from([None, 3, 8])), "share": draw(st.sampled_from([None, 0.5])),
                          "priority": draw(st.integers(1, 3)), "status": "candidate"})
            if draw(st.booleans()):
                candidates.append({"id": f"buy-{cid}", "kind": "second_source", "target": cid, "size": draw(st.sampled_from([2, 6])),
                                   "cost": 10, "currency": "USD", "party": "US", "lead_time": draw(st.integers(0, 1))})

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
    cand_dest = [(l["destination"], l["item"]) for l in lanes if l["status"] == "candidate"][:1]
    if second_sources and cand_dest and draw(st.booleans()) and not any((s["site"], s["item"]) == cand_dest[0] for s in stocks):
        # a base-stock destination: its orders are unplanned need, split candidates first (S4.7, S5.6)
        stocks.append({"site": cand_dest[0][0], "item": cand_dest[0][1], "initial": 0, "policy": "base_stock", "level": draw(st.sampled_from([4, 15]))})
    rules = []
    if draw(st.booleans()):
        d0 = draw(st.integers(1, 27))
        # now and then from a candidate lane's origin country, so the plan meets a restricted second source (S4.7)
        cand_origin = [s["country"] for l in lanes if l["status"] == "candidate" for s in sites if s["id"] == l["origin"]]
        on_cand = bool(cand_origin) and draw(st.booleans())
        rules.append({"id": "ban", "origin_country": cand_origin[0] if on_cand else draw(st.sampled_from(COUNTRIES)), "destination_country": "*",
                      "items": "*" if on_cand else "g1", "start": f"2026-02-{d0:02d}", "effect": draw(st.sampled_from(["ban", "license", "delay"])),
                      "end": "2026-04-10", "end_use": "any" if on_cand else draw(st.sampled_from(["any", "military", "civil"])), "fraction": 0.5, "delay": 1})
    caps = []
    if draw(st.booleans()):
        caps.append({"process": procs[-1]["id"], "period": periods[2], "capacity": draw(st.sampled_from([0, 2, 50]))})
    parties = [{"id": "US", "name": "US", "country": "US", "fiscal_year_start_month": 10, "fiscal_year_named_by": "end", "currency": "USD"},
               {"id": "JP", "name": "JP", "country": "JP", "fiscal_year_start_month": 4, "fiscal_year_named_by": "start", "currency": "USD"}]
    tables = {"parties": parties, "items": items, "sites": sites, "processes": procs, "process_inputs": pin, "process_outputs": pout,
              "lanes": lanes, "stocks": stocks, "demands": demands, "trade_rules": rules, "capacities": caps, "candidates": candidates,
              "programs": [{"id": "end-us", "item": "end", "party": "US"}]}
    return tables, T


@st.composite
def scenario_text(draw: st.DrawFn, tables: dict[str, list[dict[str, Any]]], T: int, open_all: bool = False) -> str:
    """A scenario for the tables; `open_all`: every candidate lane gets an opening event (S4.7)."""
    sites = [s["id"] for s in tables["sites"]]
    lanes = [l["id"] for l in tables["lanes"] if l["status"] == "active"]
    lines = ["name: gen", f"periods: {T}", f"samples: {draw(st.integers(1, 3))}", f"seed: {draw(st.integers(0, 99))}", "events:"]
    per = lambda: f"2026-{draw(st.integers(1, T)):02d}"  # noqa: E731
    early = lambda: f"2026-{draw(st.integers(1, max(1, T // 3))):02d}"  # noqa: E731  (openings: before most requirements fall due)
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
    # openings of candidate lanes (S4.7): fixed or drawn capacity (blank: the lane's own, maybe unlimited), start,
    # duration and occurrence, so that openings differ by sample; invest events buy the pack's candidates
    bought = {c["target"] for c in tables.get("candidates", [])}
    for l in (l for l in tables["lanes"] if l["status"] == "candidate"):
        if (open_all and l["id"] not in bought) or draw(st.integers(0, 3)) > 0:
            cap = draw(st.sampled_from(["", ", capacity: 2", ", capacity: 10", ", capacity: {uniform: [1, 12]}"]))
            dur = draw(st.sampled_from(["", ", duration: 3", ", duration: {uniform: [1, 4]}"]))
            occ = draw(st.sampled_from(["", ", occurs: {bernoulli: 0.6}"]))
            lines.append(f"  - {{type: second_source, lane: {l['id']}, start: {early()}{cap}{dur}{occ}}}")
            n += 1
    for cand in tables.get("candidates", []):
        if open_all or draw(st.integers(0, 3)) > 0:
            size = draw(st.sampled_from(["", ", size: {uniform: [1, 6]}"]))
            occ = draw(st.sampled_from(["", ", occurs: {bernoulli: 0.5}"]))
            lines.append(f"  - {{type: invest, candidate: {cand['id']}, start: {early()}{size}{occ}}}")
            n += 1
    cands = [l["id"] for l in tables["lanes"] if l["status"] == "candidate"]
    if cands and draw(st.booleans()):
        lines.append(f"  - {{type: lane_cut, lanes: [{draw(st.sampled_from(cands))}], start: {per()}, duration: 2, severity: {{uniform: [0.2, 1]}}}}")
        n += 1
    sp = [s for s in tables["stocks"] if s["policy"] == "stockpile"]
    if sp and draw(st.booleans()):
        lines.append(f"  - {{type: stockpile_release, site: {sp[0]['site']}, item: {sp[0]['item']}, start: {per()}, quantity: 3}}")
        n += 1
    if n == 0:
        lines[-1] = "events: []"
    return "\n".join(lines) + "\n"


def draw_case(data: st.DataObject, second_sources: bool = False) -> tuple[Any, Any]:
    """(Network, Scenario) of one generated case, drawn inside a hypothesis test; `second_sources`: candidate
    lanes, each opened by an event (S4.7)."""
    import allyforge  # noqa: F401  (the pack loader)
    from allyforge.scenario import parse_scenario

    from .packgen import load

    tables, T = data.draw(pack_tables(second_sources))
    text = data.draw(scenario_text(tables, T, open_all=second_sources))
    with tempfile.TemporaryDirectory() as d:
        net = load(Path(d) / "gen", tables)
    return net, parse_scenario(text)
