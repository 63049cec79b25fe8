"""The flow LP behind time-to-survive, performance impact and maximum output.

One sparse model of the supply graph, built once as plain arrays (picklable, so
worker processes can rebuild a HiGHS instance from it) and re-solved per
disrupted node by changing column bounds: HiGHS keeps its basis between solves,
so each re-solve is a warm start.

Columns: x_p (runs of each process over the window), y_l (units over each lane),
loss_b (demand not met at each demand row), t (the window length, in periods).
Rows (Simchi-Levi et al. 2015, with material balance per site × item, which
reduces to their rows when stock is held of a node's own product):
  balance  Σ out·x + Σ y_in − Σ in·x − Σ y_out + loss − d·t ≥ −stock
  capacity x_p − c_p·t ≤ 0
  lane cap y_l − u_l·t ≤ 0   (lanes with a capacity or a licensed fraction)
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from allyforge.risk.graph import SupplyGraph

INF = highspy.kHighsInf


@dataclass(frozen=True)
class FlowLP:
    """The model as arrays; `highs()` turns it into a solver instance."""

    a: sp.csc_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_hi: np.ndarray
    n_x: int
    n_y: int
    n_loss: int
    t_col: int
    processes: pd.Index
    lanes: pd.Index
    balance: pd.MultiIndex  # (site, item) of each balance row
    loss_rows: np.ndarray  # balance row of each loss column
    sink_cols: np.ndarray  # delivery columns (max-output models only)

    @property
    def n_cols(self) -> int:
        return self.a.shape[1]

    def highs(self, cost: np.ndarray, maximize: bool, col_lo: np.ndarray | None = None, col_hi: np.ndarray | None = None) -> highspy.Highs:
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("random_seed", 0)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.a.shape[1], self.a.shape[0]
        lp.col_cost_ = np.asarray(cost, float)
        lp.col_lower_ = np.zeros(self.n_cols) if col_lo is None else np.asarray(col_lo, float)
        lp.col_upper_ = self.col_hi.copy() if col_hi is None else np.asarray(col_hi, float)
        lp.row_lower_ = self.row_lo
        lp.row_upper_ = self.row_hi
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = self.a.indices.astype(np.int32)
        lp.a_matrix_.value_ = self.a.data.astype(float)
        lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
        h.passModel(lp)
        return h


def build_flow_lp(
    g: SupplyGraph,
    planned: pd.Series | None = None,
    *,
    stock: bool = True,
    demand: bool = True,
    sinks: pd.Series | None = None,
) -> FlowLP:
    """Assemble the model. `planned` = each lane's planned flow per period (caps licensed lanes);
    `sinks` = (site, item) -> weight of a delivery column (max-output models)."""
    procs = g.processes.index
    lanes = g.lanes.index
    keys = pd.concat(
        [
            pd.DataFrame({"site": g.inputs["process"].map(g.processes["site"]), "item": g.inputs["item"]}),
            pd.DataFrame({"site": g.outputs["process"].map(g.processes["site"]), "item": g.outputs["item"]}),
            pd.DataFrame({"site": g.lanes["origin"], "item": g.lanes["item"]}),
            pd.DataFrame({"site": g.lanes["destination"], "item": g.lanes["item"]}),
            g.stocks[["site", "item"]],
            g.demands[["site", "item"]],
        ],
        ignore_index=True,
    ).drop_duplicates()
    balance = pd.MultiIndex.from_frame(keys.astype(str)).sort_values()
    nb, nx, ny = len(balance), len(procs), len(lanes)

    def brow(sites: pd.Series, items: pd.Series) -> np.ndarray:
        return balance.get_indexer(pd.MultiIndex.from_arrays([sites.astype(str).to_numpy(), items.astype(str).to_numpy()]))

    rows, cols, vals = [], [], []
    # balance: outputs (+), inputs (−)
    o_p = procs.get_indexer(g.outputs["process"])
    rows.append(brow(g.outputs["process"].map(g.processes["site"]), g.outputs["item"]))
    cols.append(o_p)
    vals.append(g.outputs["quantity"].to_numpy(float))
    i_p = procs.get_indexer(g.inputs["process"])
    rows.append(brow(g.inputs["process"].map(g.processes["site"]), g.inputs["item"]))
    cols.append(i_p)
    vals.append(-g.inputs["quantity"].to_numpy(float))
    # lanes: into destination (+), out of origin (−)
    ly = nx + np.arange(ny)
    rows += [brow(g.lanes["destination"], g.lanes["item"]), brow(g.lanes["origin"], g.lanes["item"])]
    cols += [ly, ly]
    vals += [np.ones(ny), -np.ones(ny)]

    dem = np.zeros(nb)
    if demand and len(g.demands):
        np.add.at(dem, brow(g.demands["site"], g.demands["item"]), g.demands["rate"].to_numpy(float))
    loss_rows = np.flatnonzero(dem > 0)
    nl = len(loss_rows)
    lc = nx + ny + np.arange(nl)
    rows.append(loss_rows)
    cols.append(lc)
    vals.append(np.ones(nl))

    sink_rows = brow(pd.Series(sinks.index.get_level_values(0)), pd.Series(sinks.index.get_level_values(1))) if sinks is not None and len(sinks) else np.zeros(0, int)
    ns = len(sink_rows)
    sc = nx + ny + nl + np.arange(ns)
    rows.append(sink_rows)
    cols.append(sc)
    vals.append(-np.ones(ns))
    t_col = nx + ny + nl + ns

    rows.append(loss_rows)
    cols.append(np.full(len(loss_rows), t_col))
    vals.append(-dem[loss_rows])

    # capacity rows
    cap = g.processes["capacity"].to_numpy(float)
    rows += [nb + np.arange(nx), nb + np.arange(nx)]
    cols += [np.arange(nx), np.full(nx, t_col)]
    vals += [np.ones(nx), -cap]

    # lane caps: physical capacity, and licensed lanes at passing × planned flow
    lcap = g.lanes["capacity"].to_numpy(float)
    passing = g.lanes["passing"].to_numpy(float)
    plan = planned.reindex(lanes).fillna(0.0).to_numpy(float) if planned is not None else np.full(ny, np.inf)
    licensed = (passing > 0) & (passing < 1)
    lic = np.full(ny, np.inf)
    lic[licensed] = passing[licensed] * plan[licensed]
    ucap = np.fmin(np.where(np.isnan(lcap), np.inf, lcap), lic)
    capped = np.flatnonzero(np.isfinite(ucap))
    nr = nb + nx + len(capped)
    rows += [nb + nx + np.arange(len(capped)), nb + nx + np.arange(len(capped))]
    cols += [nx + capped, np.full(len(capped), t_col)]
    vals += [np.ones(len(capped)), -ucap[capped]]

    r = np.concatenate(rows).astype(np.int64)
    c = np.concatenate(cols).astype(np.int64)
    v = np.concatenate(vals).astype(float)
    if (r < 0).any():
        raise AssertionError("a recipe, lane or demand refers to a site × item outside the balance rows")
    a = sp.csc_matrix((v, (r, c)), shape=(nr, t_col + 1))
    a.sum_duplicates()
    a.eliminate_zeros()

    stock_b = np.zeros(nb)
    if stock and len(g.stocks):
        np.add.at(stock_b, brow(g.stocks["site"], g.stocks["item"]), g.stocks["initial"].to_numpy(float))
    row_lo = np.concatenate([-stock_b, np.full(nr - nb, -INF)])
    row_hi = np.concatenate([np.full(nb, INF), np.zeros(nr - nb)])
    col_hi = np.full(t_col + 1, INF)
    col_hi[nx:nx + ny][passing <= 0] = 0.0  # banned lanes carry nothing
    return FlowLP(a, row_lo, row_hi, col_hi, nx, ny, nl, t_col, procs, lanes, balance, loss_rows, sc)
