"""All-tier exposure tracing: which countries each program's materials come from, through which paths.

The sourcing matrix W says how much of each supply node (site × item) one unit
delivered at another node draws: lanes split a destination's need by their
shares (by priority when shares are blank: the first-priority lanes split it
evenly), and a site making the item itself draws its recipe's inputs (processes
making the same item split it by capacity). Total requirements per unit of a
program are the Leontief inverse applied to its demand: x = (I − Wᵀ)⁻¹ e.
Shares of a material by country are the requirements at the material's origin
nodes (where it is made, or where it enters the graph with no upstream) grouped
by country. Weighting lane edges by the fraction the trade rules let through
gives the share that still arrives; the rest is the blocked share.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from allyforge.risk.graph import SupplyGraph

EXPOSURE_COLUMNS = ["program", "party", "material", "kind", "country", "share", "blocked_share", "per_unit"]
PATH_COLUMNS = ["program", "rank", "material", "origin_country", "share", "passing", "path"]


@dataclass(frozen=True)
class Sourcing:
    """The sourcing matrix with the labels needed to read it."""

    nodes: pd.MultiIndex  # (site, item)
    edges: pd.DataFrame  # a, b (node positions), w (need per unit), share, via, kind (lane/process), passing
    w: sp.csr_matrix
    w_pass: sp.csr_matrix
    origin: np.ndarray  # bool per node: the item is made here or enters the graph here

    @cached_property
    def children(self) -> list[list[tuple[int, float, float]]]:
        """Per node, its upstream edges as (node, share, passing): the adjacency paths walk."""
        out: list[list[tuple[int, float, float]]] = [[] for _ in range(len(self.nodes))]
        ed = self.edges
        for a, b, sh, ps in zip(ed["a"].tolist(), ed["b"].tolist(), ed["share"].tolist(), ed["passing"].tolist()):
            out[a].append((b, sh, ps))
        return out

    @cached_property
    def made(self) -> frozenset[int]:
        """Nodes where a process makes the item (the places a path names)."""
        return frozenset(self.edges.loc[self.edges["kind"] == "process", "a"].astype(int).tolist())

    def solve(self, e: np.ndarray | sp.spmatrix, passing: bool = False) -> np.ndarray | sp.csr_matrix:
        """Total requirements x = (I − Wᵀ)⁻¹ e for each column of e (sparse in, sparse out).

        Sourcing is acyclic, so W is nilpotent and the Neumann series e + Wᵀe + (Wᵀ)²e + …
        ends after as many terms as the graph is deep; kept sparse, each program only
        touches its own upstream cone. A cyclic graph falls back to an LU solve.
        """
        wt = (self.w_pass if passing else self.w).T.tocsr()
        sparse = sp.issparse(e)
        term = sp.csr_matrix(e) if sparse else np.asarray(e, float)
        x = term.copy()
        for _ in range(min(len(self.nodes), 500) + 1):
            term = wt @ term
            if (term.nnz == 0) if sparse else (not term.any()):
                return x.tocsr() if sparse else x
            x = x + term
        m = (sp.identity(len(self.nodes), format="csc") - wt.tocsc()).tocsc()
        dense = spla.splu(m).solve(e.toarray() if sparse else np.asarray(e, float))
        return sp.csr_matrix(dense) if sparse else dense


def lane_split(g: SupplyGraph) -> pd.Series:
    """Each lane's share of its destination's need of the item (share, else first priority split evenly)."""
    lanes = g.lanes
    if not len(lanes):
        return pd.Series(dtype=float)
    key = [lanes["destination"], lanes["item"]]
    share = lanes["share"].astype(float)
    has_share = share.notna().groupby(key).transform("any")
    tot = share.fillna(0.0).groupby(key).transform("sum")
    by_share = share.fillna(0.0) / tot.where(tot > 0)
    prio = lanes["priority"].fillna(1).astype(float)
    first = prio.eq(prio.groupby(key).transform("min"))
    n_first = first.groupby(key).transform("sum")
    by_prio = first.astype(float) / n_first
    out = by_share.where(has_share & (tot > 0), by_prio).fillna(0.0)
    out.name = "split"
    return out


def build_sourcing(g: SupplyGraph) -> Sourcing:
    lanes = g.lanes
    psite = g.processes["site"]
    keys = pd.concat(
        [
            pd.DataFrame({"site": lanes["destination"], "item": lanes["item"]}),
            pd.DataFrame({"site": lanes["origin"], "item": lanes["item"]}),
            pd.DataFrame({"site": g.outputs["process"].map(psite), "item": g.outputs["item"]}),
            pd.DataFrame({"site": g.inputs["process"].map(psite), "item": g.inputs["item"]}),
            g.demands[["site", "item"]],
        ],
        ignore_index=True,
    ).astype(str).drop_duplicates()
    nodes = pd.MultiIndex.from_frame(keys).sort_values()

    def pos(site: pd.Series, item: pd.Series) -> np.ndarray:
        return nodes.get_indexer(pd.MultiIndex.from_arrays([site.astype(str).to_numpy(), item.astype(str).to_numpy()]))

    split = lane_split(g)
    le = pd.DataFrame(
        {
            "a": pos(lanes["destination"], lanes["item"]),
            "b": pos(lanes["origin"], lanes["item"]),
            "w": split.to_numpy(float),
            "share": split.to_numpy(float),
            "via": lanes.index.to_numpy(),
            "kind": "lane",
            "passing": lanes["passing"].to_numpy(float),
        }
    )
    le = le[le["w"] > 0]
    fed = np.zeros(len(nodes), bool)
    fed[le["a"].to_numpy()] = True

    outs = g.outputs.assign(site=g.outputs["process"].map(psite))
    outs["a"] = pos(outs["site"], outs["item"])
    outs = outs[~fed[outs["a"].to_numpy()] & (outs["quantity"] > 0)]
    cap = outs["process"].map(g.processes["capacity"]).astype(float).clip(lower=0)
    tot = cap.groupby(outs["a"]).transform("sum")
    cnt = outs.groupby("a")["process"].transform("size")
    outs["phi"] = np.where(tot > 0, cap / tot.where(tot > 0, 1.0), 1.0 / cnt)
    pe = outs.merge(g.inputs.rename(columns={"item": "input", "quantity": "q_in"}), on="process")
    pe = pd.DataFrame(
        {
            "a": pe["a"].to_numpy(),
            "b": pos(pe["site"], pe["input"]),
            "w": (pe["phi"] * pe["q_in"] / pe["quantity"]).to_numpy(float),
            "share": pe["phi"].to_numpy(float),
            "via": pe["process"].to_numpy(),
            "kind": "process",
            "passing": 1.0,
        }
    )
    edges = pd.concat([le, pe], ignore_index=True)
    n = len(nodes)
    a, b, w = edges["a"].to_numpy(), edges["b"].to_numpy(), edges["w"].to_numpy(float)
    wm = sp.csr_matrix((w, (a, b)), shape=(n, n))
    wp = sp.csr_matrix((w * edges["passing"].to_numpy(float), (a, b)), shape=(n, n))
    return Sourcing(nodes, edges, wm, wp, ~fed)


def program_demand(g: SupplyGraph, s: Sourcing, programs: list[str]) -> np.ndarray:
    """One column per program: its root nodes weighted by their share of its demand."""
    e = np.zeros((len(s.nodes), len(programs)))
    progs = g.programs.loc[programs, ["item", "party"]].rename_axis("program").reset_index()
    progs["j"] = np.arange(len(progs))
    d = progs.merge(g.demands, on=["item", "party"])
    d = d[d["rate"] > 0]
    tot = d.groupby("j")["rate"].transform("sum")
    idx = s.nodes.get_indexer(pd.MultiIndex.from_arrays([d["site"].astype(str), d["item"].astype(str)]))
    ok = idx >= 0
    np.add.at(e, (idx[ok], d["j"].to_numpy()[ok]), (d["rate"] / tot).to_numpy(float)[ok])
    for j in sorted(set(progs["j"]) - set(d["j"])):  # no positive demand: the fallback roots
        p = programs[j]
        roots = g.program_roots(p)
        item = g.programs.loc[p, "item"]
        ix = s.nodes.get_indexer(pd.MultiIndex.from_arrays([roots.index.astype(str), [item] * len(roots)]))
        k = ix >= 0
        e[ix[k], j] = roots.to_numpy(float)[k]
    return e


def planned_lane_flow(g: SupplyGraph, s: Sourcing | None = None) -> pd.Series:
    """Each lane's planned flow per period when every demand of the period is sourced by share."""
    s = s or build_sourcing(g)
    e = np.zeros(len(s.nodes))
    if len(g.demands):
        idx = s.nodes.get_indexer(pd.MultiIndex.from_arrays([g.demands["site"].astype(str), g.demands["item"].astype(str)]))
        np.add.at(e, idx, g.demands["rate"].to_numpy(float))
    x = s.solve(e[:, None])[:, 0] if e.any() else np.zeros(len(s.nodes))
    le = s.edges[s.edges["kind"] == "lane"]
    flow = pd.Series(le["w"].to_numpy() * x[le["a"].to_numpy()], index=le["via"].to_numpy())
    return flow.reindex(g.lanes.index).fillna(0.0)


