"""Compiling a network for the engine (simulate/compiled.py): request levels are depths from the
sinks over lanes and processes (docs/simulation.md S4.6), allocation levels depths from the
sources over zero-lead lanes (S8.3), and a cycle is refused with its path named."""

from __future__ import annotations

import pytest

from allyforge.scenario import parse_scenario, resolve
from allyforge.simulate import SimulationInputError, simulate
from allyforge.simulate.compiled import compile_network

from .packgen import load
from .test_timing import chain


def test_levels_of_a_chain_by_hand(tmp_path):
    """mine --ore (lead 2)--> plant: ore -> gear --(lead 1)--> customer: depths 3, 2, 1, 0 from the customer."""
    net = chain(tmp_path / "c")
    c = compile_network(net, resolve(net, parse_scenario("name: a\nsamples: 1\n")))
    depth = {c.nodes[int(n)]: k for k, (nl, _, _) in enumerate(c.req_levels) for n in nl}
    assert depth == {("cust", "gear"): 0, ("plant", "gear"): 1, ("plant", "ore"): 2, ("mine", "ore"): 3}
    assert [len(a) for a in c.alloc_levels] == [4]  # no zero-lead lane: one allocation level


def test_a_lane_cycle_is_refused_with_its_path(tmp_path):
    tables = {
        "items": [{"id": "x", "name": "x", "unit": "t", "kind": "material"}],
        "sites": [{"id": "A", "name": "A", "country": "US", "kind": "plant"}, {"id": "B", "name": "B", "country": "US", "kind": "plant", "party": "US"}],
        "processes": [{"id": "make", "site": "A", "capacity": 5, "cycle_time": 1, "yield": 1, "status": "active"}],
        "process_outputs": [{"process": "make", "item": "x", "quantity": 1}],
        "lanes": [{"id": "ab", "item": "x", "origin": "A", "destination": "B", "lead_time": 1, "status": "active"},
                  {"id": "ba", "item": "x", "origin": "B", "destination": "A", "lead_time": 1, "status": "active"}],
        "demands": [{"site": "B", "item": "x", "party": "US", "period": "2026-03", "quantity": 1, "backorder": "true"}],
        "programs": [{"id": "x-us", "item": "x", "party": "US"}],
    }
    net = load(tmp_path / "cyc", tables)
    with pytest.raises(SimulationInputError, match=r"cycle \((x@A -> x@B|x@B -> x@A)\)"):
        simulate(net, parse_scenario("name: a\nsamples: 1\n"))
