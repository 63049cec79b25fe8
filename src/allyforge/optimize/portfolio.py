"""Mitigation portfolio: a two-stage stochastic MILP by sample average approximation.

First stage: which candidates to buy and in which fiscal year (one binary per candidate
and purchase option: the horizon's start, or the first period of each later fiscal
year of the paying party). Second stage: the planning LP per sampled disruption, with
the bought capacity, second sources and stockpiles in effect from purchase + lead time
(the simulator's `invest` rule, S2.6). Budgets bind per party and fiscal year in that
party's currency through `rates`; a party-year without a budget row can spend nothing.
The objective is the sample mean of the planning objective (shortfall penalties plus
operating costs); investment cost enters only through budgets, with a tie-breaking
weight so that money is not spent for nothing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from allyforge.network import Network
from allyforge.optimize.data import PlanningData, to_base
from allyforge.optimize.planning import PlanningBuilder, PlanningModel
from allyforge.optimize.rows import Terms
from allyforge.scenario import Drivers

TIE_BREAK = 1e-6  # objective weight per base-currency unit invested


@dataclass(frozen=True)
class PurchaseOption:
    candidate: str
    kind: str
    target: str
    site: str | None
    size: float
    party: str
    currency: str
    cost: float  # in the candidate's currency
    period: int  # horizon position of the purchase
    live_from: int  # horizon position the effect starts (period + lead_time)
    fiscal_year: int  # the paying party's fiscal year of the purchase

    @property
    def label(self) -> str:
        return f"{self.candidate}@FY{self.fiscal_year}"


def purchase_options(net: Network, drv: Drivers, candidates: list[str] | None = None) -> list[PurchaseOption]:
    """One option per candidate and fiscal year of its party that starts inside the horizon."""
    cands = net.table("candidates")
    if candidates is not None:
        unknown = sorted(set(candidates) - set(cands.index))
        if unknown:
            raise ValueError(f"unknown candidates {unknown}; the pack has {', '.join(map(str, cands.index)) or 'none'}")
        cands = cands.loc[candidates]
    T = drv.horizon
    out = []
    for cid, c in cands.iterrows():
        party = str(c["party"])
        fy = np.array([net.fiscal_year_of(party, p) for p in drv.periods])
        starts = [0, *np.flatnonzero(fy[1:] != fy[:-1]) + 1]
        lead = 0 if pd.isna(c["lead_time"]) else int(c["lead_time"])
        for t in starts:
            out.append(
                PurchaseOption(
                    candidate=str(cid), kind=str(c["kind"]), target=str(c["target"]),
                    site=None if pd.isna(c.get("site")) else str(c.get("site")), size=float(c["size"]),
                    party=party, currency=str(c["currency"]), cost=float(c["cost"]), period=int(t),
                    live_from=min(int(t) + lead, T), fiscal_year=int(fy[t]),
                )
            )
    return out


def budget_table(net: Network, drv: Drivers, override: dict[str, float] | None = None, scale: float = 1.0) -> pd.DataFrame:
    """Budget per (party, fiscal year) in the party's currency: the pack's budgets rows (any purpose)
    or `override` {party: amount per fiscal year in its currency}, times `scale`."""
    parties = net.table("parties")
    rows = []
    years = {(p, net.fiscal_year_of(p, per)) for p in parties.index for per in drv.periods}
    b = net.table("budgets").reset_index()
    for party, fy in sorted(years):
        cur = parties.loc[party, "currency"]
        cur = cur if isinstance(cur, str) and cur else net.base_currency
        if override is not None and party in override:
            amount = float(override[party])
        else:
            sel = b[(b["party"] == party) & (b["fiscal_year"] == fy)]
            # budget currency -> party currency through rates of that fiscal year
            amount = float(sum(r["amount"] * net.rate(cur, fy) / net.rate(r["currency"], fy) for _, r in sel.iterrows()))
        rows.append({"party": party, "fiscal_year": fy, "currency": cur, "budget": amount * scale})
    return pd.DataFrame(rows)


class PortfolioBuilder(PlanningBuilder):
    """The planning LP over many samples plus purchase binaries and budgets."""

    def __init__(self, data: PlanningData, options: list[PurchaseOption], budgets: pd.DataFrame, fixed: dict[str, int] | None = None, **kw):
        super().__init__(data, **kw)
        self.options = options
        self.budgets = budgets
        self.fixed = fixed
        self.c_option = pd.Index([o.label for o in options], name="option")

    def add_investments(self) -> None:
        if not self.options:
            return
        d, T = self.d, len(self.c_period)
        opts = self.options
        if self.fixed is None:
            self.buy = self.m.add_variables(binary=True, coords=[self.c_option], name="buy")
        else:
            v = np.array([float(self.fixed.get(o.label, 0)) for o in opts])
            self.buy = self.m.add_variables(lower=xr.DataArray(v, coords=[self.c_option]), upper=xr.DataArray(v, coords=[self.c_option]), coords=[self.c_option], name="buy")
        t = np.arange(T)
        live = np.array([(t >= o.live_from).astype(float) for o in opts])  # [O, T]
        first = np.array([(t == o.live_from).astype(float) for o in opts])
        kinds = np.array([o.kind for o in opts])
        caps = d.drivers.network.capacity_array(include_candidates=True)
        own = {o.target: caps.sel(process=o.target).to_numpy()[d.drivers.t0 : d.drivers.t0 + T] for o in opts if o.kind == "substitute"}
        # capacity and substitute: extra runs on the target process
        sel = np.flatnonzero(np.isin(kinds, ["capacity", "substitute"]))
        if len(sel):
            coef = np.array([live[i] * (opts[i].size * own[opts[i].target] if opts[i].kind == "substitute" else opts[i].size) for i in sel])
            self.extra_capacity.append(self._option_terms(sel, coef, "process", [opts[i].target for i in sel], self.c_process))
        sel = np.flatnonzero(kinds == "second_source")
        if len(sel):
            coef = np.array([live[i] * opts[i].size for i in sel])
            rows = self.c_lane.get_indexer([opts[i].target for i in sel])
            # bought capacity passes only the lane's open share
            self.extra_lane_capacity.append(self._option_terms(sel, coef[None] * d.lane_open[:, np.maximum(rows, 0)], "lane", [opts[i].target for i in sel], self.c_lane))
        sel = np.flatnonzero(kinds == "stockpile")
        if len(sel):
            coef = np.array([first[i] * opts[i].size for i in sel])
            self.extra_reserve.append(self._option_terms(sel, coef, "stockpile", [f"{opts[i].site}/{opts[i].target}" for i in sel], self.c_stockpile))
        # one purchase per candidate
        cand = xr.DataArray([o.candidate for o in opts], coords=[self.c_option], name="candidate")
        self.m.add_constraints(self.buy.groupby(cand).sum() <= 1, name="Candidate-once")
        self._budgets()
        cost_base = np.array([o.cost * to_base(d.net, o.currency, d.fys[[o.period]])[0] for o in opts])
        self.extra_cost.append((self.labels(self.buy), TIE_BREAK * cost_base))

    def _option_terms(self, sel: np.ndarray, coef: np.ndarray, dim: str, targets: list[str], index: pd.Index) -> Terms:
        """- coef[o, t] x buy[o] in the row of each option's target entity (coef [O, T] or [S, O, T])."""
        rows = index.get_indexer(targets)
        if (rows < 0).any():
            raise ValueError(f"candidates target unknown {dim}s {sorted({t for t, r in zip(targets, rows) if r < 0})}")
        buy = self.labels(self.buy)[sel]
        return Terms(buy[None, :, None], rows, -np.asarray(coef, float))

    def _budgets(self) -> None:
        d = self.d
        rows = []
        for i, o in enumerate(self.options):
            bt = self.budgets
            cur = bt.loc[(bt["party"] == o.party) & (bt["fiscal_year"] == o.fiscal_year), "currency"]
            pc = cur.iloc[0] if len(cur) else d.net.base_currency
            # candidate currency -> party currency by the rates of the purchase's fiscal year
            rows.append((i, f"{o.party}/FY{o.fiscal_year}", o.cost * d.net.rate(pc, o.fiscal_year) / d.net.rate(o.currency, o.fiscal_year)))
        keys = sorted({k for _, k, _ in rows})
        cost = xr.DataArray([c for _, _, c in rows], coords=[self.c_option])
        grp = xr.DataArray([k for _, k, _ in rows], coords=[self.c_option], name="party_year")
        spend = (self.buy * cost).groupby(grp).sum()
        bt = self.budgets.assign(key=[f"{p}/FY{y}" for p, y in zip(self.budgets["party"], self.budgets["fiscal_year"])]).set_index("key")
        cap = xr.DataArray([float(bt["budget"].get(k, 0.0)) for k in keys], coords={"party_year": keys})
        self.m.add_constraints(spend <= cap, name="Budget")