def node_requirements(g: SupplyGraph, s: Sourcing) -> pd.DataFrame:
    """Total requirement of every node for the period's whole demand (for import reliance)."""
    e = np.zeros(len(s.nodes))
    if len(g.demands):
        idx = s.nodes.get_indexer(pd.MultiIndex.from_arrays([g.demands["site"].astype(str), g.demands["item"].astype(str)]))
        np.add.at(e, idx, g.demands["rate"].to_numpy(float))
    x = s.solve(e[:, None])[:, 0] if e.any() else np.zeros(len(s.nodes))
    return pd.DataFrame({"site": s.nodes.get_level_values(0), "item": s.nodes.get_level_values(1), "requirement": x})


def exposure(g: SupplyGraph, programs: list[str] | None = None, s: Sourcing | None = None) -> pd.DataFrame:
    """Share of each upstream item of each program by country of origin, with the blocked share.

    `per_unit` is the quantity of the item drawn from that country per unit of the program.
    """
    s = s or build_sourcing(g)
    programs = list(g.programs.index) if programs is None else programs
    if not programs:
        return pd.DataFrame(columns=EXPOSURE_COLUMNS)
    e = sp.csr_matrix(program_demand(g, s, programs))
    x, xp = s.solve(e), s.solve(e, passing=True)
    org = np.flatnonzero(s.origin)
    site = s.nodes.get_level_values(0).to_numpy()[org]
    item = s.nodes.get_level_values(1).to_numpy()[org]
    country = g.sites["country"].reindex(site).to_numpy()
    codes, uniq = pd.factorize(pd.MultiIndex.from_arrays([item, country]))
    agg = sp.csr_matrix((np.ones(len(org)), (codes, np.arange(len(org)))), shape=(len(uniq), len(org)))
    tot = (agg @ x[org]).tocoo()  # (item, country) × program
    arr = (agg @ xp[org]).tocsr()
    mat, cty = uniq.get_level_values(0).to_numpy(), uniq.get_level_values(1).to_numpy()
    progs = np.asarray(programs, dtype=object)
    df = pd.DataFrame({"program": progs[tot.col], "material": mat[tot.row], "country": cty[tot.row], "per_unit": tot.data,
                       "arriving": np.asarray(arr[tot.row, tot.col]).ravel()})
    df = df[df["per_unit"] > 1e-12]
    total = df.groupby(["program", "material"])["per_unit"].transform("sum")
    df["share"] = df["per_unit"] / total
    df["blocked_share"] = ((df["per_unit"] - df["arriving"]).clip(lower=0) / total).clip(upper=1)
    df["party"] = df["program"].map(g.programs["party"])
    df["kind"] = df["material"].map(g.items["kind"])
    own = df["material"].to_numpy() == df["program"].map(g.programs["item"]).to_numpy()
    df = df[~own]
    return df[EXPOSURE_COLUMNS].sort_values(["program", "material", "share"], ascending=[True, True, False]).reset_index(drop=True)


