"""The vectorized engine: every sample steps together (docs/simulation.md S3-S12).

State arrays are [entity, sample] (samples the fast axis) in the internal order of
`simulate.layout`. Python loops run only over periods, request/allocation levels
(bill-of-materials depth), priority classes and spill ranks; never over nodes or
samples. Work that provably yields zeros is skipped: a level whose lanes are all open
and uncapped this period carries every request (no rule or capacity cut, no spill);
stockpile reserves, base-stock positions and delayed shipments are only tracked when
the run has them. Buffers are allocated once per chunk, not per period. Samples are
independent, so large runs go in chunks of samples whose aggregates are combined.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from allyforge.scenario import Drivers
from allyforge.simulate.compiled import RELEASE, Compiled
from allyforge.simulate.layout import AllocLevel, CandidateSplit, Layout, RequestLevel, build_layout, local_scatter
from allyforge.simulate.money import CATEGORIES, CostModel
from allyforge.simulate.period_inputs import PeriodInputs
from allyforge.simulate.plan import make_plan, producer_shares
from allyforge.simulate.sourcing import candidate_capacity

NODE_ARRAYS = ("on_hand", "reserve", "produced", "received", "added", "consumed", "shipped", "delivered")
DEMAND_ARRAYS = ("due", "delivered", "backlog", "lost")
CUTS = ("lane_rule", "lane_cap", "lane_origin", "proc_cap", "input", "outage")


@dataclass
class ChunkOut:
    """What one chunk of samples produced: full arrays [S, X, T] (or per-period sums) and accumulators."""

    node: dict[str, np.ndarray]
    runs: np.ndarray
    lane: np.ndarray
    demand: dict[str, np.ndarray]
    costs: np.ndarray  # [S, Q, categories, T] base currency
    cuts: dict[str, np.ndarray]  # per sample totals: lane_rule, lane_cap, lane_origin [S, L]; proc_cap, outage [S, P]; input [S, E_in]
    full: bool = True
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def run_chunk(c: Compiled, drv: Drivers, cm: CostModel, full: bool = True, progress: Callable[[int], None] | None = None,
              layout: Layout | None = None) -> ChunkOut:
    lay = layout if layout is not None else build_layout(c)
    S, T = drv.samples, drv.horizon
    N, L, P, D, E = lay.N, lay.L, lay.P, lay.D, lay.E
    Q, K = len(cm.parties), len(CATEGORIES)
    lane, proc = lay.lane, lay.proc

    # the plan (S4), moved to [T, entity, plan samples] in internal order
    demand_all = drv.demand() if drv.demand_is_random() else np.maximum(drv.base_demand, 0.0)[None]
    cap_varies = c.multi_producer and any(e.target == "capacity" for e in drv.effects)
    cap_for_shares = drv.capacity() if cap_varies else drv.base_capacity[None]
    cand_cap = candidate_capacity(drv, c.cand_lanes, c.cand_open) if len(c.cand_lanes) else None  # [Sk, n, T] (S4.7)
    planned_ship, planned_runs = make_plan(c, demand_all, producer_shares(c, cap_for_shares), cand_cap)
    plan_ship = np.ascontiguousarray(planned_ship[:, lane, :].transpose(2, 1, 0))
    plan_runs = np.ascontiguousarray(planned_runs[:, proc, :].transpose(2, 1, 0))
    del planned_ship, planned_runs
    share_ship = np.ascontiguousarray(np.asarray(c.share_ship)[lane].T)  # [T, L] planned split knowing the rules in force (S4.4, S5.6)
    # opened candidates' planning capacity [T, n, Sk] and where it is > 0 in some sample [n, T] (S4.7)
    cand_room = np.ascontiguousarray(cand_cap.transpose(2, 1, 0)) if cand_cap is not None else np.zeros((T, 0, 1))
    cand_live = (cand_cap > 0).any(axis=0) if cand_cap is not None else np.zeros((0, T), bool)
    pin = PeriodInputs(drv, lane, proc)
    cut_free = _cut_free_lanes(pin, T) if not (pin.varies("lane_open") or pin.varies("lane_capacity")) else None

    # state (S3), entity-major
    on_hand = np.repeat(c.initial[:, None], S, axis=1)
    reserve = np.repeat(c.reserve0[:, None], S, axis=1)
    has_reserve = bool(c.reserve0.any()) or any(ch.kind == "add" for ch in drv.stock_changes)
    on_short = (c.release == RELEASE["on_shortfall"]).astype(float)[:, None]
    delay = drv.lane_delay[lane]
    dshare = drv.lane_delay_share[lane]
    delays = bool((dshare > 0).any())
    H = int((lay.lead[:, None] + delay).max()) + 1 if L else 1
    Hc = int(lay.cycle.max()) + 1 if P else 1
    ship_ring = np.zeros((H, L, S))  # normal-lead shipments by the period they left
    delayed_ring = np.zeros((H, L, S)) if delays else None  # delayed shares by the period they arrive
    runs_ring = np.zeros((Hc, P, S))  # starts by the period they started
    arrive_idx = [((h - lay.lead) % H) * L + np.arange(L) for h in range(H)]
    done_idx = [((h - lay.cycle) % Hc) * P + np.arange(P) for h in range(Hc)]
    in_transit = np.zeros((L, S))
    wip = np.zeros((P, S)) if lay.needs_wip else None
    lane_bl = np.zeros((L, S))
    proc_bl = np.zeros((P, S))
    lane_ord = np.zeros((L, S))  # open orders with the origin (S5.5)
    lane_owed = np.zeros((L, S))  # carried but not shipped last period (S12.1)
    proc_ord = np.zeros((P, S))  # runs whose inputs are on order (S6.6)
    dem_bl = np.zeros((D, S))
    acc = {k: np.zeros((n, S)) for k, n in (("lane_rule", L), ("lane_cap", L), ("lane_origin", L), ("proc_cap", P), ("input", E), ("outage", P))}

    # buffers every period overwrites
    X = np.empty((N, S))
    carried = np.zeros((L, S))
    unplaced = np.zeros((L, S))
    want = np.zeros((P, S))
    proc_req = np.zeros((P, S))
    asked = np.zeros((L, S))  # what a lane has asked its origin for: open orders + planned shipment
    passed = np.zeros((L, S))  # what it passes to its origin this period (S5.5)
    p_asked = np.zeros((P, S))
    p_passed = np.zeros((P, S))
    shipped = np.empty((L, S))
    delivered = np.empty((D, S))
    alloc_e = np.empty((E, S))
    zeros_n = np.zeros((N, S))
    backorder = c.dem_backorder[:, None]

    # results, period-major in internal layout ([T, X, S]; streamed: [T, X, 1] sums over samples)
    width = S if full else 1
    node_store = {k: np.empty((T, N, width)) for k in NODE_ARRAYS}
    runs_store = np.empty((T, P, width))
    lane_store = np.empty((T, L, width))
    dem_store = {k: np.empty((T, D, S)) for k in DEMAND_ARRAYS}
    costs = np.zeros((S, Q, K, T))
    costs[:, :, CATEGORIES.index("investment"), :] = cm.invest
    by_party = {  # cost part -> sums per paying party of quantity x unit cost (unit costs in Compiled order, gathered per period)
        "held": _PartySum(cm.node_party, cm.holding, Q), "transit": _PartySum(cm.node_party[lay.lane_origin], cm.holding, Q, lay.lane_origin),
        "transport": _PartySum(cm.lane_party[lane], cm.lane_unit, Q, lane), "production": _PartySum(cm.proc_party[proc], cm.run_unit, Q, proc),
        "backorder": _PartySum(cm.dem_party, cm.back_unit, Q),
    }
    changes = [(c.nodes.get_loc((ch.site, ch.item)), ch) for ch in drv.stock_changes]

    def record(store: np.ndarray, t: int, v: np.ndarray, order: np.ndarray | None = None, zero: bool = False) -> None:
        if full:
            if order is None:
                store[t] = v
            else:
                np.take(v, order, axis=0, out=store[t])
        elif zero:  # known to be all zeros: no sum needed
            store[t, :, 0] = 0.0
        else:
            s = v.sum(axis=1)
            store[t, :, 0] = s if order is None else s[order]

    for t in range(T):
        cap = pin.capacity(t)
        lopen = pin.lane_open(t)
        lcap = pin.lane_capacity(t)
        dem = pin.demand(t)
        pship = plan_ship[t]
        pruns = plan_runs[t]
        share_t = share_ship[t][:, None]
        om = pin.outage(t)
        shares_t = _producer_shares(lay, cap) if c.multi_producer else None
        free = cut_free[:, t] if cut_free is not None else (lopen >= 1.0).all(axis=1) & (lcap == np.inf).all(axis=1)

        # S3.1 receive
        arr = np.take(ship_ring.reshape(H * L, S), arrive_idx[t % H], axis=0)
        if delayed_ring is not None:
            arr += delayed_ring[t % H]
            delayed_ring[t % H] = 0.0
        in_transit -= arr
        received = lay.M_received @ arr
        done = np.take(runs_ring.reshape(Hc * P, S), done_idx[t % Hc], axis=0)
        if wip is not None:
            wip -= done
        produced = lay.M_produced @ done
        on_hand += received + produced
        added = zeros_n
        for n, ch in changes:
            v = ch.values[:, t]
            if ch.kind == "add":
                if added is zeros_n:
                    added = np.zeros((N, S))
                reserve[n] += v
                added[n] += v
            else:
                amt = np.minimum(v, reserve[n])
                reserve[n] -= amt
                on_hand[n] += amt

        # S3.2 requests, downstream first (S5-S7)
        due = dem_bl + dem
        X.fill(0.0)
        spilled = False
        for rq in lay.request:
            if rq.base_stock is not None:
                _base_stock_orders(rq, X, on_hand, lane_bl, in_transit, proc_bl, wip, due, carried, want)
            ls = rq.lanes
            if ls.stop > ls.start:
                base = lane_bl[ls] + pship[ls]
                carry = carried[ls]
                np.multiply(share_t[ls], X[rq.dest], out=carry)
                carry += base  # the request r (S5.1)
                if rq.cand is not None and cand_live[rq.cand.cols, t].any():
                    _candidates_first(rq.cand, carry, base, X, share_t[ls], cand_room[t])
                if not free[ls].all():
                    _cut_and_spill(rq, carry, unplaced[ls], lopen[ls], lcap[ls], acc["lane_rule"][ls], acc["lane_cap"][ls])
                    spilled = True
                else:
                    unplaced[ls] = 0.0
                a_ls, p_ls = asked[ls], passed[ls]
                np.add(lane_ord[ls], pship[ls], out=a_ls)
                np.subtract(carry, a_ls, out=p_ls)
                np.maximum(p_ls, 0.0, out=p_ls)  # only what was never asked for before (S5.5)
                X[rq.origin_u] += rq.origin_M @ p_ls
            ps = rq.procs
            if ps.stop > ps.start:
                base_p = proc_bl[ps] + pruns[ps]
                req = proc_req[ps]
                if len(rq.out_edges):
                    ask = X[rq.out_node]
                    if shares_t is not None:
                        ask *= shares_t[rq.out_edges]
                    ask /= rq.out_gain
                    if rq.out_direct:
                        np.add(base_p, ask, out=req)
                    else:
                        xr = np.zeros((ps.stop - ps.start, S))
                        if rq.out_single:
                            xr[rq.out_ploc] = ask
                        else:
                            np.maximum.at(xr, rq.out_ploc, ask)  # co-products: the largest ask (S6.2)
                        np.add(base_p, xr, out=req)
                else:
                    req[...] = base_p
                w = want[ps]
                np.minimum(req, cap[ps], out=w)
                pa, newly = p_asked[ps], p_passed[ps]
                np.add(proc_ord[ps], pruns[ps], out=pa)
                np.subtract(w, pa, out=newly)
                np.maximum(newly, 0.0, out=newly)  # runs whose inputs were never asked for before (S6.6)
                if rq.edges.stop > rq.edges.start:
                    X[rq.in_u] += rq.in_M @ (newly[rq.in_ploc] * rq.in_qty)

        # S3.3 allocate and ship, upstream first along zero-lead lanes (S8)
        avail = on_hand + reserve * on_short if has_reserve else on_hand.copy()
        for al in lay.alloc:
            _allocate(al, avail, due, carried, want, delivered, shipped, alloc_e)
            if al.zero_M is not None:  # zero-lead lanes arrive before the next level allocates (S3.3)
                zl = al.zero_lanes
                arrive = al.zero_M @ (shipped[zl] * (1.0 - dshare[zl, t])[:, None])
                on_hand[al.zero_u] += arrive
                avail[al.zero_u] += arrive
                received[al.zero_u] += arrive

        # lanes into the pipeline: normal lead, and the delayed share (S2.3)
        slot = ship_ring[t % H]
        if not delays or not dshare[:, t].any():
            np.copyto(slot, shipped)
            slot[lay.zero_lead] = 0.0
            in_transit += slot
        else:
            ds = dshare[:, t]
            np.multiply(shipped, np.where(lay.lead == 0, 0.0, 1.0 - ds)[:, None], out=slot)
            delayed = shipped * ds[:, None]
            tot_lead = lay.lead + delay[:, t]
            for tv in np.unique(tot_lead[ds > 0]):
                sel = np.flatnonzero((tot_lead == tv) & (ds > 0))
                delayed_ring[(t + int(tv)) % H][sel] += delayed[sel]
            in_transit += shipped - np.where((lay.lead == 0)[:, None], shipped * (1.0 - ds)[:, None], 0.0)

        # S3.4 produce (S6)
        runs = runs_ring[t % Hc]
        np.copyto(runs, want)
        inlim = None
        if E:
            ratio = alloc_e / lay.in_qty
            mins = np.minimum.reduceat(ratio, lay.in_starts, axis=0)
            ip = lay.in_procs
            if isinstance(ip, slice):
                np.minimum(want[ip], mins, out=runs[ip])
            else:
                runs[ip] = np.minimum(want[ip], mins)
            # S12.1: the limiting term of runs = min(request, capacity, inputs) takes the whole cut
            inlim = runs < want - 1e-12 * np.maximum(1.0, want)
            if inlim.any():
                short = np.where(inlim, proc_req - runs, 0.0)
                limiting = ratio <= np.repeat(mins, lay.in_count, axis=0) + 1e-12
                acc["input"] += short[lay.in_proc] * limiting
            else:
                inlim = None
            consumed = lay.M_consumed @ runs
        else:
            consumed = np.zeros((N, S))
        # capacity is charged only with runs the period itself asked for beyond it, not with a
        # re-requested backlog: that backlog stays charged to the shortage that left it (S12.1)
        capcut = np.maximum(0.0, np.minimum(proc_req - want, proc_req - proc_bl - cap))
        if inlim is not None:
            capcut[inlim] = 0.0
        acc["proc_cap"] += capcut
        if om is not None:
            acc["outage"] += capcut * om
        if wip is not None:
            wip += runs

        # draws: on hand first, then the reserve (S8.4)
        ship_n = lay.M_shipped @ shipped
        deliv_n = lay.M_delivered @ delivered
        drawn = ship_n + deliv_n
        drawn += consumed
        from_on = np.minimum(drawn, on_hand)
        on_hand -= from_on
        if has_reserve:
            reserve = np.maximum(reserve - (drawn - from_on), 0.0)

        # S3.5 account (S10, S11)
        unmet = np.maximum(due - delivered, 0.0)
        dem_bl = np.where(backorder, unmet, 0.0)
        lost = np.where(backorder, 0.0, unmet)
        # an origin is charged with the growth of what it owes, in units: a backlog that only waits is not charged again (S12.1)
        owed_now = carried - shipped
        np.maximum(owed_now, 0.0, out=owed_now)
        grow = owed_now - lane_owed
        np.maximum(grow, 0.0, out=grow)
        acc["lane_origin"] += grow
        lane_owed = owed_now
        lane_bl = owed_now + unplaced if spilled else owed_now
        lane_ord = asked + passed
        lane_ord -= shipped
        np.maximum(lane_ord, 0.0, out=lane_ord)
        np.minimum(lane_bl, lane_ord, out=lane_ord)
        np.subtract(proc_req, runs, out=proc_bl)
        proc_ord = p_asked + p_passed
        proc_ord -= runs
        np.maximum(proc_ord, 0.0, out=proc_ord)
        np.minimum(proc_bl, proc_ord, out=proc_ord)

        ci = CATEGORIES.index
        held = on_hand + reserve if has_reserve else on_hand
        costs[:, :, ci("holding"), t] += (by_party["held"](held, t) + by_party["transit"](in_transit, t)).T
        costs[:, :, ci("transport"), t] += by_party["transport"](shipped, t).T
        costs[:, :, ci("production"), t] += by_party["production"](runs, t).T
        costs[:, :, ci("backorder"), t] += by_party["backorder"](dem_bl + lost, t).T

        for k, v in (("on_hand", on_hand), ("reserve", reserve), ("produced", produced), ("received", received), ("added", added),
                     ("consumed", consumed), ("shipped", ship_n), ("delivered", deliv_n)):
            record(node_store[k], t, v, zero=v is zeros_n or (v is reserve and not has_reserve))
        record(runs_store, t, runs, lay.proc_inv)
        record(lane_store, t, shipped, lay.lane_inv)
        for k, v in (("due", due), ("delivered", delivered), ("backlog", dem_bl), ("lost", lost)):
            dem_store[k][t] = v
        if progress is not None:
            progress(1)

    back = {"lane_rule": lay.lane_inv, "lane_cap": lay.lane_inv, "lane_origin": lay.lane_inv, "proc_cap": lay.proc_inv,
            "outage": lay.proc_inv, "input": lay.edge_inv}
    per_entity = sample_major if full else (lambda a: a.transpose(2, 1, 0))  # streamed sums: [1, X, T] views, no copy
    return ChunkOut(node={k: per_entity(node_store.pop(k)) for k in NODE_ARRAYS}, runs=per_entity(runs_store), lane=per_entity(lane_store),
                    demand={k: sample_major(dem_store.pop(k)) for k in DEMAND_ARRAYS}, costs=costs,
                    cuts={k: np.ascontiguousarray(acc[k][back[k]].T) for k in CUTS}, full=full)


def sample_major(a: np.ndarray, block_bytes: int = 1 << 20) -> np.ndarray:
    """[T, X, S] -> contiguous [S, X, T] (the result layout), copied in entity blocks that stay in cache."""
    T, X, S = a.shape
    out = np.empty((S, X, T))
    step = max(1, block_bytes // max(1, 8 * T * S))
    for x0 in range(0, X, step):
        np.copyto(out[:, x0:x0 + step, :], a[:, x0:x0 + step, :].transpose(2, 1, 0))
    return out


def _allocate(al: AllocLevel, avail: np.ndarray, due: np.ndarray, carried: np.ndarray, want: np.ndarray,
              delivered: np.ndarray, shipped: np.ndarray, alloc_e: np.ndarray) -> None:
    """Divide one level's available stock among its claims: by priority class, then pro rata (S8.1-S8.2).

    Claims are summed per (class, node) pair that has any, in one sparse product each for
    demands, lanes and input edges; the classes then take their fraction in turn. A node
    without claims in a class keeps its stock for the next class (fraction 1, nothing taken).
    """
    availA = avail[al.nodes]  # a view when the level is every node
    tot = None
    if al.dem_M is not None:
        cd = due[al.dem]
        tot = al.dem_M @ cd
    if al.lane_M is not None:
        cls = carried[al.lanes]
        tl = al.lane_M @ cls
        tot = tl if tot is None else np.add(tot, tl, out=tot)
    if al.edge_M is not None:
        ce = want[al.edge_proc] * al.edge_qty
        te = al.edge_M @ ce
        tot = te if tot is None else np.add(tot, te, out=tot)
    if tot is None:
        return
    frac = np.ones_like(tot)
    for rows in al.class_rows:
        nodes = al.row_node[rows]
        tk, fk, ak = tot[rows], frac[rows], availA[nodes]
        np.divide(ak, tk, out=fk, where=tk > 0)
        np.minimum(fk, 1.0, out=fk)
        taken = tk * fk
        np.minimum(taken, ak, out=taken)
        availA[nodes] = ak - taken
    if al.dem_M is not None:
        _put(delivered, al.dem, cd, frac[al.dem_g])
    if al.lane_M is not None:
        _put(shipped, al.lanes, cls, frac[al.lane_g])
    if al.edge_M is not None:
        _put(alloc_e, al.edges, ce, frac[al.edge_g])


def _put(dst: np.ndarray, idx: np.ndarray | slice, claim: np.ndarray, frac: np.ndarray) -> None:
    """dst[idx] = claim x frac, in place when idx is a slice."""
    if isinstance(idx, slice):
        np.multiply(claim, frac, out=dst[idx])
    else:
        dst[idx] = claim * frac


def _candidates_first(cs: CandidateSplit, carry: np.ndarray, base: np.ndarray, X: np.ndarray, share: np.ndarray,
                      room_cap: np.ndarray) -> None:
    """Unplanned need goes to opened candidate lanes first, up to their room, the rest by the shares (S4.7, S5.6).

    `carry` holds the level's requests on entry (base + share x X) and on return; the
    candidates' room is their planning capacity `room_cap[rows, Sk]` less what they are
    already asked (`base`: backlog and planned shipment)."""
    left = X[cs.dests]
    for loc, rows, at in cs.by_rank:
        room = room_cap[rows] - base[loc]
        np.maximum(room, 0.0, out=room)
        take = np.minimum(left[at], room)
        left[at] -= take
        carry[loc] = base[loc] + take
    carry[cs.others] = base[cs.others] + share[cs.others] * left[cs.others_at]


def _cut_free_lanes(pin: PeriodInputs, T: int) -> np.ndarray:
    """[L, T] True where a lane is fully open and uncapped in every sample (no event varies either by sample)."""
    return np.stack([(pin.lane_open(t) >= 1.0).all(axis=1) & (pin.lane_capacity(t) == np.inf).all(axis=1) for t in range(T)], axis=1)


def _cut_and_spill(rq: RequestLevel, carry: np.ndarray, unplaced: np.ndarray, lo: np.ndarray, lc: np.ndarray,
                   rule_cut: np.ndarray, cap_cut: np.ndarray) -> None:
    """Trade rules, cuts and capacity on a level's lanes, then spill to open lanes by rank (S5.2-S5.4).

    `carry` holds the requests on entry and the carried requests on return.
    """
    r = carry.copy()
    allowed = lo * r
    np.minimum(allowed, lc, out=carry)
    cut = r - carry
    rule_cut += r - allowed
    cap_cut += allowed - carry
    if "ranks" not in rq.spill_cache:
        _, _, dest_M = local_scatter(rq.dest_inv)
        ranks = [(sel, rq.dest_inv[sel]) for sel in (np.flatnonzero(rq.rank == k) for k in np.unique(rq.rank))]
        rq.spill_cache["ranks"] = (dest_M, ranks)
    dest_M, ranks = rq.spill_cache["ranks"]
    pool0 = dest_M @ cut
    pool = pool0.copy()
    for sel, dloc in ranks:  # spill in (priority, table order) rank (S5.3)
        room = np.where(lo[sel] >= 1.0, lc[sel] - carry[sel], 0.0)
        take = np.minimum(pool[dloc], np.maximum(room, 0.0))
        carry[sel] += take
        pool[dloc] -= take
    p0 = pool0[rq.dest_inv]
    left = np.where(p0 > 0, pool[rq.dest_inv] / np.where(p0 > 0, p0, 1.0), 0.0)
    np.multiply(cut, left, out=unplaced)


def _base_stock_orders(rq: RequestLevel, X: np.ndarray, on_hand: np.ndarray, lane_bl: np.ndarray, in_transit: np.ndarray,
                       proc_bl: np.ndarray, wip: np.ndarray | None, due: np.ndarray, carried: np.ndarray, want: np.ndarray) -> None:
    """Q = max(0, S - IP) with IP = on hand + on order - owed (S7.1); every claim on the node is known by its level."""
    b = rq.base_stock
    on_order = b.onorder_lanes @ (lane_bl + in_transit) + b.onorder_procs @ (proc_bl + wip if wip is not None else proc_bl)
    owed = b.owed_dem @ due + b.owed_lanes @ carried + b.owed_procs @ want
    ip = on_hand[b.nodes] + on_order - owed
    X[b.nodes] = np.maximum(0.0, b.level - ip)


def _producer_shares(lay: Layout, cap: np.ndarray) -> np.ndarray:
    """Share of each output edge's node requirement its process takes this period: capacity pro rata (S4.3). [E_out, S]."""
    capE = np.broadcast_to(cap, (cap.shape[0], cap.shape[1]))[lay.out_proc]
    tot = np.zeros((lay.N, capE.shape[1]))
    np.add.at(tot, lay.out_node, capE)
    cnt = np.bincount(lay.out_node, minlength=lay.N).astype(float)
    totE = tot[lay.out_node]
    return np.where(totE > 0, capE / np.where(totE > 0, totE, 1.0), 1.0 / cnt[lay.out_node][:, None])


class _PartySum:
    """Per paying party, the sum of quantity x unit cost over its entities: [X, S] -> [Q, S].

    A sparse [Q, X] product (one pass over the quantities, single-threaded and in a
    fixed order, so results repeat exactly); dense BLAS products of this shape thrash
    when the machine is busy.
    """

    def __init__(self, party: np.ndarray, unit: np.ndarray, Q: int, rows: np.ndarray | None = None) -> None:
        self.order = np.argsort(party, kind="stable")
        self.indptr = np.searchsorted(party[self.order], np.arange(Q + 1)).astype(np.int32)
        self.indices = self.order.astype(np.int32)
        self.unit = unit  # [*, T]; entity x's unit cost is row rows[x] (x itself without rows)
        self.rows = self.order if rows is None else rows[self.order]
        self.shape = (Q, len(party))

    def __call__(self, quantity: np.ndarray, t: int) -> np.ndarray:
        w = sp.csr_matrix((self.unit[self.rows, t], self.indices, self.indptr), shape=self.shape)
        return w @ quantity