@dataclass
class PortfolioSolution:
    chosen: pd.DataFrame  # candidate, fiscal_year, period, party, currency, cost, cost_party_currency
    objective: float
    in_sample_shortfall: np.ndarray  # [S] units not delivered by the horizon's end
    in_sample_unit_periods: np.ndarray  # [S] backlog at each period's end plus lost units
    solver: dict
    model: PlanningModel


def solve_portfolio(
    data: PlanningData,
    options: list[PurchaseOption],
    budgets: pd.DataFrame,
    *,
    solver: str = "highs",
    seed: int = 0,
    fixed: dict[str, int] | None = None,
    time_limit: float | None = None,
    mip_gap: float = 1e-6,
) -> PortfolioSolution:
    from allyforge.optimize.solve import run_solver

    licence_ref = None
    b = PortfolioBuilder(data, options, budgets, fixed=fixed, licence_reference=licence_ref)
    pm = b.build()
    if pm.extra.get("relaxed_partial"):
        # licences on uncapped lanes: the reference flow is the plan without the rule and without investments
        ref_b = PlanningBuilder(data)
        ref_pm = ref_b.build()
        ref_pm.extra["builder"] = ref_b
        run_solver(ref_pm, solver, seed)
        b = PortfolioBuilder(data, options, budgets, fixed=fixed, licence_reference=ref_b.ship.solution.to_numpy())
        pm = b.build()
    pm.extra["builder"] = b
    settings = run_solver(pm, solver, seed, time_limit=time_limit, mip_gap=mip_gap if fixed is None else None)
    chosen = []
    if options:
        x = b.buy.solution.to_numpy()
        for o, v in zip(options, x):
            if v > 0.5:
                chosen.append({"candidate": o.candidate, "kind": o.kind, "target": o.target, "party": o.party, "fiscal_year": o.fiscal_year,
                               "period": data.periods[o.period], "effective": data.periods[o.live_from] if o.live_from < len(data.periods) else None,
                               "cost": o.cost, "currency": o.currency})
    short = b.short.solution.to_numpy()  # [S, D, T]
    back = data.drivers.demands["backorder"].to_numpy(bool)
    unmet = np.where(back[None, :], short[:, :, -1], short.sum(axis=2)).sum(axis=1)
    return PortfolioSolution(pd.DataFrame(chosen, columns=["candidate", "kind", "target", "party", "fiscal_year", "period", "effective", "cost", "currency"]),
                             float(pm.model.objective.value), unmet, short.sum(axis=(1, 2)), settings, pm)


