"""The engine's internal layout (simulate/layout.py): every request level works on contiguous
slices that cover each lane, process and input edge exactly once, and the internal orders are
permutations whose inverses map results back to the Compiled order."""

from __future__ import annotations

import numpy as np

import allyforge
from allyforge.pack import bundled_packs
from allyforge.scenario import load_scenario, parse_scenario, resolve
from allyforge.simulate.compiled import compile_network
from allyforge.simulate.layout import build_layout


def _layouts(tiny):
    nets = [(tiny, parse_scenario("name: a\nsamples: 1\n"))]
    if "us-japan-2026" in bundled_packs():
        nets.append((allyforge.load_pack("us-japan-2026"), load_scenario("china-export-ban-2026")))
    for net, sc in nets:
        c = compile_network(net, resolve(net, sc))
        yield c, build_layout(c)


def test_levels_cover_every_entity_once_in_contiguous_slices(tiny):
    for c, lay in _layouts(tiny):
        for name, n, part in (("lanes", lay.L, lambda r: r.lanes), ("procs", lay.P, lambda r: r.procs), ("edges", lay.E, lambda r: r.edges)):
            seen = np.zeros(n, int)
            for rq in lay.request:
                s = part(rq)
                assert isinstance(s, slice)
                seen[s] += 1
            assert np.all(seen == 1), name
        for k, rq in enumerate(lay.request):  # a level's lanes end at its nodes; its processes make them
            nl = set(c.req_levels[k][0].tolist())
            assert set(lay.lane_dest[rq.lanes].tolist()) <= nl
            assert set(lay.lane[rq.lanes].tolist()) == set(c.req_levels[k][1].tolist())
            assert set(lay.proc[rq.procs].tolist()) == set(c.req_levels[k][2].tolist())


def test_internal_orders_are_permutations_with_inverses(tiny):
    for c, lay in _layouts(tiny):
        for fwd, inv, n in ((lay.lane, lay.lane_inv, lay.L), (lay.proc, lay.proc_inv, lay.P), (lay.edge, lay.edge_inv, lay.E)):
            assert sorted(fwd.tolist()) == list(range(n))
            assert np.array_equal(fwd[inv], np.arange(n))
        np.testing.assert_array_equal(lay.lane_origin, c.lane_origin[lay.lane])
        np.testing.assert_array_equal(lay.in_node, c.in_node[lay.edge])
        np.testing.assert_array_equal(lay.in_proc, lay.proc_inv[c.in_proc[lay.edge]])
        assert np.all(np.diff(lay.in_proc) >= 0), "input edges follow their process"


def test_allocation_levels_hold_every_claim_once(tiny):
    for c, lay in _layouts(tiny):
        counts = {"dem": np.zeros(lay.D, int), "lanes": np.zeros(lay.L, int), "edges": np.zeros(lay.E, int)}
        for al in lay.alloc:
            for k in counts:
                idx = getattr(al, k)
                counts[k][idx] += 1
        for k, v in counts.items():
            assert np.all(v == 1), k
