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
        nodes = self.c_node
        parts = []
        procs = d.processes
        pos = procs.index.get_indexer
        # output of runs started cycle_time periods ago (x quantity x yield)
        out = d.outputs
        if len(out):
            pi = pos(out["process"])
            coef = out["quantity"].to_numpy(float) * d.yields[pi]
            r = self.runs.isel(process=xr.DataArray(pi, dims="out_line"))
            node = d.node_label(procs["site"].to_numpy()[pi], out["item"].to_numpy())
            parts.append(self._by_node(r, "out_line", node, coef, d.cycle[pi]))
        inp = d.inputs
        if len(inp):
            pi = pos(inp["process"])
            r = self.runs.isel(process=xr.DataArray(pi, dims="in_line"))
            node = d.node_label(procs["site"].to_numpy()[pi], inp["item"].to_numpy())
            parts.append(self._by_node(r, "in_line", node, -inp["quantity"].to_numpy(float), np.zeros(len(pi), int)))
        ln = d.lanes
        if len(ln):
            L = len(ln)
            share = d.drivers.lane_delay_share
            dest = d.node_label(ln["destination"], ln["item"])
            if np.any(share > 0):
                # the delayed share of a shipment arrives delay periods later (S2.3)
                parts.append(self._by_node(self.ship * self.da(1 - share, "lane", "period"), "lane", dest, np.ones(L), d.lead))
                for delay in np.unique(d.drivers.lane_delay[d.drivers.lane_delay > 0]):
                    w = np.where(d.drivers.lane_delay == delay, share, 0.0)
                    parts.append(self._by_node(self.ship * self.da(w, "lane", "period"), "lane", dest, np.ones(L), d.lead + int(delay)))
            else:
                parts.append(self._by_node(1 * self.ship, "lane", dest, np.ones(L), d.lead))
            parts.append(self._by_node(1 * self.ship, "lane", d.node_label(ln["origin"], ln["item"]), -np.ones(L), np.zeros(L, int)))
        dem = d.drivers.demands
        parts.append(self._by_node(1 * self.deliver, "demand", d.node_label(dem["site"], dem["item"]), -np.ones(len(dem)), np.zeros(len(dem), int)))
        if len(self.c_stockpile):
            parts.append(self._by_node(1 * self.release, "stockpile", np.asarray(self.c_stockpile, object), np.ones(len(self.c_stockpile)), np.zeros(len(self.c_stockpile), int)))
        flows = parts[0]
        for p in parts[1:]:
            flows = flows + p
        lhs = self.stock - self.stock.shift(period=1) - flows
        init = np.zeros((len(nodes), len(self.c_period)))
        init[:, 0] = d.initial_on_hand
        self.m.add_constraints(lhs == self.da(init, "node", "period"), name="Stock-balance")

    def _by_node(self, expr: linopy.LinearExpression | linopy.Variable, dim: str, node: np.ndarray, coef: np.ndarray, lag: np.ndarray) -> linopy.LinearExpression:
        """Sum of coef_e * expr[e, t - lag_e] grouped into stock points, reindexed to every node."""
        out = None
        for g in np.unique(lag):
            sel = np.flatnonzero(lag == g)
            part = expr.isel({dim: sel})
            if g:
                part = part.shift(period=int(g))
            part = part * xr.DataArray(coef[sel], dims=dim)
            grp = xr.DataArray(node[sel], dims=dim, name="node")
            if dim in part.indexes:
                grp = grp.assign_coords({dim: part.indexes[dim]})
            summed = part.groupby(grp).sum().reindex(node=self.c_node)
            out = summed if out is None else out + summed
        assert out is not None
        return out

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
        back = self.da(d.drivers.demands["backorder"].to_numpy(bool), "demand")
        due = self.da(d.demand, "sample", "demand", "period")
        carried = self.short.shift(period=1).where(back)
        lhs = self.short + self.deliver - carried if bool(back.any()) else self.short + self.deliver
        self.m.add_constraints(lhs == due, name="Demand-balance")
        if self.must_meet_priority is not None:
            prio = d.drivers.demands["priority"].to_numpy(int)
            mask = self.da(np.broadcast_to((prio <= self.must_meet_priority)[None, :, None], self.short.shape), "sample", "demand", "period")
            self.m.add_constraints(1 * self.short <= 0, name="Demand-must-meet", mask=mask)

    # --- objective -----------------------------------------------------------------
    def objective(self) -> None:
        """Mean over samples of shortfall penalties (backorder costs) + holding + production + transport."""
        d = self.d
        w = 1.0 / len(self.c_sample)
        terms = [
            (self.short * self.da(d.shortfall_cost, "demand", "period")).sum(),
            (self.stock * self.da(d.holding, "node", "period")).sum(),
            (self.runs * self.da(d.run_cost, "process", "period")).sum(),
            (self.ship * self.da(d.lane_cost + self._transit_holding(), "lane", "period")).sum(),
        ]
        if len(self.c_stockpile):
            h = d.holding[d.node_labels.get_indexer(self.c_stockpile)]
            terms.append((self.reserve * self.da(h, "stockpile", "period")).sum())
        obj = terms[0]
        for t in terms[1:]:
            obj = obj + t
        obj = obj * w
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

