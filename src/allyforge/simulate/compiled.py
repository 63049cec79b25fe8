"""The network as flat index arrays the engine steps over (docs/simulation.md S1, S4.6, S8.3).

Built once per run from a Network and its Drivers: stock points (site, item), the
process and lane incidence, the two orderings the engine loops over (request
levels downstream-first over all lanes and processes; allocation levels
upstream-first over zero-lead lanes) and the priority classes of claims.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from allyforge.simulate.sourcing import at_arrival, opened_candidates, rule_aware_shares, static_groups

if TYPE_CHECKING:
    from allyforge.network import Network
    from allyforge.scenario import Drivers

RELEASE = {"on_shortfall": 0, "scenario": 1, "never": 2}


class SimulationInputError(ValueError):
    """The pack cannot be simulated as given (e.g. a cycle of lanes)."""


def _indicator(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], w: np.ndarray | None = None) -> sp.csr_matrix:
    data = np.ones(len(rows)) if w is None else np.asarray(w, float)
    return sp.csr_matrix((data, (rows, cols)), shape=shape)


def _find_cycle(N: int, src: np.ndarray, dst: np.ndarray) -> list[int]:
    """Nodes of one cycle of the graph src -> dst in edge order ([] when acyclic)."""
    preds: dict[int, list[int]] = {n: [] for n in range(N)}
    for a, b in zip(src.tolist(), dst.tolist()):
        preds[b].append(a)
    try:
        for _ in graphlib.TopologicalSorter(preds).static_order():
            pass
    except graphlib.CycleError as e:
        return list(e.args[1][:-1])
    return []


def _longest_path(N: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Per node, the most edges on a path from it to a node with no out-edge (the graph is acyclic)."""
    depth = np.zeros(N, np.int64)
    for _ in range(N + 1):  # one more edge of every longest path each round
        nxt = depth.copy()
        np.maximum.at(nxt, src, depth[dst] + 1)
        if np.array_equal(nxt, depth):
            break
        depth = nxt
    return depth


def _input_output_pairs(in_proc: np.ndarray, in_node: np.ndarray, out_proc: np.ndarray, out_node: np.ndarray, P: int) -> tuple[list, list]:
    """(input node, output node) of every process, input edges in order, each with its process's outputs in order."""
    oorder = np.argsort(out_proc, kind="stable")
    ostart = np.searchsorted(out_proc[oorder], np.arange(P))
    reps = np.bincount(out_proc, minlength=P)[in_proc]
    offset = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    outs = out_node[oorder][np.repeat(ostart[in_proc], reps) + offset]
    return np.repeat(in_node, reps), outs


@dataclass
class Compiled:
    nodes: pd.MultiIndex  # (site, item)
    # processes
    proc_site: np.ndarray
    cycle: np.ndarray  # int >= 1
    yld: np.ndarray
    proc_priority: np.ndarray
    in_proc: np.ndarray  # input edges: process, node, quantity (sorted by process)
    in_node: np.ndarray
    in_qty: np.ndarray
    out_proc: np.ndarray  # output edges
    out_node: np.ndarray
    out_qty: np.ndarray
    # lanes
    lane_origin: np.ndarray
    lane_dest: np.ndarray
    lead: np.ndarray
    lane_priority: np.ndarray
    plan_share: np.ndarray  # share of a destination's requirement with every lane open (S4.4)
    share_ship: np.ndarray  # [L, T] share knowing the rules in force, by the period the lane ships (S5.6)
    share_arrive: np.ndarray  # [L, T] the same, by the period the shipment is due at the destination (S4.4)
    spill_rank: np.ndarray  # position among the destination's inbound lanes by (priority, table order)
    cand_lanes: np.ndarray  # candidate lanes an event opens, into nodes planned on lanes, by destination and spill rank (S4.7)
    cand_rank: np.ndarray  # each one's position among its destination's opened candidates
    cand_open: np.ndarray  # [n, T] their open share under the trade rules in force (S4.7 planning capacity)
    # demand streams
    dem_node: np.ndarray
    dem_priority: np.ndarray
    dem_backorder: np.ndarray
    # stock points
    produced: np.ndarray  # bool: a process at the site makes the item (S4.2)
    base_stock: np.ndarray  # bool
    level: np.ndarray  # base-stock level
    initial: np.ndarray  # on hand at start
    reserve0: np.ndarray  # stockpile reserve at start
    release: np.ndarray  # RELEASE code
    holding: np.ndarray  # per unit per period, item currency
    node_currency: list[str]
    node_party: np.ndarray  # index into parties (-1: none)
    # orderings
    req_levels: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per level (downstream first): nodes, lanes into them, processes
    alloc_levels: list[np.ndarray]  # nodes per level (upstream first along zero-lead lanes)
    classes: np.ndarray  # sorted priority values present among claims
    multi_producer: bool
    # sparse incidence
    M_lane_dest: sp.csr_matrix  # L x N
    M_lane_origin: sp.csr_matrix
    M_in: sp.csr_matrix  # E_in x N
    M_out_yield: sp.csr_matrix  # P x N: output per run x yield
    M_dem: sp.csr_matrix  # D x N
    in_starts: np.ndarray  # first input edge of each process having inputs
    in_procs: np.ndarray  # processes having inputs (aligned with in_starts)

    @property
    def N(self) -> int:
        return len(self.nodes)


