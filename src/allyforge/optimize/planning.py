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

from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from allyforge.optimize.data import PlanningData
from allyforge.optimize.rows import Terms, add_rows


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
    """Builds the planning LP over `data`'s samples. Subclasses add first-stage decisions in
    `add_investments` as extra `Terms` on the families' rows and extra objective terms."""

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
        # what first-stage decisions add to the families' left-hand sides (moved from the right)
        self.extra_capacity: list[Terms] = []  # Process-capacity rows: - bought runs
        self.extra_lane_capacity: list[Terms] = []  # Lane-flow-upper rows: - bought capacity x open share
        self.extra_reserve: list[Terms] = []  # Stockpile-balance rows: - bought reserve
        self.extra_cost: list[tuple[np.ndarray, np.ndarray]] = []  # (variable labels, base-currency coefficients)

    def grid(self, entity: str) -> list[pd.Index]:
        return [self.c_sample, getattr(self, f"c_{entity}"), self.c_period]

    # --- variables -----------------------------------------------------------------
    def add_variables(self) -> None:
        m = self.m
        # a zero lower bound already on the (sample, entity, period) grid: linopy skips aligning scalars
        zeros = lambda entity: xr.DataArray(np.zeros(tuple(map(len, self.grid(entity)))), coords=self.grid(entity))  # noqa: E731
        self.runs = m.add_variables(lower=zeros("process"), name="runs")
        self.ship = m.add_variables(lower=zeros("lane"), name="ship")
        self.stock = m.add_variables(lower=zeros("node"), name="stock")
        self.deliver = m.add_variables(lower=zeros("demand"), name="deliver")
        self.short = m.add_variables(lower=zeros("demand"), name="short")
        if len(self.c_stockpile):
            self.reserve = m.add_variables(lower=zeros("stockpile"), name="reserve")
            self.release = m.add_variables(lower=zeros("stockpile"), name="release")

    def add_investments(self) -> None:
        """First-stage decisions (none in the plain planning LP)."""

    @staticmethod
    def labels(var: linopy.Variable) -> np.ndarray:
        return var.labels.to_numpy()

    def own(self, var: linopy.Variable, coef: np.ndarray | float = 1.0, lag: np.ndarray | int = 0) -> Terms:
        """A variable in its own family's rows: entity e of the variable in row e."""
        lab = self.labels(var)
        return Terms(lab, np.arange(lab.shape[1]), coef, lag)

    # --- constraint families --------------------------------------------------------
    def process_capacity(self) -> None:
        """runs - bought runs <= capacity."""
        add_rows(self.m, "Process-capacity", self.grid("process"), [self.own(self.runs), *self.extra_capacity], "<=", self.d.capacity)

    def lane_flow_upper(self) -> None:
        """ship - bought capacity x open <= open x capacity (licences on uncapped lanes: see docs)."""
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
        add_rows(self.m, "Lane-flow-upper", self.grid("lane"), [self.own(self.ship), *self.extra_lane_capacity], "<=", np.where(mask, ub, 0.0), active=mask)

    def stock_balance(self) -> None:
        """on-hand(t) - on-hand(t-1) - output arriving - lane arrivals - releases + inputs + shipments + deliveries = initial (t = 0)."""
        d = self.d
        T = len(self.c_period)
        runs = self.labels(self.runs)
        terms = [self.own(self.stock), self.own(self.stock, -1.0, 1)]
        pi, node, q = d.output_rows  # output of runs started cycle_time ago, times yield
        terms.append(Terms(runs[:, pi], node, -q[None, :, None], d.cycle[pi]))
        pi, node, q = d.input_rows  # inputs are consumed when a run starts
        terms.append(Terms(runs[:, pi], node, q[None, :, None]))
        ship = self.labels(self.ship)
        share = d.drivers.lane_delay_share
        delay = d.drivers.lane_delay
        # the delayed share of a shipment arrives `delay` periods later (S2.3)
        terms.append(Terms(ship, d.lane_destination, -(1.0 - share)[None], d.lead))
        for dv in np.unique(delay[(delay > 0) & (share > 0)]):
            terms.append(Terms(ship, d.lane_destination, -np.where(delay == dv, share, 0.0)[None], d.lead + int(dv)))
        terms.append(Terms(ship, d.lane_origin))
        terms.append(Terms(self.labels(self.deliver), d.demand_node))
        if len(self.c_stockpile):
            terms.append(Terms(self.labels(self.release), self.c_node.get_indexer(self.c_stockpile), -1.0))
        if any((np.asarray(g.rows) < 0).any() for g in terms):
            raise ValueError("a flow names a stock point outside the model")
        init = np.zeros((1, len(self.c_node), T))
        init[0, :, 0] = d.initial_on_hand
        add_rows(self.m, "Stock-balance", self.grid("node"), terms, "=", init)

    def stockpile_balance(self) -> None:
        """reserve(t) - reserve(t-1) + release(t) - bought reserve = scenario additions (+ initial at t = 0)."""
        if not len(self.c_stockpile):
            return
        d = self.d
        add = d.stock_change("add")
        add[:, :, 0] += d.initial_reserve[None, :]
        terms = [self.own(self.reserve), self.own(self.reserve, -1.0, 1), self.own(self.release), *self.extra_reserve]
        add_rows(self.m, "Stockpile-balance", self.grid("stockpile"), terms, "=", add)
        # release rules (S9): on_shortfall free; scenario only through release events; never none
        rule = d.release_rule.to_numpy()
        rel = d.stock_change("release")
        cap = np.where(rule[None, :, None] == "on_shortfall", np.inf, np.where(rule[None, :, None] == "never", 0.0, rel))
        mask = ~np.isinf(cap)
        if mask.any():
            add_rows(self.m, "Stockpile-release", self.grid("stockpile"), [self.own(self.release)], "<=", np.where(mask, cap, 0.0), active=mask)

    def demand_balance(self) -> None:
        """Backorder streams: backlog(t) - backlog(t-1) + delivered(t) = due(t); lost sales: short + delivered = due."""
        d = self.d
        back = d.drivers.demands["backorder"].to_numpy(bool)
        short = self.labels(self.short)
        terms = [self.own(self.short), self.own(self.deliver)]
        if back.any():  # backorders carry over: - backlog(t-1)
            terms.append(Terms(short[:, back], np.flatnonzero(back), -1.0, 1))
        add_rows(self.m, "Demand-balance", self.grid("demand"), terms, "=", d.demand)
        if self.must_meet_priority is not None:
            prio = d.drivers.demands["priority"].to_numpy(int)
            mask = np.broadcast_to((prio <= self.must_meet_priority)[None, :, None], short.shape)
            add_rows(self.m, "Demand-must-meet", self.grid("demand"), [self.own(self.short)], "<=", 0.0, active=mask)

    # --- objective -----------------------------------------------------------------
    def objective(self) -> None:
        """Mean over samples (weighted, `PlanningData.sample_weights`) of shortfall penalties (backorder
        costs) + holding + production + transport, plus first-stage costs (`extra_cost`)."""
        d = self.d
        w = d.sample_weights[:, None, None]
        parts = [(self.short, d.shortfall_cost), (self.stock, d.holding), (self.runs, d.run_cost), (self.ship, d.lane_cost + self._transit_holding())]
        if len(self.c_stockpile):
            parts.append((self.reserve, d.holding[d.node_labels.get_indexer(self.c_stockpile)]))
        # one flat expression over every (variable, coefficient) pair, (weighted) mean over samples
        pairs = [(self.labels(v).ravel(), (c[None] * w).ravel()) for v, c in parts]
        pairs += [(np.asarray(lab).ravel(), np.asarray(c, float).ravel()) for lab, c in self.extra_cost]
        labs = np.concatenate([p[0] for p in pairs])
        coefs = np.concatenate([p[1] for p in pairs])
        keep = (coefs != 0) & (labs >= 0)
        obj = linopy.LinearExpression(
            xr.Dataset({"coeffs": (("_term",), coefs[keep]), "vars": (("_term",), labs[keep]), "const": ((), 0.0)}), self.m
        )
        self.m.add_objective(obj)

    def _transit_holding(self) -> np.ndarray:
        """Holding of stock in transit at the shipping node's cost (S11.2), per unit shipped in t."""
        d = self.d
        return d.holding[d.lane_origin] * d.transit_periods()

    def build(self) -> PlanningModel:
        self.add_variables()
        self.add_investments()
        self.process_capacity()
        self.lane_flow_upper()
        self.stock_balance()
        self.stockpile_balance()
        self.demand_balance()
        self.objective()
        return PlanningModel(self.m, self.d, single_sample=len(self.c_sample) == 1, extra={"relaxed_partial": self.relaxed_partial})

