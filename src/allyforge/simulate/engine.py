"""The vectorized engine: every sample steps together (docs/simulation.md S3-S12).

State arrays carry a leading sample axis. Python loops run only over periods,
request/allocation levels (bill-of-materials depth), priority classes, spill ranks
and distinct lead/cycle times; never over nodes or samples. Samples are
independent, so large runs go in chunks of samples whose aggregates are combined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from allyforge.scenario import Drivers
from allyforge.simulate.compiled import RELEASE, Compiled
from allyforge.simulate.money import CATEGORIES, CostModel
from allyforge.simulate.plan import make_plan, producer_shares

NODE_ARRAYS = ("on_hand", "reserve", "produced", "received", "added", "consumed", "shipped", "delivered")
DEMAND_ARRAYS = ("due", "delivered", "backlog", "lost")


@dataclass
class ChunkOut:
    """What one chunk of samples produced: full arrays [S, X, T] (or per-period sums) and accumulators."""

    node: dict[str, np.ndarray]
    runs: np.ndarray
    lane: np.ndarray
    demand: dict[str, np.ndarray]
    costs: np.ndarray  # [S, Q, categories, T] base currency
    cuts: dict[str, np.ndarray]  # per sample totals: lane_rule, lane_cap, lane_origin [S, L]; proc_cap [S, P]; input [S, E_in]
    full: bool = True
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def _scatter(vals: np.ndarray, MT: sp.csr_matrix) -> np.ndarray:
    """[S, E] values summed onto nodes through a transposed incidence matrix MT [N, E] -> [S, N]."""
    return np.asarray(MT @ vals.T).T


def run_chunk(c: Compiled, drv: Drivers, cm: CostModel, full: bool = True, progress: Callable[[int], None] | None = None) -> ChunkOut:
    S, T = drv.samples, drv.horizon
    N, L, P, D = c.N, len(c.lane_origin), len(c.cycle), len(c.dem_node)
    E = len(c.in_node)
    Q = len(cm.parties)

    # the plan (S4)
    demand_all = drv.demand() if drv.demand_is_random() else np.maximum(drv.base_demand, 0.0)[None]
    cap_varies = c.multi_producer and any(e.target == "capacity" for e in drv.effects)
    cap_for_shares = drv.capacity() if cap_varies else drv.base_capacity[None]
    planned_ship, planned_runs = make_plan(c, demand_all, producer_shares(c, cap_for_shares))
    ps = planned_ship.shape[0] > 1

    # state (S3)
    on_hand = np.broadcast_to(c.initial, (S, N)).copy()
    reserve = np.broadcast_to(c.reserve0, (S, N)).copy()
    on_short = (c.release == RELEASE["on_shortfall"]).astype(float)
    H = int((c.lead[:, None] + drv.lane_delay).max()) + 1 if L else 1
    Hc = int(c.cycle.max()) + 1 if P else 1
    lane_pipe = np.zeros((H, S, L))
    proc_pipe = np.zeros((Hc, S, P))
    in_transit = np.zeros((S, L))
    wip = np.zeros((S, P))
    lane_bl = np.zeros((S, L))
    proc_bl = np.zeros((S, P))
    lane_ord = np.zeros((S, L))  # open orders with the origin (S5.5)
    lane_owed = np.zeros((S, L))  # carried but not shipped last period (S12.1)
    proc_ord = np.zeros((S, P))  # runs whose inputs are on order (S6.6)
    dem_bl = np.zeros((S, D))
    cuts = {k: np.zeros((S, n)) for k, n in (("lane_rule", L), ("lane_cap", L), ("lane_origin", L), ("proc_cap", P), ("input", E), ("outage", P))}

    # stored period-major ([T, S, X]) so each period writes one contiguous block
    shape = (lambda X: (T, S, X)) if full else (lambda X: (T, 1, X))
    node = {k: np.empty(shape(N)) for k in NODE_ARRAYS}  # every period writes every value
    runs_out = np.empty(shape(P))
    lane_out = np.empty(shape(L))
    dem_out = {k: np.empty((T, S, D)) for k in DEMAND_ARRAYS}
    costs = np.zeros((S, Q, len(CATEGORIES), T))
    costs[:, :, CATEGORIES.index("investment"), :] = cm.invest

    def rec(store: np.ndarray, t: int, v: np.ndarray) -> None:
        if full:
            store[t] = v
        else:
            store[t, 0] = v.sum(0)

    Mld, Mlo, Min, Mout, Mdem = (m.T.tocsr() for m in (c.M_lane_dest, c.M_lane_origin, c.M_in, c.M_out_yield, c.M_dem))
    zero_lead = c.lead == 0
    cycles = np.unique(c.cycle)
    req_plan = [_request_level(c, nl, ll, pl) for nl, ll, pl in c.req_levels]
    alloc_plan = [_alloc_level(c, A, zero_lead) for A in c.alloc_levels]
    outage_mask = _outage_mask(c, drv)

    for t in range(T):
        cap = drv.capacity_at(t)
        lopen = drv.lane_open_at(t)
        lcap = drv.lane_capacity_at(t)
        dem = drv.demand_at(t)
        pship = planned_ship[:, :, t] if ps else planned_ship[0, :, t][None]
        pruns = planned_runs[:, :, t] if planned_runs.shape[0] > 1 else planned_runs[0, :, t][None]
        om = outage_mask(t)
        shares_t = None
        share_t = c.share_ship[:, t]
        if c.multi_producer:
            shares_t = producer_shares(c, cap[:, :, None])[:, :, 0]

        # S3.1 receive
        slot = t % H
        arr = lane_pipe[slot].copy()
        lane_pipe[slot] = 0.0
        in_transit -= arr
        received = _scatter(arr, Mld)
        cslot = t % Hc
        done = proc_pipe[cslot].copy()
        proc_pipe[cslot] = 0.0
        wip -= done
        produced = _scatter(done, Mout)
        on_hand += received + produced
        added = np.zeros((S, N))
        for ch in drv.stock_changes:
            n = c.nodes.get_loc((ch.site, ch.item))
            v = ch.values[:, t]
            if ch.kind == "add":
                reserve[:, n] += v
                added[:, n] += v
            else:
                amt = np.minimum(v, reserve[:, n])
                reserve[:, n] -= amt
                on_hand[:, n] += amt

        # S3.2 requests, downstream first (S5-S7); each level touches only its own entities
        due = dem_bl + dem
        owed = _scatter(due, Mdem)
        on_order = _scatter(lane_bl + in_transit, Mld) + _scatter(proc_bl + wip, Mout)
        X = np.zeros((S, N))
        asked = lane_ord + pship
        passed = np.zeros((S, L))
        p_asked = proc_ord + pruns
        p_passed = np.zeros((S, P))
        carried = np.zeros((S, L))
        unplaced = np.zeros((S, L))
        want = np.zeros((S, P))
        proc_req = np.zeros((S, P))
        for rq in req_plan:
            bs = rq.base_stock
            if len(bs):
                ip = on_hand[:, bs] + on_order[:, bs] - owed[:, bs]
                X[:, bs] = np.maximum(0.0, c.level[bs] - ip)
            ll = rq.lanes
            if len(ll):
                base = lane_bl[:, ll] + pship[:, ll]
                r = base + share_t[ll] * X[:, c.lane_dest[ll]]
                lo_ll, lc_ll = lopen[:, ll], lcap[:, ll]
                allowed = lo_ll * r
                carry = np.minimum(allowed, lc_ll)
                cut = r - carry
                cuts["lane_rule"][:, ll] += r - allowed
                cuts["lane_cap"][:, ll] += allowed - carry
                pool0 = _scatter(cut, rq.dest_M)
                pool = pool0.copy()
                for sel, dloc in rq.ranks:  # spill in (priority, table order) rank (S5.3)
                    room = np.where(lo_ll[:, sel] >= 1.0, lc_ll[:, sel] - carry[:, sel], 0.0)
                    take = np.minimum(pool[:, dloc], np.maximum(room, 0.0))
                    carry[:, sel] += take
                    pool[:, dloc] -= take
                p0 = pool0[:, rq.dest_inv]
                left = np.where(p0 > 0, pool[:, rq.dest_inv] / np.where(p0 > 0, p0, 1.0), 0.0)
                unplaced[:, ll] = cut * left
                carried[:, ll] = carry
                passed[:, ll] = np.maximum(0.0, carry - asked[:, ll])
                X[:, rq.origin_u] += _scatter(passed[:, ll], rq.origin_M)
                owed[:, rq.origin_u] += _scatter(carry, rq.origin_M)
            pl = rq.procs
            if len(pl):
                xr = np.zeros((S, len(pl)))
                if len(rq.out_edges):
                    oe = rq.out_edges
                    shr = shares_t[:, oe] if shares_t is not None else 1.0
                    ask = X[:, c.out_node[oe]] * shr / (c.out_qty[oe] * c.yld[c.out_proc[oe]])
                    if rq.single_output:
                        xr[:, rq.out_ploc] = ask
                    else:
                        np.maximum.at(xr, (slice(None), rq.out_ploc), ask)  # co-products: the largest ask
                base_p = proc_bl[:, pl] + pruns[:, pl]
                req = base_p + xr
                w = np.minimum(req, cap[:, pl])
                proc_req[:, pl] = req
                want[:, pl] = w
                newly = np.maximum(0.0, w - p_asked[:, pl])
                p_passed[:, pl] = newly
                if len(rq.in_edges):
                    ie = rq.in_edges
                    X[:, rq.in_u] += _scatter(newly[:, rq.in_ploc] * c.in_qty[ie], rq.in_M)
                    owed[:, rq.in_u] += _scatter(w[:, rq.in_ploc] * c.in_qty[ie], rq.in_M)

        # S3.3 allocate and ship, upstream first along zero-lead lanes (S8); local to each level
        avail = on_hand + reserve * on_short
        delivered = np.zeros((S, D))
        shipped = np.zeros((S, L))
        alloc_e = np.zeros((S, E))
        for al in alloc_plan:
            availA = avail[:, al.nodes]
            for di, d_loc, d_M, li, l_loc, l_M, ei, e_loc, e_M in al.classes:
                total = np.zeros((S, len(al.nodes)))
                if len(di):
                    cd = due[:, di]
                    total += _scatter(cd, d_M)
                if len(li):
                    cls = carried[:, li]
                    total += _scatter(cls, l_M)
                if len(ei):
                    ce = want[:, c.in_proc[ei]] * c.in_qty[ei]
                    total += _scatter(ce, e_M)
                frac = np.where(total > 0, np.minimum(1.0, availA / np.where(total > 0, total, 1.0)), 1.0)
                if len(di):
                    delivered[:, di] = cd * frac[:, d_loc]
                if len(li):
                    shipped[:, li] = cls * frac[:, l_loc]
                if len(ei):
                    alloc_e[:, ei] = ce * frac[:, e_loc]
                availA -= np.minimum(total * frac, availA)
            zl = al.zero_lanes
            if len(zl):
                arrive = _scatter(shipped[:, zl] * (1.0 - drv.lane_delay_share[zl, t]), al.zero_M)
                on_hand[:, al.zero_u] += arrive
                avail[:, al.zero_u] += arrive
                received[:, al.zero_u] += arrive
        # lanes into the pipeline: normal lead, and the delayed share (S2.3)
        dshare = drv.lane_delay_share[:, t]
        later = shipped * np.where(zero_lead, 0.0, 1.0 - dshare)
        for lv_ in np.unique(c.lead):
            sel = np.flatnonzero((c.lead == lv_) & ~zero_lead) if lv_ > 0 else np.zeros(0, int)
            if len(sel):
                lane_pipe[(t + int(lv_)) % H][:, sel] += later[:, sel]
        delayed = shipped * dshare
        if dshare.any():
            tot = c.lead + drv.lane_delay[:, t]
            for tv in np.unique(tot[dshare > 0]):
                sel = np.flatnonzero((tot == tv) & (dshare > 0))
                lane_pipe[(t + int(tv)) % H][:, sel] += delayed[:, sel]
        in_transit += shipped - np.where(zero_lead, shipped * (1.0 - dshare), 0.0)

        # S3.4 produce (S6)
        runs = want.copy()
        if E:
            ratio = alloc_e / c.in_qty
            mins = np.minimum.reduceat(ratio, c.in_starts, axis=1)
            runs[:, c.in_procs] = np.minimum(want[:, c.in_procs], mins)
            # S12.1: the limiting term of runs = min(request, capacity, inputs) takes the whole cut
            inlim = runs < want - 1e-12 * np.maximum(1.0, want)
            short = np.where(inlim, proc_req - runs, 0.0)
            pm = np.full((S, P), np.inf)
            pm[:, c.in_procs] = mins
            limiting = ratio <= pm[:, c.in_proc] + 1e-12
            cuts["input"] += short[:, c.in_proc] * limiting
            consumed_e = runs[:, c.in_proc] * c.in_qty
            consumed = _scatter(consumed_e, Min)
        else:
            consumed = np.zeros((S, N))
            inlim = np.zeros((S, P), bool)
        # capacity is charged only with runs the period itself asked for beyond it, not with a
        # re-requested backlog: that backlog stays charged to the shortage that left it (S12.1)
        capcut = np.where(inlim, 0.0, np.maximum(0.0, np.minimum(proc_req - want, proc_req - proc_bl - cap)))
        cuts["proc_cap"] += capcut
        if om.shape[0] > 1:
            cuts["outage"] += capcut * om
        for cv in cycles:
            sel = np.flatnonzero(c.cycle == cv)
            proc_pipe[(t + int(cv)) % Hc][:, sel] += runs[:, sel]
        wip += runs

        # draws: on hand first, then the reserve (S8.4)
        ship_n = _scatter(shipped, Mlo)
        deliv_n = _scatter(delivered, Mdem)
        drawn = ship_n + deliv_n + consumed
        from_on = np.minimum(drawn, on_hand)
        on_hand -= from_on
        reserve = np.maximum(reserve - (drawn - from_on), 0.0)

        # S3.5 account (S10, S11)
        unmet = np.maximum(due - delivered, 0.0)
        dem_bl = np.where(c.dem_backorder, unmet, 0.0)
        lost = np.where(c.dem_backorder, 0.0, unmet)
        # an origin is charged with the growth of what it owes, in units: a backlog that only waits is not charged again (S12.1)
        owed_now = np.maximum(carried - shipped, 0.0)
        cuts["lane_origin"] += np.maximum(0.0, owed_now - lane_owed)
        lane_owed = owed_now
        lane_bl = unplaced + np.maximum(carried - shipped, 0.0)
        lane_ord = np.minimum(lane_bl, np.maximum(0.0, asked + passed - shipped))
        proc_bl = proc_req - runs
        proc_ord = np.minimum(proc_bl, np.maximum(0.0, p_asked + p_passed - runs))

        ci = CATEGORIES.index
        costs[:, :, ci("holding"), t] += _by_party((on_hand + reserve) * cm.holding[:, t], cm.node_party, Q)
        costs[:, :, ci("holding"), t] += _by_party(in_transit * cm.holding[c.lane_origin, t], cm.node_party[c.lane_origin], Q)
        costs[:, :, ci("transport"), t] += _by_party(shipped * cm.lane_unit[:, t], cm.lane_party, Q)
        costs[:, :, ci("production"), t] += _by_party(runs * cm.run_unit[:, t], cm.proc_party, Q)
        costs[:, :, ci("backorder"), t] += _by_party((dem_bl + lost) * cm.back_unit[:, t], cm.dem_party, Q)

        for k, v in (("on_hand", on_hand), ("reserve", reserve), ("produced", produced), ("received", received), ("added", added),
                     ("consumed", consumed), ("shipped", ship_n), ("delivered", deliv_n)):
            rec(node[k], t, v)
        rec(runs_out, t, runs)
        rec(lane_out, t, shipped)
        for k, v in (("due", due), ("delivered", delivered), ("backlog", dem_bl), ("lost", lost)):
            dem_out[k][t] = v
        if progress is not None:
            progress(1)
    sxt = lambda a: np.moveaxis(a, 0, -1)  # noqa: E731  [T, S, X] -> [S, X, T] view
    return ChunkOut(node={k: sxt(v) for k, v in node.items()}, runs=sxt(runs_out), lane=sxt(lane_out),
                    demand={k: np.ascontiguousarray(sxt(v)) for k, v in dem_out.items()}, costs=costs, cuts=cuts, full=full)


def _local(targets: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
    """(unique targets, position of each entity's target among them, [targets x entities] scatter matrix)."""
    u, inv = np.unique(targets, return_inverse=True)
    w = np.ones(len(targets)) if weights is None else weights
    return u, inv, sp.csr_matrix((w, (inv, np.arange(len(targets)))), shape=(len(u), len(targets)))


@dataclass
class _RequestLevel:
    base_stock: np.ndarray
    lanes: np.ndarray
    dest_inv: np.ndarray
    dest_M: sp.csr_matrix
    ranks: list[tuple[np.ndarray, np.ndarray]]
    origin_u: np.ndarray
    origin_M: sp.csr_matrix
    procs: np.ndarray
    out_edges: np.ndarray
    out_ploc: np.ndarray
    single_output: bool
    in_edges: np.ndarray
    in_ploc: np.ndarray
    in_u: np.ndarray
    in_M: sp.csr_matrix


def _request_level(c: Compiled, nl: np.ndarray, ll: np.ndarray, pl: np.ndarray) -> _RequestLevel:
    _, dest_inv, dest_M = _local(c.lane_dest[ll])
    ranks = []
    for k in np.unique(c.spill_rank[ll]):
        sel = np.flatnonzero(c.spill_rank[ll] == k)
        ranks.append((sel, dest_inv[sel]))
    origin_u, _, origin_M = _local(c.lane_origin[ll])
    in_pl = np.zeros(len(c.cycle), bool)
    in_pl[pl] = True
    ploc = np.full(len(c.cycle), -1)
    ploc[pl] = np.arange(len(pl))
    oe = np.flatnonzero(in_pl[c.out_proc])  # a base-stock node's order asks its makers too (S7.2)
    ie = np.flatnonzero(in_pl[c.in_proc])
    in_u, _, in_M = _local(c.in_node[ie])
    return _RequestLevel(
        base_stock=nl[c.base_stock[nl]], lanes=ll, dest_inv=dest_inv, dest_M=dest_M, ranks=ranks, origin_u=origin_u, origin_M=origin_M,
        procs=pl, out_edges=oe, out_ploc=ploc[c.out_proc[oe]], single_output=len(np.unique(c.out_proc[oe])) == len(oe),
        in_edges=ie, in_ploc=ploc[c.in_proc[ie]], in_u=in_u, in_M=in_M,
    )


@dataclass
class _AllocLevel:
    nodes: np.ndarray
    classes: list[tuple]
    zero_lanes: np.ndarray
    zero_u: np.ndarray
    zero_M: sp.csr_matrix


def _alloc_level(c: Compiled, A: np.ndarray, zero_lead: np.ndarray) -> _AllocLevel:
    inA = np.zeros(c.N, bool)
    inA[A] = True
    loc = np.full(c.N, -1)
    loc[A] = np.arange(len(A))
    classes = []
    for cl in c.classes:
        di = np.flatnonzero(inA[c.dem_node] & (c.dem_priority == cl))
        li = np.flatnonzero(inA[c.lane_origin] & (c.lane_priority == cl))
        ei = np.flatnonzero(inA[c.in_node] & (c.proc_priority[c.in_proc] == cl))
        if not (len(di) or len(li) or len(ei)):
            continue
        parts = []
        for idx, tgt in ((di, c.dem_node[di]), (li, c.lane_origin[li]), (ei, c.in_node[ei])):
            tl = loc[tgt]
            M = sp.csr_matrix((np.ones(len(idx)), (tl, np.arange(len(idx)))), shape=(len(A), len(idx)))
            parts += [idx, tl, M]
        classes.append(tuple(parts))
    zl = np.flatnonzero(inA[c.lane_origin] & zero_lead)
    zero_u, _, zero_M = _local(c.lane_dest[zl])
    return _AllocLevel(nodes=A, classes=classes, zero_lanes=zl, zero_u=zero_u, zero_M=zero_M)


def _by_party(v: np.ndarray, party: np.ndarray, Q: int) -> np.ndarray:
    """[S, X] costs summed per paying party -> [S, Q] (a one-hot matrix product)."""
    onehot = np.zeros((len(party), Q))
    onehot[np.arange(len(party)), party] = 1.0
    return v @ onehot


def _outage_mask(c: Compiled, drv: Drivers) -> Callable[[int], np.ndarray]:
    """1 where a site_outage lowered a process's capacity in period t, per sample (for S12 labels)."""
    from allyforge.scenario import events as ev

    outs = [e for e in drv.effects if e.target == "capacity" and e.op == "mul" and isinstance(drv.scenario.events[e.event], ev.SiteOutage)]
    P = len(c.cycle)
    none = np.zeros((1, P))

    def at(t: int) -> np.ndarray:
        if not outs:
            return none
        m = np.zeros((drv.samples, P))
        for e in outs:
            m[:, e.index] = np.maximum(m[:, e.index], (e.per_entity(t) < 1.0).astype(float))
        return m

    return at