def brute_force_portfolio(data: PlanningData, options: list[PurchaseOption], budgets: pd.DataFrame, solver: str = "highs") -> tuple[float, tuple[str, ...]]:
    """Enumerate every feasible set of purchase options (at most one per candidate, within budgets)
    and solve the recourse LP for each: the reference the MILP must match on small instances.
    One model is built with the purchases fixed; each subset only moves their bounds."""
    from allyforge.optimize.solve import run_solver

    by_cand: dict[str, list[PurchaseOption]] = {}
    for o in options:
        by_cand.setdefault(o.candidate, []).append(o)
    b = PortfolioBuilder(data, options, budgets, fixed={})
    pm = b.build()
    if pm.extra.get("relaxed_partial"):
        raise ValueError("brute force is for instances without licensed or part-period-banned uncapped lanes")
    labels = [o.label for o in options]
    best = (np.inf, ())
    for pick in itertools.product(*[[None, *v] for v in by_cand.values()]):
        chosen = [o for o in pick if o is not None]
        spend: dict[tuple[str, int], float] = {}
        for o in chosen:
            bt = budgets[(budgets["party"] == o.party) & (budgets["fiscal_year"] == o.fiscal_year)]
            pc = bt["currency"].iloc[0] if len(bt) else data.net.base_currency
            k = (o.party, o.fiscal_year)
            spend[k] = spend.get(k, 0.0) + o.cost * data.net.rate(pc, o.fiscal_year) / data.net.rate(o.currency, o.fiscal_year)
        ok = all(v <= float(budgets.loc[(budgets["party"] == p) & (budgets["fiscal_year"] == y), "budget"].sum()) + 1e-9 for (p, y), v in spend.items())
        if not ok:
            continue
        on = xr.DataArray([1.0 if lab in {o.label for o in chosen} else 0.0 for lab in labels], coords=[b.c_option])
        pm.model.variables["buy"].update(lower=on, upper=on)
        run_solver(pm, solver)
        obj = float(pm.model.objective.value)
        if obj < best[0] - 1e-9:
            best = (obj, tuple(o.label for o in chosen))
    return best