def paths(g: SupplyGraph, s: Sourcing, program: str, max_paths: int = 100, min_share: float = 1e-3, max_expansions: int = 50_000) -> pd.DataFrame:
    """The heaviest supply paths into one program (see `trace_paths`)."""
    return trace_paths(g, s, [program], max_paths=max_paths, min_share=min_share, max_expansions=max_expansions)


def trace_paths(
    g: SupplyGraph,
    s: Sourcing,
    programs: list[str],
    max_paths: int = 100,
    min_share: float = 1e-3,
    max_expansions: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """The heaviest supply paths into each program, best first (shares multiply along a path).

    A path runs from the program down to a node with nothing upstream; it names
    each place something is made (item @ site (country)). `passing` is the share
    of the path's flow the trade rules in force let through. Paths are found best
    first with a heap, up to `max_paths` per program, ignoring those below `min_share`.
    """
    if not programs:
        return pd.DataFrame(columns=PATH_COLUMNS)
    e = program_demand(g, s, programs)  # each program's root nodes with their share of its demand
    children, made = s.children, s.made
    node_site = s.nodes.get_level_values(0).to_numpy()
    node_item = s.nodes.get_level_values(1).to_numpy()
    site_name, country = g.sites["name"].to_dict(), g.sites["country"].to_dict()
    item_name = g.items["name"].to_dict()
    labels: dict[int, str] = {}

    def label(k: int) -> str:
        if k not in labels:
            it, site = node_item[k], node_site[k]
            nm = item_name.get(it)
            labels[k] = f"{nm if isinstance(nm, str) else it} @ {site_name[site]} ({country[site]})"
        return labels[k]

    out = []
    for j, program in enumerate(programs):
        heap: list[tuple[float, int, tuple[int, ...], float]] = []
        tick = 0
        for k in np.flatnonzero(e[:, j] > 0):
            heapq.heappush(heap, (-float(e[k, j]), tick, (int(k),), 1.0))
            tick += 1
        rows = []
        expansions = 0
        while heap and len(rows) < max_paths and expansions < max_expansions:
            neg, _, path, ps = heapq.heappop(heap)
            expansions += 1
            kids = children[path[-1]]
            if not kids:
                rows.append((path, -neg, ps))
                continue
            for b, sh, p2 in kids:
                w = -neg * sh
                if w >= min_share:
                    heapq.heappush(heap, (-w, tick, path + (b,), ps * p2))
                    tick += 1
        name = str(g.programs.at[program, "name"])
        for rank, (path, share, ps) in enumerate(rows, 1):
            steps = [name] + [label(k) for k in path if k in made or k == path[-1]]
            last = path[-1]
            out.append((program, rank, node_item[last], country[node_site[last]], share, ps, " ← ".join(steps)))
        if progress:
            progress(1)
    return pd.DataFrame(out, columns=PATH_COLUMNS)
