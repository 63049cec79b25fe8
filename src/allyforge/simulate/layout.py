"""The engine's internal layout: entity order and the index plans of each level (docs/simulation.md S3-S8).

State arrays are entity-major with samples as the fast axis ([X, S]), so a gather of
some entities copies whole contiguous rows and a sparse incidence matrix scatters
[E, S] blocks straight onto nodes. Lanes are renumbered by the request level of their
destination (then destination, then spill rank) and processes by their request level,
with input and output edges following their process: every request level then works
on contiguous slices of the lane, process and edge arrays (views, not copies). Node
order is the Compiled order. Built once per run; the engine maps its outputs back to
the Compiled order of lanes, processes and edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from allyforge.simulate.compiled import Compiled


def scatter_matrix(targets: np.ndarray, n_targets: int, weights: np.ndarray | None = None) -> sp.csr_matrix:
    """[n_targets x len(targets)] matrix summing entity rows onto their targets (M @ values[E, S] -> [n_targets, S])."""
    w = np.ones(len(targets)) if weights is None else np.asarray(weights, float)
    return sp.csr_matrix((w, (np.asarray(targets, np.int64), np.arange(len(targets)))), shape=(n_targets, len(targets)))


def local_scatter(targets: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, sp.csr_matrix]:
    """(unique targets, each entity's position among them, [unique targets x entities] scatter matrix)."""
    u, inv = np.unique(targets, return_inverse=True)
    return u, inv, scatter_matrix(inv, len(u), weights)


def as_slice(idx: np.ndarray) -> slice | np.ndarray:
    """A contiguous ascending index array as a slice (a view when indexing), else the array."""
    if len(idx) and np.array_equal(idx, np.arange(idx[0], idx[0] + len(idx))):
        return slice(int(idx[0]), int(idx[0]) + len(idx))
    return idx if len(idx) else slice(0, 0)


@dataclass
class BaseStock:
    """Base-stock nodes of one level and what their inventory position sums (S7.1), as [B x entities] matrices."""

    nodes: np.ndarray
    level: np.ndarray  # [B, 1]
    onorder_lanes: sp.csr_matrix  # lanes in: backlog and contents in transit
    onorder_procs: sp.csr_matrix  # producers: backlog and output in progress, x output per run x yield
    owed_dem: sp.csr_matrix  # demand due at the node
    owed_lanes: sp.csr_matrix  # carried requests of the lanes out
    owed_procs: sp.csr_matrix  # input claims of consumers, x quantity per run


@dataclass
class CandidateSplit:
    """A level's opened candidate lanes and the other lanes into the same nodes, as level-local lane positions (S4.7)."""

    cols: np.ndarray  # their rows in Compiled.cand_lanes
    by_rank: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per rank at the destination: local positions, rows, destination among dests
    dests: np.ndarray  # destination nodes having an opened candidate
    others: np.ndarray  # local positions of the other lanes into those nodes
    others_at: np.ndarray  # each one's destination among dests


@dataclass
class RequestLevel:
    """One request level (downstream first, S4.6): the lanes into its nodes, its processes, its base-stock nodes."""

    lanes: slice  # internal lane positions (contiguous)
    dest: np.ndarray  # destination node of each lane
    origin_u: np.ndarray  # origin nodes of the lanes (unique)
    origin_M: sp.csr_matrix  # lanes -> origin_u
    dest_inv: np.ndarray  # each lane's destination among the level's destinations (spill, S5.3)
    rank: np.ndarray  # spill rank of each lane at its destination
    procs: slice  # internal process positions (contiguous)
    out_edges: np.ndarray  # output edges asked by their node's unplanned need (a base-stock node's order too, S7.2)
    out_node: np.ndarray
    out_ploc: np.ndarray  # position of each such edge's process within the level
    out_gain: np.ndarray  # [n, 1] output per run x yield
    out_direct: bool  # the level's processes each have exactly one such edge, in process order
    out_single: bool  # no process has two such edges
    edges: slice  # internal input edge positions of the level's processes (contiguous)
    in_ploc: np.ndarray | slice  # position of each input edge's process within the level
    in_qty: np.ndarray  # [n, 1]
    in_u: np.ndarray
    in_M: sp.csr_matrix  # input edges -> in_u
    base_stock: BaseStock | None  # the level's base-stock nodes (S7)
    cand: CandidateSplit | None = None  # opened candidate lanes into the level's nodes (S4.7)
    spill_cache: dict = field(default_factory=dict)


@dataclass
class AllocLevel:
    """One allocation level (upstream first along zero-lead lanes, S8.3) with every priority class's claims."""

    nodes: np.ndarray | slice
    n: int
    class_rows: list[slice]  # per priority class present (1 first), its rows of the class totals
    row_node: np.ndarray  # local node of each row (a row is a (class, node) pair with claims)
    dem: np.ndarray | slice  # demand streams claiming on the level's nodes
    dem_M: sp.csr_matrix | None  # claims -> rows of the class totals
    dem_g: np.ndarray  # row of each claim in the class totals (its fraction)
    lanes: np.ndarray | slice
    lane_M: sp.csr_matrix | None
    lane_g: np.ndarray
    edges: np.ndarray | slice
    edge_proc: np.ndarray
    edge_qty: np.ndarray  # [n, 1]
    edge_M: sp.csr_matrix | None
    edge_g: np.ndarray
    zero_lanes: np.ndarray  # zero-lead lanes leaving the level (they arrive before the next level allocates)
    zero_u: np.ndarray
    zero_M: sp.csr_matrix | None


@dataclass
class Layout:
    """Internal order of lanes, processes and edges, their attributes in that order, and the level plans."""

    N: int
    L: int
    P: int
    E: int
    D: int
    lane: np.ndarray  # internal -> Compiled lane index
    lane_inv: np.ndarray  # Compiled -> internal
    proc: np.ndarray
    proc_inv: np.ndarray
    edge: np.ndarray  # internal -> Compiled input edge index
    edge_inv: np.ndarray
    lane_origin: np.ndarray
    lane_dest: np.ndarray
    lead: np.ndarray
    zero_lead: np.ndarray  # internal positions of zero-lead lanes
    cycle: np.ndarray
    in_proc: np.ndarray
    in_node: np.ndarray
    in_qty: np.ndarray  # [E, 1]
    in_starts: np.ndarray  # first internal edge of each process having inputs
    in_procs: np.ndarray | slice  # internal processes having inputs
    in_count: np.ndarray  # inputs per such process
    out_proc: np.ndarray  # output edges, internal processes
    out_node: np.ndarray
    out_gain: np.ndarray
    M_received: sp.csr_matrix  # lanes -> destination nodes
    M_shipped: sp.csr_matrix  # lanes -> origin nodes
    M_consumed: sp.csr_matrix  # processes -> input nodes, weighted by quantity per run
    M_produced: sp.csr_matrix  # processes -> output nodes, weighted by output per run x yield
    M_delivered: sp.csr_matrix  # demand streams -> nodes
    needs_wip: bool  # some base-stock node is produced: its inventory position counts output in progress (S7.1)
    request: list[RequestLevel]
    alloc: list[AllocLevel]


def build_layout(c: Compiled) -> Layout:
    N, L, P, E, D = c.N, len(c.lane_origin), len(c.cycle), len(c.in_node), len(c.dem_node)
    node_level = np.zeros(N, np.int64)
    for k, (nl, _, _) in enumerate(c.req_levels):
        node_level[nl] = k
    proc_level = np.zeros(P, np.int64)
    for k, (_, _, pl) in enumerate(c.req_levels):
        proc_level[pl] = k

    lane = np.lexsort((c.spill_rank, c.lane_dest, node_level[c.lane_dest])) if L else np.zeros(0, np.int64)
    proc = np.argsort(proc_level, kind="stable")
    lane_inv, proc_inv = _inverse(lane), _inverse(proc)
    in_proc_i = proc_inv[c.in_proc]
    edge = np.argsort(in_proc_i, kind="stable")
    edge_inv = _inverse(edge)
    in_proc, in_node, in_qty = in_proc_i[edge], c.in_node[edge], c.in_qty[edge]
    oorder = np.argsort(proc_inv[c.out_proc], kind="stable")
    out_proc, out_node = proc_inv[c.out_proc][oorder], c.out_node[oorder]
    out_gain = (c.out_qty * c.yld[c.out_proc])[oorder]

    lane_origin, lane_dest, lead = c.lane_origin[lane], c.lane_dest[lane], c.lead[lane]
    cycle = c.cycle[proc]
    has_in, in_starts = np.unique(in_proc, return_index=True)
    in_count = np.diff(np.append(in_starts, E))

    request = [_request_level(c, k, node_level, proc_level[proc], lane, lane_dest, lane_origin, out_proc, out_node, out_gain, in_proc, in_node, in_qty)
               for k in range(len(c.req_levels))]
    alloc = [_alloc_level(c, A, lane, lane_origin, lane_dest, lead, in_proc, in_node, in_qty, proc) for A in c.alloc_levels]

    return Layout(
        N=N, L=L, P=P, E=E, D=D, lane=lane, lane_inv=lane_inv, proc=proc, proc_inv=proc_inv, edge=edge, edge_inv=edge_inv,
        lane_origin=lane_origin, lane_dest=lane_dest, lead=lead, zero_lead=np.flatnonzero(lead == 0), cycle=cycle,
        in_proc=in_proc, in_node=in_node, in_qty=in_qty[:, None], in_starts=in_starts, in_procs=as_slice(has_in), in_count=in_count,
        out_proc=out_proc, out_node=out_node, out_gain=out_gain,
        M_received=scatter_matrix(lane_dest, N), M_shipped=scatter_matrix(lane_origin, N),
        M_consumed=sp.csr_matrix((in_qty, (in_node, in_proc)), shape=(N, P)),
        M_produced=sp.csr_matrix((out_gain, (out_node, out_proc)), shape=(N, P)),
        M_delivered=scatter_matrix(c.dem_node, N),
        needs_wip=bool(c.base_stock[out_node].any()), request=request, alloc=alloc,
    )


def _inverse(perm: np.ndarray) -> np.ndarray:
    inv = np.empty_like(perm)
    inv[perm] = np.arange(len(perm))
    return inv


def _range(mask: np.ndarray) -> slice:
    idx = np.flatnonzero(mask)
    s = as_slice(idx)
    assert isinstance(s, slice), "level entities are contiguous in the internal order"
    return s


def _request_level(c: Compiled, k: int, node_level: np.ndarray, proc_level_i: np.ndarray, lane: np.ndarray, lane_dest: np.ndarray,
                   lane_origin: np.ndarray, out_proc: np.ndarray, out_node: np.ndarray, out_gain: np.ndarray,
                   in_proc: np.ndarray, in_node: np.ndarray, in_qty: np.ndarray) -> RequestLevel:
    ls = _range(node_level[lane_dest] == k)
    dest = lane_dest[ls]
    origin_u, _, origin_M = local_scatter(lane_origin[ls])
    _, dest_inv = np.unique(dest, return_inverse=True)
    ps = _range(proc_level_i == k)
    n_p = ps.stop - ps.start
    oe = np.flatnonzero((out_proc >= ps.start) & (out_proc < ps.stop))
    oploc = out_proc[oe] - ps.start
    direct = len(oe) == n_p and np.array_equal(oploc, np.arange(n_p))
    es = _range((in_proc >= ps.start) & (in_proc < ps.stop)) if len(in_proc) else slice(0, 0)
    in_ploc = in_proc[es] - ps.start
    in_u, _, in_M = local_scatter(in_node[es])
    nl = c.req_levels[k][0]
    cand = _candidate_split(c, lane, ls, node_level, k)
    return RequestLevel(
        cand=cand,
        lanes=ls, dest=dest, origin_u=origin_u, origin_M=origin_M, dest_inv=dest_inv,
        rank=c.spill_rank[lane[ls]], procs=ps, out_edges=oe, out_node=out_node[oe], out_ploc=oploc, out_gain=out_gain[oe][:, None],
        out_direct=bool(direct), out_single=len(np.unique(oploc)) == len(oploc), edges=es, in_ploc=as_slice(in_ploc) if len(in_ploc) == n_p else in_ploc, in_qty=in_qty[es][:, None],
        in_u=in_u, in_M=in_M, base_stock=_base_stock(c, nl[c.base_stock[nl]], lane_dest, lane_origin, out_proc, out_node, out_gain, in_proc, in_node, in_qty),
    )


def _candidate_split(c: Compiled, lane: np.ndarray, ls: slice, node_level: np.ndarray, k: int) -> CandidateSplit | None:
    rows = np.flatnonzero(node_level[c.lane_dest[c.cand_lanes]] == k)
    if not len(rows):
        return None
    pos = np.full(len(lane), -1)
    pos[lane[ls]] = np.arange(ls.stop - ls.start)  # Compiled lane -> level-local position
    cl = c.cand_lanes[rows]
    dests = np.unique(c.lane_dest[cl])
    by_rank = []
    for r in np.unique(c.cand_rank[rows]):
        sel = rows[c.cand_rank[rows] == r]
        by_rank.append((pos[c.cand_lanes[sel]], sel, np.searchsorted(dests, c.lane_dest[c.cand_lanes[sel]])))
    into = np.flatnonzero(np.isin(c.lane_dest, dests))
    others = np.setdiff1d(into, cl)
    return CandidateSplit(cols=rows, by_rank=by_rank, dests=dests, others=pos[others], others_at=np.searchsorted(dests, c.lane_dest[others]))


def _base_stock(c: Compiled, nodes: np.ndarray, lane_dest: np.ndarray, lane_origin: np.ndarray, out_proc: np.ndarray, out_node: np.ndarray,
                out_gain: np.ndarray, in_proc: np.ndarray, in_node: np.ndarray, in_qty: np.ndarray) -> BaseStock | None:
    if not len(nodes):
        return None
    pos = np.full(c.N, -1)
    pos[nodes] = np.arange(len(nodes))
    B, P = len(nodes), len(c.cycle)

    def rows(tgt: np.ndarray, cols: np.ndarray, n_cols: int, w: np.ndarray | None = None) -> sp.csr_matrix:
        keep = pos[tgt] >= 0
        wv = np.ones(len(tgt)) if w is None else np.asarray(w, float)
        return sp.csr_matrix((wv[keep], (pos[tgt][keep], cols[keep])), shape=(B, n_cols))

    L, D = len(lane_dest), len(c.dem_node)
    return BaseStock(
        nodes=nodes, level=c.level[nodes][:, None],
        onorder_lanes=rows(lane_dest, np.arange(L), L), onorder_procs=rows(out_node, out_proc, P, out_gain),
        owed_dem=rows(c.dem_node, np.arange(D), D), owed_lanes=rows(lane_origin, np.arange(L), L), owed_procs=rows(in_node, in_proc, P, in_qty),
    )


def _alloc_level(c: Compiled, A: np.ndarray, lane: np.ndarray, lane_origin: np.ndarray, lane_dest: np.ndarray, lead: np.ndarray,
                 in_proc: np.ndarray, in_node: np.ndarray, in_qty: np.ndarray, proc: np.ndarray) -> AllocLevel:
    inA = np.zeros(c.N, bool)
    inA[A] = True
    loc = np.full(c.N, -1)
    loc[A] = np.arange(len(A))
    nA = len(A)
    lane_prio = c.lane_priority[lane]
    edge_prio = c.proc_priority[proc][in_proc]
    di = np.flatnonzero(inA[c.dem_node])
    li = np.flatnonzero(inA[lane_origin])
    ei = np.flatnonzero(inA[in_node])
    prio = np.concatenate([c.dem_priority[di], lane_prio[li], edge_prio[ei]])
    present = np.unique(prio)
    key = np.searchsorted(present, prio) * nA + loc[np.concatenate([c.dem_node[di], lane_origin[li], in_node[ei]])]
    rows = np.unique(key)  # (class, node) pairs with claims, class first
    row_of = np.searchsorted(rows, key)
    R = len(rows)
    bounds = np.searchsorted(rows // max(nA, 1), np.arange(len(present) + 1))
    parts = np.split(row_of, [len(di), len(di) + len(li)])

    def part(g: np.ndarray) -> tuple[sp.csr_matrix | None, np.ndarray]:
        return (scatter_matrix(g, R), g) if len(g) else (None, g)

    (dem_M, dem_g), (lane_M, lane_g), (edge_M, edge_g) = (part(g) for g in parts)
    zl = np.flatnonzero(inA[lane_origin] & (lead == 0))
    zero_u, _, zero_M = local_scatter(lane_dest[zl]) if len(zl) else (np.zeros(0, np.int64), None, None)
    all_nodes = nA == c.N
    return AllocLevel(
        nodes=slice(0, c.N) if all_nodes else A, n=nA, class_rows=[slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])],
        row_node=rows % max(nA, 1), dem=as_slice(di), dem_M=dem_M, dem_g=dem_g,
        lanes=as_slice(li), lane_M=lane_M, lane_g=lane_g, edges=as_slice(ei), edge_proc=in_proc[ei], edge_qty=in_qty[ei][:, None],
        edge_M=edge_M, edge_g=edge_g, zero_lanes=zl, zero_u=zero_u, zero_M=zero_M,
    )
