"""The time-expanded planning LP, built with linopy: one function per constraint family.

Every array carries a `sample` dimension, so the same code builds the deterministic LP
(one sample) and the recourse part of the two-stage portfolio MILP (many samples).
Constraint names map to business objects: `Lane-flow-upper[gallium-cn-jp, 2026-05]`.

    runs[p, t]      process starts (runs)                 <= capacity              Process-capacity
    ship[l, t]      units a lane ships                    <= open x lane capacity  Lane-flow-upper
    stock[n, t]     on-hand at the end of t, node n = site/item                    Stock-balance
    reserve[k, t]   a stockpile's reserve; release[k, t] moves it to on-hand       Stockpile-balance, Stockpile-release
    deliver[d, t]   units delivered to demand stream d
    short[d, t]     backlog (backorder streams) or lost units                      Demand-balance
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from allyforge.optimize.data import PlanningData


def _idx(values: object, name: str) -> pd.Index:
    return pd.Index(list(values), name=name)


@dataclass
class PlanningModel:
    """A linopy model plus the data it was built from (to read results and name constraints)."""

    model: linopy.Model
    data: PlanningData
    single_sample: bool
    extra: dict = field(default_factory=dict)

    def describe(self, constraint: str, coords: dict) -> str:
        """`Lane-flow-upper[gallium-cn-jp, 2026-05]` (sample shown only when several are modelled)."""
        keys = [str(v) for k, v in coords.items() if not (k == "sample" and self.single_sample)]
        return f"{constraint}[{', '.join(keys)}]"


class PlanningBuilder:
    """Builds the planning LP over `data`'s samples. Subclasses add first-stage decisions
    through `extra_*` terms before the constraint families are written."""

    def __init__(self, data: PlanningData, licence_reference: np.ndarray | None = None, must_meet_priority: int | None = None):
        self.d = data
        self.m = linopy.Model(force_dim_names=True)
        self.licence_reference = licence_reference
        self.must_meet_priority = must_meet_priority
        d = data
        self.c_sample = _idx(d.sample_ids, "sample")
        self.c_period = _idx(d.periods, "period")
        self.c_process = _idx(d.processes.index, "process")
        self.c_lane = _idx(d.lanes.index, "lane")
        self.c_node = d.node_labels
        self.c_stockpile = d.stockpiles
        dem = d.drivers.demands
        self.c_demand = _idx([f"{s}/{i}/{p}" for s, i, p in zip(dem["site"], dem["item"], dem["party"])], "demand")
        # terms first-stage decisions add to right-hand sides (expressions with the same dims)
        self.extra_capacity: linopy.LinearExpression | None = None
        self.extra_lane_capacity: linopy.LinearExpression | None = None
        self.extra_reserve: linopy.LinearExpression | None = None
        self.extra_cost: linopy.LinearExpression | None = None

    def da(self, values: np.ndarray, *dims: str) -> xr.DataArray:
        coords = {k: getattr(self, f"c_{k}") for k in dims}
        return xr.DataArray(values, dims=dims, coords=coords)

    # --- variables -----------------------------------------------------------------
    def add_variables(self) -> None:
        m, S, T = self.m, self.c_sample, self.c_period
        self.runs = m.add_variables(lower=0, coords=[S, self.c_process, T], name="runs")
        self.ship = m.add_variables(lower=0, coords=[S, self.c_lane, T], name="ship")
        self.stock = m.add_variables(lower=0, coords=[S, self.c_node, T], name="stock")
        self.deliver = m.add_variables(lower=0, coords=[S, self.c_demand, T], name="deliver")
        self.short = m.add_variables(lower=0, coords=[S, self.c_demand, T], name="short")
        if len(self.c_stockpile):
            self.reserve = m.add_variables(lower=0, coords=[S, self.c_stockpile, T], name="reserve")
            self.release = m.add_variables(lower=0, coords=[S, self.c_stockpile, T], name="release")

    def add_investments(self) -> None:
        """First-stage decisions (none in the plain planning LP)."""

    # --- constraint families --------------------------------------------------------
    def process_capacity(self) -> None:
        cap = self.da(self.d.capacity, "sample", "process", "period")
        lhs = 1 * self.runs
        if self.extra_capacity is not None:
            lhs = lhs - self.extra_capacity
        self.m.add_constraints(lhs <= cap, name="Process-capacity")

    def lane_flow_upper(self) -> None:
        d = self.d
        open_ = d.lane_open
        cap = d.lane_capacity
        ub = np.where(np.isinf(cap), np.inf, open_ * np.where(np.isinf(cap), 0, cap))
        partial = np.isinf(cap) & (open_ < 1)
        self.relaxed_partial = bool(partial.any()) and self.licence_reference is None
        if partial.any() and self.licence_reference is not None:
            # a licence passes its fraction of what the lane carries without the rule (solve_planning's first pass)
            ub = np.where(partial, open_ * self.licence_reference, ub)
        ub = np.where(open_ <= 0, 0.0, ub)
        mask = ~np.isinf(ub)
        lhs = 1 * self.ship
        if self.extra_lane_capacity is not None:
            # bought capacity (second sources) passes only the lane's open share
            lhs = lhs - self.extra_lane_capacity * self.da(open_, "sample", "lane", "period")
        self.m.add_constraints(
            lhs <= self.da(np.where(mask, ub, 0), "sample", "lane", "period"),
            name="Lane-flow-upper",
            mask=self.da(mask, "sample", "lane", "period"),
        )

    def stock_balance(self) -> None:
        """on-hand(t) = on-hand(t-1) + output arriving + lane arrivals + releases - inputs - shipments - deliveries."""
        d = self.d
        T = len(self.c_period)
        node_pos = self.c_node.get_indexer
        procs = d.processes
        pos = procs.index.get_indexer
        runs = self.runs.labels.to_numpy()
        src = []  # (variable labels [S, E, T], node per entity, coefficient per entity and source period, lag)
        out = d.outputs
        if len(out):
            pi = pos(out["process"])
            coef = out["quantity"].to_numpy(float) * d.yields[pi]
            src.append((runs[:, pi], node_pos(d.node_label(procs["site"].to_numpy()[pi], out["item"].to_numpy())), np.repeat(coef[:, None], T, 1), d.cycle[pi]))
        inp = d.inputs
        if len(inp):
            pi = pos(inp["process"])
            coef = -inp["quantity"].to_numpy(float)
            src.append((runs[:, pi], node_pos(d.node_label(procs["site"].to_numpy()[pi], inp["item"].to_numpy())), np.repeat(coef[:, None], T, 1), np.zeros(len(pi), int)))
        ln = d.lanes
        if len(ln):
            L = len(ln)
            ship = self.ship.labels.to_numpy()
            dest = node_pos(d.node_label(ln["destination"], ln["item"]))
            share = d.drivers.lane_delay_share
            delay = d.drivers.lane_delay
            # the delayed share of a shipment arrives `delay` periods later (S2.3)
            src.append((ship, dest, 1.0 - share, d.lead))
            for dv in np.unique(delay[(delay > 0) & (share > 0)]):
                src.append((ship, dest, np.where(delay == dv, share, 0.0), d.lead + int(dv)))
            src.append((ship, node_pos(d.node_label(ln["origin"], ln["item"])), -np.ones((L, T)), np.zeros(L, int)))
        dem = d.drivers.demands
        src.append((self.deliver.labels.to_numpy(), node_pos(d.node_label(dem["site"], dem["item"])), -np.ones((len(dem), T)), np.zeros(len(dem), int)))
        if len(self.c_stockpile):
            K = len(self.c_stockpile)
            src.append((self.release.labels.to_numpy(), node_pos(np.asarray(self.c_stockpile, object)), np.ones((K, T)), np.zeros(K, int)))
        N = len(self.c_node)
        stock = self.stock.labels.to_numpy()
        # on-hand(t) - on-hand(t-1) - inflows + outflows: flip the flow signs, add the stock terms
        src = [(lab, node, -coef, lag) for lab, node, coef, lag in src]
        src += [(stock, np.arange(N), np.ones((N, T)), np.zeros(N, int)), (stock, np.arange(N), -np.ones((N, T)), np.ones(N, int))]
        lhs = self._direct_expression(src, "node", self.c_node)
        init = np.zeros((len(self.c_node), T))
        init[:, 0] = d.initial_on_hand
        self.m.add_constraints(lhs == self.da(init, "node", "period"), name="Stock-balance")

    def _direct_expression(self, sources: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]], dim: str, index: pd.Index) -> linopy.LinearExpression:
        """sum over entities e mapped to row r of coef[e, t - lag_e] * var[e, t - lag_e], as one expression
        (sample, dim, period) assembled directly from label arrays (one term slot per entity): linopy's
        representation without a merge per term, which is what keeps the build near matrix speed."""
        S, T, N = len(self.c_sample), len(self.c_period), len(index)
        labs, coefs, nodes = [], [], []
        t = np.arange(T)[None, :]
        for lab, node, coef, lag in sources:
            if (np.asarray(node) < 0).any():
                raise ValueError("a flow names a stock point outside the model")
            t_src = t - np.asarray(lag)[:, None]
            ok = t_src >= 0
            tc = np.clip(t_src, 0, None)
            e = np.arange(lab.shape[1])[:, None]
            labs.append(np.where(ok[None], lab[:, e, tc], -1))
            coefs.append(np.where(ok, coef[e, tc], 0.0))
            nodes.append(np.asarray(node))
        lab = np.concatenate(labs, axis=1)
        coef = np.concatenate(coefs, axis=0)
        node = np.concatenate(nodes)
        order = np.argsort(node, kind="stable")
        ns = node[order]
        rank = np.arange(len(ns)) - np.searchsorted(ns, ns, side="left")
        K = int(rank.max()) + 1 if len(ns) else 1
        V = np.full((S, N, T, K), -1, dtype=lab.dtype)
        C = np.zeros((S, N, T, K))
        V[:, ns, :, rank] = lab[:, order, :].transpose(1, 0, 2)
        C[:, ns, :, rank] = np.broadcast_to(coef[order][:, None, :], (len(ns), S, T))
        dims = ("sample", dim, "period", "_term")
        ds = xr.Dataset(
            {"coeffs": (dims, C), "vars": (dims, V), "const": (dims[:3], np.zeros((S, N, T)))},
            coords={"sample": self.c_sample, dim: index, "period": self.c_period},
        )
        return linopy.LinearExpression(ds, self.m)

    def stockpile_balance(self) -> None:
        if not len(self.c_stockpile):
            return
        d = self.d
        add = d.stock_change("add")
        add[:, :, 0] += d.initial_reserve[None, :]
        rhs = self.da(add, "sample", "stockpile", "period")
        lhs = self.reserve - self.reserve.shift(period=1) + self.release
        if self.extra_reserve is not None:
            lhs = lhs - self.extra_reserve
        self.m.add_constraints(lhs == rhs, name="Stockpile-balance")
        # release rules (S9): on_shortfall free; scenario only through release events; never none
        rule = d.release_rule.to_numpy()
        rel = d.stock_change("release")
        cap = np.where(rule[None, :, None] == "on_shortfall", np.inf, np.where(rule[None, :, None] == "never", 0.0, rel))
        mask = ~np.isinf(cap)
        if mask.any():
            self.m.add_constraints(
                1 * self.release <= self.da(np.where(mask, cap, 0), "sample", "stockpile", "period"),
                name="Stockpile-release",
                mask=self.da(mask, "sample", "stockpile", "period"),
            )

    def demand_balance(self) -> None:
        """Backorder streams: backlog(t) = backlog(t-1) + due(t) - delivered(t); lost sales: short = due - delivered."""
        d = self.d
        back = d.drivers.demands["backorder"].to_numpy(bool)
        D, T = len(self.c_demand), len(self.c_period)
        short, deliver = self.short.labels.to_numpy(), self.deliver.labels.to_numpy()
        rows = np.arange(D)
        src = [(short, rows, np.ones((D, T)), np.zeros(D, int)), (deliver, rows, np.ones((D, T)), np.zeros(D, int))]
        if back.any():  # backorders carry over: - backlog(t-1)
            src.append((short[:, back], rows[back], -np.ones((int(back.sum()), T)), np.ones(int(back.sum()), int)))
        lhs = self._direct_expression(src, "demand", self.c_demand)
        self.m.add_constraints(lhs == self.da(d.demand, "sample", "demand", "period"), name="Demand-balance")
        if self.must_meet_priority is not None:
            prio = d.drivers.demands["priority"].to_numpy(int)
            mask = self.da(np.broadcast_to((prio <= self.must_meet_priority)[None, :, None], self.short.shape), "sample", "demand", "period")
            self.m.add_constraints(1 * self.short <= 0, name="Demand-must-meet", mask=mask)

    # --- objective -----------------------------------------------------------------
    def objective(self) -> None:
        """Mean over samples of shortfall penalties (backorder costs) + holding + production + transport."""
        d = self.d
        w = 1.0 / len(self.c_sample)
        S = len(self.c_sample)
        parts = [(self.short, d.shortfall_cost), (self.stock, d.holding), (self.runs, d.run_cost), (self.ship, d.lane_cost + self._transit_holding())]
        if len(self.c_stockpile):
            parts.append((self.reserve, d.holding[d.node_labels.get_indexer(self.c_stockpile)]))
        # one flat expression over every (variable, coefficient) pair, mean over samples
        labs = np.concatenate([v.labels.to_numpy().ravel() for v, _ in parts])
        coefs = np.concatenate([np.broadcast_to(c[None], (S, *c.shape)).ravel() * w for _, c in parts])
        keep = (coefs != 0) & (labs >= 0)
        obj = linopy.LinearExpression(
            xr.Dataset({"coeffs": (("_term",), coefs[keep]), "vars": (("_term",), labs[keep]), "const": ((), 0.0)}), self.m
        )
        if self.extra_cost is not None:
            obj = obj + self.extra_cost
        self.m.add_objective(obj)

    def _transit_holding(self) -> np.ndarray:
        """Holding of stock in transit at the shipping node's cost (S11.2), per unit shipped in t."""
        d = self.d
        origin = d.node_labels.get_indexer(d.node_label(d.lanes["origin"], d.lanes["item"]))
        return d.holding[origin] * d.transit_periods()

    def build(self) -> PlanningModel:
        with warnings.catch_warnings():
            # absent slots from shift()/reindex() are meant to contribute nothing (linopy's legacy rule)
            warnings.filterwarnings("ignore", category=linopy.LinopySemanticsWarning) if hasattr(linopy, "LinopySemanticsWarning") else None
            warnings.filterwarnings("ignore", message=".*absent slots.*")
            warnings.filterwarnings("ignore", message=".*Coordinate mismatch.*")
            return self._build()

    def _build(self) -> PlanningModel:
        self.add_variables()
        self.add_investments()
        self.process_capacity()
        self.lane_flow_upper()
        self.stock_balance()
        self.stockpile_balance()
        self.demand_balance()
        self.objective()
        return PlanningModel(self.m, self.d, single_sample=len(self.c_sample) == 1, extra={"relaxed_partial": self.relaxed_partial})