def compile_network(net: Network, drv: Drivers, recipe: dict[tuple[str, str, str], float] | None = None) -> Compiled:
    """Flat arrays of `net` for the engine; `recipe` overrides quantities: {(kind, process, item): qty}."""
    recipe = recipe or {}
    procs = net.table("processes")
    lanes = net.table("lanes")
    pin = net.table("process_inputs").reset_index()
    pout = net.table("process_outputs").reset_index()
    stocks = net.table("stocks")
    items = net.table("items")
    sites = net.table("sites")
    parties = list(net.table("parties").index)
    streams = drv.demands

    psite = procs["site"].reindex(pin["process"]).to_numpy()
    osite = procs["site"].reindex(pout["process"]).to_numpy()
    stock_sites = stocks.index.get_level_values(0) if len(stocks) else []
    stock_items = stocks.index.get_level_values(1) if len(stocks) else []
    parts = [(psite, pin["item"]), (osite, pout["item"]), (lanes["origin"], lanes["item"]), (lanes["destination"], lanes["item"]),
             (streams["site"], streams["item"]), (stock_sites, stock_items), ([c.site for c in drv.stock_changes], [c.item for c in drv.stock_changes])]
    pairs = pd.DataFrame({"site": np.concatenate([np.asarray(a, dtype=object) for a, _ in parts]),
                          "item": np.concatenate([np.asarray(b, dtype=object) for _, b in parts])}).astype(str)
    nodes = pd.MultiIndex.from_frame(pairs.drop_duplicates(), names=["site", "item"])  # first appearance order
    N, P, L = len(nodes), len(procs), len(lanes)
    nidx = nodes.get_indexer

    def q(kind: str, df: pd.DataFrame) -> np.ndarray:
        v = df["quantity"].to_numpy(float).copy()
        for i, (p, it) in enumerate(zip(df["process"], df["item"])):
            if (kind, p, it) in recipe:
                v[i] = recipe[(kind, p, it)]
        return v

    ppos = procs.index.get_indexer
    in_proc = ppos(pin["process"])
    in_node = nidx(pd.MultiIndex.from_arrays([psite, pin["item"]]))
    in_qty = q("inputs", pin)
    order = np.argsort(in_proc, kind="stable")
    in_proc, in_node, in_qty = in_proc[order], in_node[order], in_qty[order]
    out_proc = ppos(pout["process"])
    out_node = nidx(pd.MultiIndex.from_arrays([osite, pout["item"]]))
    out_qty = q("outputs", pout)

    cycle = procs["cycle_time"].fillna(1).to_numpy(float).astype(np.int64)
    yld = procs["yield"].fillna(1).to_numpy(float)
    proc_priority = procs["priority"].fillna(1).to_numpy(float).astype(np.int64)

    lane_origin = nidx(pd.MultiIndex.from_arrays([lanes["origin"], lanes["item"]]))
    lane_dest = nidx(pd.MultiIndex.from_arrays([lanes["destination"], lanes["item"]]))
    lead = lanes["lead_time"].fillna(0).to_numpy(float).astype(np.int64)
    lane_priority = lanes["priority"].fillna(1).to_numpy(float).astype(np.int64)
    active = lanes["status"].eq("active").to_numpy()
    share = lanes["share"].to_numpy(float)

    produced = np.zeros(N, bool)
    produced[out_node] = True
    # spill rank: position among the destination's inbound lanes by (priority, table order) (S5.3)
    by_dest = np.lexsort((np.arange(L), lane_priority, lane_dest))
    first = np.searchsorted(lane_dest[by_dest], lane_dest[by_dest])
    spill_rank = np.empty(L, np.int64)
    spill_rank[by_dest] = np.arange(L) - first
    # planned shares (S4.4): of the active lanes into a node nothing makes there; blank shares everywhere: the
    # smallest priority number splits equally
    act = active & ~produced[lane_dest]
    given = np.bincount(lane_dest[act & ~np.isnan(share)], minlength=N) > 0
    best = np.full(N, np.iinfo(np.int64).max)
    np.minimum.at(best, lane_dest[act], lane_priority[act])
    top = act & ~given[lane_dest] & (lane_priority == best[lane_dest])
    n_top = np.bincount(lane_dest[top], minlength=N)
    plan_share = np.zeros(L)
    plan_share[top] = 1.0 / n_top[lane_dest[top]]
    explicit = act & given[lane_dest]
    plan_share[explicit] = np.nan_to_num(share[explicit])

    groups = static_groups(lane_dest, active, produced)
    share_ship = rule_aware_shares(groups, share, lane_priority, plan_share, drv.base_lane_open)
    share_arrive = rule_aware_shares(groups, share, lane_priority, plan_share, at_arrival(drv.base_lane_open, lead))
    cand_lanes, cand_rank = opened_candidates(lane_dest, spill_rank, lanes["status"].eq("candidate").to_numpy(), produced, drv)

    dem_node = nidx(pd.MultiIndex.from_arrays([streams["site"], streams["item"]]))

    base_stock = np.zeros(N, bool)
    level = np.zeros(N)
    initial = np.zeros(N)
    reserve0 = np.zeros(N)
    release = np.zeros(N, np.int64)
    holding = np.zeros(N)
    node_item = nodes.get_level_values("item")
    node_site = nodes.get_level_values("site")
    ih = items["holding_cost"].reindex(node_item).to_numpy(float)
    holding[:] = np.nan_to_num(ih)
    node_currency = [c if isinstance(c, str) and c else net.base_currency for c in items["currency"].reindex(node_item)]
    if len(stocks):
        si = nidx(stocks.index)
        pol = stocks["policy"].to_numpy()
        init = stocks["initial"].fillna(0).to_numpy(float)
        base_stock[si] = pol == "base_stock"
        level[si] = np.where(pol == "base_stock", stocks["level"].fillna(0).to_numpy(float), 0.0)
        initial[si] = np.where(pol == "stockpile", 0.0, init)
        reserve0[si] = np.where(pol == "stockpile", init, 0.0)
        rel = [RELEASE.get(str(r), 0) for r in stocks["release"]]
        release[si] = np.where(pol == "stockpile", rel, RELEASE["on_shortfall"])
        sh = stocks["holding_cost"].to_numpy(float)
        holding[si] = np.where(np.isnan(sh), holding[si], sh)
    party_of_site = sites["party"].reindex(node_site)
    node_party = np.array([parties.index(p) if isinstance(p, str) and p in parties else -1 for p in party_of_site], np.int64)

    # request levels: depth from the sinks over lanes and processes (S4.6)
    pin_a, pin_b = _input_output_pairs(in_proc, in_node, out_proc, out_node, P)  # each input to each output of its process
    src = np.concatenate([lane_origin, pin_a]).astype(np.int64)
    dst = np.concatenate([lane_dest, pin_b]).astype(np.int64)
    loop = _find_cycle(N, src, dst)
    if loop:
        names = " -> ".join(f"{nodes[a][1]}@{nodes[a][0]}" for a in loop)
        raise SimulationInputError(f"the network of lanes and processes has a cycle ({names}); the plan needs an acyclic network")
    depth = _longest_path(N, src, dst)
    proc_level = np.zeros(P, np.int64)
    np.maximum.at(proc_level, out_proc, depth[out_node])
    req_levels = []
    for lv in range(int(depth.max()) + 1 if N else 0):
        nl = np.flatnonzero(depth == lv)
        ll = np.flatnonzero(depth[lane_dest] == lv)
        pl = np.flatnonzero(proc_level == lv)
        req_levels.append((nl, ll, pl))

    # allocation levels: topological depth from the sources over zero-lead lanes (S8.3)
    zl = lead == 0
    adepth = _longest_path(N, lane_dest[zl], lane_origin[zl])  # edges reversed: depth from the sources
    alloc_levels = [np.flatnonzero(adepth == lv) for lv in range(int(adepth.max()) + 1 if N else 0)]

    classes = np.unique(np.concatenate([proc_priority[in_proc], lane_priority, streams["priority"].to_numpy(np.int64)]))
    prod_count = np.bincount(out_node, minlength=N)
    has_in = np.unique(in_proc)
    in_starts = np.searchsorted(in_proc, has_in)
    return Compiled(
        nodes=nodes, proc_site=procs["site"].to_numpy(), cycle=cycle, yld=yld, proc_priority=proc_priority,
        in_proc=in_proc, in_node=in_node, in_qty=in_qty, out_proc=out_proc, out_node=out_node, out_qty=out_qty,
        lane_origin=lane_origin, lane_dest=lane_dest, lead=lead, lane_priority=lane_priority, plan_share=plan_share,
        share_ship=share_ship, share_arrive=share_arrive,
        spill_rank=spill_rank, cand_lanes=cand_lanes, cand_rank=cand_rank, cand_open=drv.base_lane_open[cand_lanes], dem_node=dem_node, dem_priority=streams["priority"].to_numpy(np.int64),
        dem_backorder=streams["backorder"].to_numpy(bool), produced=produced, base_stock=base_stock, level=level,
        initial=initial, reserve0=reserve0, release=release, holding=holding, node_currency=node_currency,
        node_party=node_party, req_levels=req_levels, alloc_levels=alloc_levels, classes=classes,
        multi_producer=bool((prod_count > 1).any()),
        M_lane_dest=_indicator(np.arange(L), lane_dest, (L, N)),
        M_lane_origin=_indicator(np.arange(L), lane_origin, (L, N)),
        M_in=_indicator(np.arange(len(in_node)), in_node, (len(in_node), N)),
        M_out_yield=_indicator(out_proc, out_node, (P, N), out_qty * yld[out_proc]),
        M_dem=_indicator(np.arange(len(dem_node)), dem_node, (len(dem_node), N)),
        in_starts=in_starts, in_procs=has_in,
    )
