"""The MRP plan (docs/simulation.md S4): planned shipments per lane and starts per process.

Computed downstream first over the request levels, vectorized over nodes of a level
and over samples (the plan has a sample axis only when demand, a multi-producer split
or the opening of a candidate lane differs by sample).
"""

from __future__ import annotations

import numpy as np

from allyforge.simulate.compiled import Compiled
from allyforge.simulate.sourcing import candidate_take


def shift_back(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """y[..., e, s] = x[..., e, s + k_e]; what falls before period 0 is released in period 0 (S4.5)."""
    y = np.zeros_like(x)
    T = x.shape[-1]
    for kv in np.unique(k):
        sel = np.flatnonzero(k == kv)
        kv = int(kv)
        if kv == 0:
            y[..., sel, :] = x[..., sel, :]
            continue
        if kv < T:
            y[..., sel, : T - kv] = x[..., sel, kv:]
        y[..., sel, 0] += x[..., sel, : min(kv, T)].sum(-1)  # past due, plus x[k] on time
    return y


def producer_shares(c: Compiled, cap: np.ndarray) -> np.ndarray:
    """Share of each output edge's node requirement its process takes: capacity pro rata (S4.3). [Sc, E_out, T]."""
    E = len(c.out_node)
    if not c.multi_producer:
        return np.ones((1, E, 1))
    capE = cap[:, c.out_proc, :]  # [Sc, E, T]
    tot = np.zeros((cap.shape[0], c.N, cap.shape[2]))
    np.add.at(tot, (slice(None), c.out_node), capE)
    cnt = np.bincount(c.out_node, minlength=c.N).astype(float)
    totE = tot[:, c.out_node, :]
    return np.where(totE > 0, capE / np.where(totE > 0, totE, 1.0), 1.0 / cnt[c.out_node][None, :, None])


def make_plan(c: Compiled, demand: np.ndarray, shares: np.ndarray, cand_cap: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(planned shipments [S, L, T], planned starts [S, P, T]) from demand [Sd, D, T].

    `cand_cap[Sk, n, T]` is the planning capacity of the opened candidate lanes `c.cand_lanes`
    by shipping period (S4.7); S is the largest sample axis of demand, shares and cand_cap."""
    Sd, _, T = demand.shape
    S2 = max(Sd, shares.shape[0], cand_cap.shape[0] if cand_cap is not None else 1)
    L, P = len(c.lane_origin), len(c.cycle)
    G = np.zeros((S2, c.N, T))
    np.add.at(G, (slice(None), c.dem_node), np.broadcast_to(demand, (S2, *demand.shape[1:])))
    ship = np.zeros((S2, L, T))
    runs = np.zeros((S2, P, T))
    planned_dest = ~c.base_stock
    for nl, ll, pl in c.req_levels:
        lanes = ll[planned_dest[c.lane_dest[ll]] & (c.share_arrive[ll] > 0).any(1)]
        left = _candidates_first(c, G, ship, nl, planned_dest, cand_cap) if cand_cap is not None else None
        if len(lanes):
            need = G[:, c.lane_dest[lanes], :]
            if left is not None:  # the active lanes split what the candidates leave (S4.7)
                dests, rest = left
                at = np.searchsorted(dests, c.lane_dest[lanes])
                hit = np.flatnonzero(dests[np.minimum(at, len(dests) - 1)] == c.lane_dest[lanes])
                need[:, hit] = rest[:, at[hit]]
            need *= c.share_arrive[lanes][None, :, :]
            s = shift_back(need, c.lead[lanes])
            ship[:, lanes] = s
            np.add.at(G, (slice(None), c.lane_origin[lanes]), s)
        lvl = np.zeros(c.N, bool)
        lvl[nl] = True
        edges = np.flatnonzero(lvl[c.out_node] & planned_dest[c.out_node])
        if len(edges):
            sh = shares[:, edges, :] if shares.shape[1] > 1 else shares
            need = G[:, c.out_node[edges], :] * sh / (c.out_qty[edges] * c.yld[c.out_proc[edges]])[None, :, None]
            starts = shift_back(need, c.cycle[c.out_proc[edges]])
            np.maximum.at(runs, (slice(None), c.out_proc[edges]), starts)  # co-products: the largest ask
        if len(pl):
            pset = np.zeros(P, bool)
            pset[pl] = True
            ein = np.flatnonzero(pset[c.in_proc])
            if len(ein):
                np.add.at(G, (slice(None), c.in_node[ein]), runs[:, c.in_proc[ein]] * c.in_qty[ein][None, :, None])
    return ship, runs


def _candidates_first(c: Compiled, G: np.ndarray, ship: np.ndarray, nl: np.ndarray, planned_dest: np.ndarray,
                      cand_cap: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Plan a level's opened candidate lanes first, up to their planning capacity (S4.7).

    Writes their planned shipments into `ship` and adds them to their origins' requirement;
    returns (destinations, requirement the candidates leave [S, n, T]), or None when the
    level has no opened candidate."""
    lvl = np.zeros(c.N, bool)
    lvl[nl] = True
    here = np.flatnonzero(lvl[c.lane_dest[c.cand_lanes]] & planned_dest[c.lane_dest[c.cand_lanes]])
    if not len(here):
        return None
    dests = np.unique(c.lane_dest[c.cand_lanes[here]])
    rest = G[:, dests, :]  # a copy
    for k in np.unique(c.cand_rank[here]):  # in (priority, table order) at each destination
        js = here[c.cand_rank[here] == k]
        lanes = c.cand_lanes[js]
        at = np.searchsorted(dests, c.lane_dest[lanes])
        take = candidate_take(rest[:, at], cand_cap[:, js], c.lead[lanes])
        rest[:, at] -= take
        s = shift_back(take, c.lead[lanes])
        ship[:, lanes] = s
        np.add.at(G, (slice(None), c.lane_origin[lanes]), s)
    return dests, rest
