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


class _Sub:
    """Column subsets of a sparse incidence matrix, cached per level and class."""

    def __init__(self, M: sp.csr_matrix) -> None:
        self.M = M
        self.cache: dict[tuple, sp.csr_matrix] = {}

    def rows(self, key: tuple, idx: np.ndarray) -> sp.csr_matrix:
        if key not in self.cache:
            self.cache[key] = self.M[idx].T.tocsr()
        return self.cache[key]


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
    dem_bl = np.zeros((S, D))
    cuts = {k: np.zeros((S, n)) for k, n in (("lane_rule", L), ("lane_cap", L), ("lane_origin", L), ("proc_cap", P), ("input", E), ("outage", P))}

    shape = (lambda X: (S, X, T)) if full else (lambda X: (1, X, T))
    node = {k: np.zeros(shape(N)) for k in NODE_ARRAYS}
    runs_out = np.zeros(shape(P))
    lane_out = np.zeros(shape(L))
    dem_out = {k: np.zeros((S, D, T)) for k in DEMAND_ARRAYS}
    costs = np.zeros((S, Q, len(CATEGORIES), T))
    costs[:, :, CATEGORIES.index("investment"), :] = cm.invest

    def rec(store: np.ndarray, t: int, v: np.ndarray) -> None:
        if full:
            store[:, :, t] = v
        else:
            store[0, :, t] = v.sum(0)

    Mld, Mlo, Min, Mout, Mdem = (m.T.tocsr() for m in (c.M_lane_dest, c.M_lane_origin, c.M_in, c.M_out_yield, c.M_dem))
    sub_lo, sub_in, sub_dem = _Sub(c.M_lane_origin), _Sub(c.M_in), _Sub(c.M_dem)
    zero_lead = c.lead == 0
    cycles = np.unique(c.cycle)
    in_lvl_mask = [np.isin(c.in_proc, pl) for _, _, pl in c.req_levels]
    out_lvl_edges = [np.flatnonzero(np.isin(c.out_node, nl) & ~c.base_stock[c.out_node]) for nl, _, _ in c.req_levels]
    max_rank = int(c.spill_rank.max()) + 1 if L else 0
    # claims per allocation level and priority class (S8.2)
    alloc_sets = []
    for A in c.alloc_levels:
        inA = np.zeros(N, bool)
        inA[A] = True
        per_class = []
        for cl in c.classes:
            di = np.flatnonzero(inA[c.dem_node] & (c.dem_priority == cl))
            li = np.flatnonzero(inA[c.lane_origin] & (c.lane_priority == cl))
            ei = np.flatnonzero(inA[c.in_node] & (c.proc_priority[c.in_proc] == cl))
            if len(di) or len(li) or len(ei):
                per_class.append((int(cl), di, li, ei))
        lanesA = np.flatnonzero(inA[c.lane_origin])
        per_class_lanes = lanesA
        alloc_sets.append((A, per_class, per_class_lanes))
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
        if c.multi_producer:
            sh = producer_shares(c, drv.capacity_at(t)[:, :, None])[:, :, 0]
            shares_t = sh

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

        # S3.2 requests, downstream first (S5-S7)
        due = dem_bl + dem
        owed = _scatter(due, Mdem)
        on_order = _scatter(lane_bl + in_transit, Mld) + _scatter(proc_bl + wip, Mout)
        X = np.zeros((S, N))
        carried = np.zeros((S, L))
        lane_base = np.zeros((S, L))
        unplaced = np.zeros((S, L))
        want = np.zeros((S, P))
        proc_req = np.zeros((S, P))
        for lv, (nl, ll, pl) in enumerate(c.req_levels):
            bs = nl[c.base_stock[nl]]
            if len(bs):
                ip = on_hand[:, bs] + on_order[:, bs] - owed[:, bs]
                X[:, bs] = np.maximum(0.0, c.level[bs] - ip)
            if len(ll):
                base = lane_bl[:, ll] + pship[:, ll]
                r = base + c.plan_share[ll] * X[:, c.lane_dest[ll]]
                allowed = lopen[:, ll] * r
                carry = np.minimum(allowed, lcap[:, ll])
                cut = r - carry
                cuts["lane_rule"][:, ll] += r - allowed
                cuts["lane_cap"][:, ll] += allowed - carry
                pool0 = np.zeros((S, N))
                np.add.at(pool0, (slice(None), c.lane_dest[ll]), cut)
                pool = pool0.copy()
                for k in range(max_rank):  # spill in (priority, table order) rank (S5.3)
                    lk = ll[c.spill_rank[ll] == k]
                    if not len(lk):
                        continue
                    pos = np.searchsorted(ll, lk)
                    room = np.where(lopen[:, lk] >= 1.0, lcap[:, lk] - carry[:, pos], 0.0)
                    take = np.minimum(pool[:, c.lane_dest[lk]], np.maximum(room, 0.0))
                    carry[:, pos] += take
                    pool[:, c.lane_dest[lk]] -= take
                d_ll = c.lane_dest[ll]
                left = np.where(pool0[:, d_ll] > 0, pool[:, d_ll] / np.where(pool0[:, d_ll] > 0, pool0[:, d_ll], 1.0), 0.0)
                unplaced[:, ll] = cut * left
                carried[:, ll] = carry
                lane_base[:, ll] = base
                sub = sub_lo.rows(("lvl", lv), ll)
                X += _scatter(np.maximum(0.0, carry - base), sub)
                owed += _scatter(carry, sub)
            if len(pl):
                edges = out_lvl_edges[lv]
                xr = np.zeros((S, P))
                if len(edges):
                    shr = shares_t[:, edges] if shares_t is not None else 1.0
                    ask = X[:, c.out_node[edges]] * shr / (c.out_qty[edges] * c.yld[c.out_proc[edges]])
                    np.maximum.at(xr, (slice(None), c.out_proc[edges]), ask)
                base_p = proc_bl[:, pl] + pruns[:, pl]
                req = base_p + xr[:, pl]
                w = np.minimum(req, cap[:, pl])
                cuts["proc_cap"][:, pl] += req - w
                cuts["outage"][:, pl] += (req - w) * om[:, pl]
                proc_req[:, pl] = req
                want[:, pl] = w
                em = in_lvl_mask[lv]
                if em.any():
                    ei = np.flatnonzero(em)
                    passed = np.maximum(0.0, w - base_p)
                    full_passed = np.zeros((S, P))
                    full_passed[:, pl] = passed
                    subm = sub_in.rows(("lvl", lv), ei)
                    X += _scatter(full_passed[:, c.in_proc[ei]] * c.in_qty[ei], subm)
                    owed += _scatter(want[:, c.in_proc[ei]] * c.in_qty[ei], subm)

        # S3.3 allocate and ship, upstream first along zero-lead lanes (S8)
        avail = on_hand + reserve * on_short
        delivered = np.zeros((S, D))
        shipped = np.zeros((S, L))
        alloc_e = np.zeros((S, E))
        for ai, (A, per_class, lanesA) in enumerate(alloc_sets):
            for cl, di, li, ei in per_class:
                total = np.zeros((S, N))
                cd = due[:, di]
                cls = carried[:, li]
                ce = want[:, c.in_proc[ei]] * c.in_qty[ei]
                if len(di):
                    total += _scatter(cd, sub_dem.rows(("a", ai, cl), di))
                if len(li):
                    total += _scatter(cls, sub_lo.rows(("a", ai, cl), li))
                if len(ei):
                    total += _scatter(ce, sub_in.rows(("a", ai, cl), ei))
                frac = np.where(total > 0, np.minimum(1.0, avail / np.where(total > 0, total, 1.0)), 1.0)
                if len(di):
                    delivered[:, di] = cd * frac[:, c.dem_node[di]]
                if len(li):
                    shipped[:, li] = cls * frac[:, c.lane_origin[li]]
                if len(ei):
                    alloc_e[:, ei] = ce * frac[:, c.in_node[ei]]
                avail -= np.minimum(total * frac, avail)
            zl = lanesA[zero_lead[lanesA]]
            if len(zl):
                now = shipped[:, zl] * (1.0 - drv.lane_delay_share[zl, t])
                arrive = np.zeros((S, N))
                np.add.at(arrive, (slice(None), c.lane_dest[zl]), now)
                on_hand += arrive
                avail += arrive
                received += arrive
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
            short = np.maximum(0.0, want - runs)
            pm = np.full((S, P), np.inf)
            pm[:, c.in_procs] = mins
            limiting = ratio <= pm[:, c.in_proc] + 1e-12
            cuts["input"] += short[:, c.in_proc] * limiting
            consumed_e = runs[:, c.in_proc] * c.in_qty
            consumed = _scatter(consumed_e, Min)
        else:
            consumed = np.zeros((S, N))
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
        cuts["lane_origin"] += carried - shipped
        lane_bl = unplaced + np.maximum(carried - shipped, 0.0)
        proc_bl = proc_req - runs

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
            dem_out[k][:, :, t] = v
        if progress is not None:
            progress(1)
    return ChunkOut(node=node, runs=runs_out, lane=lane_out, demand=dem_out, costs=costs, cuts=cuts, full=full)


def _by_party(v: np.ndarray, party: np.ndarray, Q: int) -> np.ndarray:
    out = np.zeros((v.shape[0], Q))
    for q in np.unique(party):
        out[:, q] = v[:, party == q].sum(1)
    return out


def _outage_mask(c: Compiled, drv: Drivers) -> Callable[[int], np.ndarray]:
    """1 where a site_outage lowered a process's capacity in period t, per sample (for S12 labels)."""
    from allyforge.scenario import events as ev

    outs = [e for e in drv.effects if e.target == "capacity" and e.op == "mul" and isinstance(drv.scenario.events[e.event], ev.SiteOutage)]
    P = len(c.cycle)

    def at(t: int) -> np.ndarray:
        m = np.zeros((drv.samples, P))
        for e in outs:
            m[:, e.index] = np.maximum(m[:, e.index], (e.per_entity(t) < 1.0).astype(float))
        return m

    return at
