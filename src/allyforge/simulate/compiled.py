"""The network as flat index arrays the engine steps over (docs/simulation.md S1, S4.6, S8.3).

Built once per run from a Network and its Drivers: stock points (site, item), the
process and lane incidence, the two orderings the engine loops over (request
levels downstream-first over all lanes and processes; allocation levels
upstream-first over zero-lead lanes) and the priority classes of claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from allyforge.simulate.sourcing import at_arrival, rule_aware_shares, static_groups

if TYPE_CHECKING:
    from allyforge.network import Network
    from allyforge.scenario import Drivers

RELEASE = {"on_shortfall": 0, "scenario": 1, "never": 2}


class SimulationInputError(ValueError):
    """The pack cannot be simulated as given (e.g. a cycle of lanes)."""


def _indicator(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], w: np.ndarray | None = None) -> sp.csr_matrix:
    data = np.ones(len(rows)) if w is None else np.asarray(w, float)
    return sp.csr_matrix((data, (rows, cols)), shape=shape)


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
    pairs: list[tuple[str, str]] = []
    pairs += list(zip(psite, pin["item"]))
    pairs += list(zip(osite, pout["item"]))
    pairs += list(zip(lanes["origin"], lanes["item"]))
    pairs += list(zip(lanes["destination"], lanes["item"]))
    pairs += list(zip(streams["site"], streams["item"]))
    pairs += list(stocks.index)
    pairs += [(c.site, c.item) for c in drv.stock_changes]
    nodes = pd.MultiIndex.from_tuples(list(dict.fromkeys((str(a), str(b)) for a, b in pairs)), names=["site", "item"])
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
    plan_share = np.zeros(L)
    spill_rank = np.zeros(L, np.int64)
    for dnode, grp in pd.Series(np.arange(L)).groupby(lane_dest):
        g = grp.to_numpy()
        order_g = g[np.lexsort((g, lane_priority[g]))]
        spill_rank[order_g] = np.arange(len(order_g))
        if produced[dnode]:
            continue
        act = g[active[g]]
        if len(act) == 0:
            continue
        if np.all(np.isnan(share[act])):
            top = act[lane_priority[act] == lane_priority[act].min()]
            plan_share[top] = 1.0 / len(top)
        else:
            plan_share[act] = np.nan_to_num(share[act])

    groups = static_groups(lane_dest, active, produced)
    share_ship = rule_aware_shares(groups, share, lane_priority, plan_share, drv.base_lane_open)
    share_arrive = rule_aware_shares(groups, share, lane_priority, plan_share, at_arrival(drv.base_lane_open, lead))

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
    g = nx.DiGraph()
    g.add_nodes_from(range(N))
    g.add_edges_from(zip(lane_origin.tolist(), lane_dest.tolist()))
    for p in range(P):
        ins = in_node[in_proc == p]
        outs = out_node[out_proc == p]
        g.add_edges_from((int(a), int(b)) for a in ins for b in outs)
    if not nx.is_directed_acyclic_graph(g):
        cyc = nx.find_cycle(g)
        names = " -> ".join(f"{nodes[a][1]}@{nodes[a][0]}" for a, _ in cyc)
        raise SimulationInputError(f"the network of lanes and processes has a cycle ({names}); the plan needs an acyclic network")
    depth = np.zeros(N, np.int64)
    for n in reversed(list(nx.topological_sort(g))):
        succ = list(g.successors(n))
        depth[n] = 1 + max(depth[s] for s in succ) if succ else 0
    proc_level = np.zeros(P, np.int64)
    for p in range(P):
        outs = out_node[out_proc == p]
        proc_level[p] = depth[outs].max() if len(outs) else 0
    req_levels = []
    for lv in range(int(depth.max()) + 1 if N else 0):
        nl = np.flatnonzero(depth == lv)
        ll = np.flatnonzero(depth[lane_dest] == lv)
        pl = np.flatnonzero(proc_level == lv)
        req_levels.append((nl, ll, pl))

    # allocation levels: topological depth from the sources over zero-lead lanes (S8.3)
    z = nx.DiGraph()
    z.add_nodes_from(range(N))
    zl = lead == 0
    z.add_edges_from(zip(lane_origin[zl].tolist(), lane_dest[zl].tolist()))
    adepth = np.zeros(N, np.int64)
    for n in nx.topological_sort(z):
        pred = list(z.predecessors(n))
        adepth[n] = 1 + max(adepth[s] for s in pred) if pred else 0
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
        spill_rank=spill_rank, dem_node=dem_node, dem_priority=streams["priority"].to_numpy(np.int64),
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
