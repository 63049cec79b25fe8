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
from allyforge.optimize.data import PlanningData, SampleGroups, distinct_samples
from allyforge.optimize.planning import PlanningBuilder, PlanningModel
from allyforge.optimize.rows import Terms
from allyforge.scenario import Drivers

TIE_BREAK = 1e-6  # objective weight per base-currency unit invested
DEFAULT_SAA_GAP = 1e-6  # relative optimality gap at which an SAA solve stops


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


MITIGATION = "mitigation"  # the budgets purpose a portfolio spends from, when a party-year has one


def budget_table(net: Network, drv: Drivers, override: dict[str, float] | None = None, scale: float = 1.0) -> pd.DataFrame:
    """Budget per (party, fiscal year) in the party's currency, times `scale`: `override`
    {party: amount per fiscal year in its currency}, else the pack's budgets rows of purpose
    `mitigation` for that party-year, else (none such) its other rows (purpose `total`).
    A mitigation budget is part of the total, so the two are never added up."""
    parties = net.table("parties")
    rows = []
    years = {(p, net.fiscal_year_of(p, per)) for p in parties.index for per in drv.periods}
    b = net.table("budgets").reset_index()
    purpose = b["purpose"].fillna("total").astype(str) if "purpose" in b else pd.Series("total", index=b.index)
    for party, fy in sorted(years):
        cur = net.currency_or_base(parties.loc[party, "currency"])
        source = "override"
        if override is not None and party in override:
            amount = float(override[party])
        else:
            here = (b["party"] == party) & (b["fiscal_year"] == fy)
            source = MITIGATION if (here & purpose.eq(MITIGATION)).any() else "total"
            sel = b[here & (purpose.eq(MITIGATION) if source == MITIGATION else ~purpose.eq(MITIGATION))]
            # budget currency -> party currency through rates of that fiscal year
            amount = float(sum(net.convert(r["amount"], r["currency"], cur, fy) for _, r in sel.iterrows()))
            source = source if len(sel) else "none"
        rows.append({"party": party, "fiscal_year": fy, "currency": cur, "budget": amount * scale, "source": source})
    return pd.DataFrame(rows, columns=["party", "fiscal_year", "currency", "budget", "source"])


def option_spend(net: Network, options: list[PurchaseOption], budgets: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(party-year keys, [K, O] cost of each option in its party-year's currency, [K] budget caps).

    Candidate currency -> the party's currency through the rates of the purchase's fiscal
    year; a party-year without a budget row has a cap of 0."""
    bt = budgets.assign(key=[f"{p}/FY{y}" for p, y in zip(budgets["party"], budgets["fiscal_year"])]).set_index("key")
    keys = sorted({f"{o.party}/FY{o.fiscal_year}" for o in options})
    pos = {k: i for i, k in enumerate(keys)}
    A = np.zeros((len(keys), len(options)))
    for j, o in enumerate(options):
        k = f"{o.party}/FY{o.fiscal_year}"
        A[pos[k], j] = net.convert(o.cost, o.currency, bt["currency"].get(k, net.base_currency), o.fiscal_year)
    return keys, A, np.array([float(bt["budget"].get(k, 0.0)) for k in keys])


def option_tie_break(net: Network, data: PlanningData, options: list[PurchaseOption]) -> np.ndarray:
    """Objective weight of each purchase option: TIE_BREAK x its cost in base currency (never spend for nothing)."""
    return np.array([TIE_BREAK * o.cost * net.to_base(o.currency, data.fys[[o.period]])[0] for o in options])


class PortfolioBuilder(PlanningBuilder):
    """The planning LP over many samples plus purchase binaries and budgets (the extensive form).

    `fixed` fixes every purchase (1 for the labels given, 0 otherwise); `recourse_only` leaves
    out the first-stage rows (Candidate-once, Budget) and the tie-break cost: the second stage
    alone, as Benders' subproblems need it."""

    def __init__(self, data: PlanningData, options: list[PurchaseOption], budgets: pd.DataFrame | None, fixed: dict[str, int] | None = None,
                 recourse_only: bool = False, **kw):
        super().__init__(data, **kw)
        self.options = options
        self.budgets = budgets
        self.fixed = fixed
        self.recourse_only = recourse_only
        self.c_option = pd.Index([o.label for o in options], name="option")

    def add_investments(self) -> None:
        if not self.options:
            return
        d, T = self.d, len(self.c_period)
        opts = self.options
        if self.fixed is None:
            self.buy = self.m.add_variables(binary=True, coords=[self.c_option], name="buy")
        else:
            v = xr.DataArray(np.array([float(self.fixed.get(o.label, 0)) for o in opts]), coords=[self.c_option])
            self.buy = self.m.add_variables(lower=v, upper=v, name="buy")
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
        if self.recourse_only:
            return
        # one purchase per candidate
        cand = xr.DataArray([o.candidate for o in opts], coords=[self.c_option], name="candidate")
        self.m.add_constraints(self.buy.groupby(cand).sum() <= 1, name="Candidate-once")
        assert self.budgets is not None
        keys, A, cap = option_spend(d.net, opts, self.budgets)
        spend = (self.buy * xr.DataArray(A, coords={"party_year": keys, "option": self.c_option})).sum("option")
        self.m.add_constraints(spend <= xr.DataArray(cap, coords={"party_year": keys}), name="Budget")
        self.extra_cost.append((self.labels(self.buy), option_tie_break(d.net, d, opts)))

    def _option_terms(self, sel: np.ndarray, coef: np.ndarray, dim: str, targets: list[str], index: pd.Index) -> Terms:
        """- coef[o, t] x buy[o] in the row of each option's target entity (coef [O, T] or [S, O, T])."""
        rows = index.get_indexer(targets)
        if (rows < 0).any():
            raise ValueError(f"candidates target unknown {dim}s {sorted({t for t, r in zip(targets, rows) if r < 0})}")
        buy = self.labels(self.buy)[sel]
        return Terms(buy[None, :, None], rows, -np.asarray(coef, float))


CHOSEN_COLUMNS = ["candidate", "kind", "target", "party", "fiscal_year", "period", "effective", "cost", "currency"]


def chosen_frame(options: list[PurchaseOption], x: np.ndarray, periods: tuple[str, ...]) -> pd.DataFrame:
    """The purchase options with x = 1, one row each."""
    rows = [{"candidate": o.candidate, "kind": o.kind, "target": o.target, "party": o.party, "fiscal_year": o.fiscal_year,
             "period": periods[o.period], "effective": periods[o.live_from] if o.live_from < len(periods) else None,
             "cost": o.cost, "currency": o.currency} for o, v in zip(options, x) if v > 0.5]
    return pd.DataFrame(rows, columns=CHOSEN_COLUMNS)


def shortfall_measures(short: np.ndarray, backorder: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """short [S, D, T] -> per sample (units not delivered by the horizon's end, unit-periods short)."""
    unmet = np.where(backorder[None, :], short[:, :, -1], short.sum(axis=2)).sum(axis=1)
    return unmet, short.sum(axis=(1, 2))


@dataclass
class PortfolioSolution:
    chosen: pd.DataFrame  # CHOSEN_COLUMNS
    objective: float  # sample mean of the recourse objective + tie-break cost of the purchases
    in_sample_shortfall: np.ndarray  # [S] units not delivered by the horizon's end
    in_sample_unit_periods: np.ndarray  # [S] backlog at each period's end plus lost units
    solver: dict


class ExtensiveSAA:
    """The SAA as one extensive-form MILP through linopy: any solver linopy finds (`--solver`).

    Built over the distinct samples with their weights (SampleGroups), which is the same
    objective as over every sample."""

    def __init__(self, data: PlanningData, options: list[PurchaseOption], *, solver: str = "highs", seed: int = 0, groups: SampleGroups | None = None):
        self.groups = groups or distinct_samples(data)
        self.data = PlanningData(data.drivers, self.groups.representatives, data.extra_stockpiles, weights=self.groups.weights)
        self.options, self.solver, self.seed = options, solver, seed
        self._reference: np.ndarray | None = None

    def _builder(self, budgets: pd.DataFrame | None, fixed: dict[str, int] | None) -> tuple[PortfolioBuilder, PlanningModel]:
        from allyforge.optimize.solve import run_solver

        def make() -> PortfolioBuilder:
            return PortfolioBuilder(self.data, self.options, budgets, fixed=fixed, recourse_only=fixed is not None, licence_reference=self._reference)

        b = make()
        pm = b.build()
        if pm.extra.get("relaxed_partial"):
            # licences on uncapped lanes: the reference flow is the plan without the rule and without investments
            ref_b = PlanningBuilder(self.data)
            run_solver(ref_b.build(), self.solver, self.seed)
            self._reference = ref_b.ship.solution.to_numpy()
            b = make()
            pm = b.build()
        return b, pm

    def solve(self, budgets: pd.DataFrame, time_limit: float | None = None, mip_gap: float = DEFAULT_SAA_GAP) -> PortfolioSolution:
        return self._run(budgets, None, time_limit, mip_gap)

    def evaluate(self, fixed: dict[str, int]) -> PortfolioSolution:
        """The recourse with every purchase fixed (1 for the labels given, 0 otherwise), budgets aside."""
        return self._run(None, fixed, None, None)

    def _run(self, budgets: pd.DataFrame | None, fixed: dict[str, int] | None, time_limit: float | None, mip_gap: float | None) -> PortfolioSolution:
        from allyforge.optimize.solve import run_solver

        b, pm = self._builder(budgets, fixed)
        settings = run_solver(pm, self.solver, self.seed, time_limit=time_limit, mip_gap=mip_gap)
        settings |= {"method": "extensive", "groups": len(self.groups.counts)}
        x = b.buy.solution.to_numpy() if self.options else np.zeros(0)
        objective = float(pm.model.objective.value)
        if fixed is not None and self.options:  # the same objective as solve(): plus the purchases' tie-break
            objective += float(option_tie_break(self.data.net, self.data, self.options) @ x)
        unmet, up = shortfall_measures(b.short.solution.to_numpy(), self.data.drivers.demands["backorder"].to_numpy(bool))
        return PortfolioSolution(chosen_frame(self.options, x, self.data.periods), objective, self.groups.expand(unmet), self.groups.expand(up), settings)


def saa_solver(data: PlanningData, options: list[PurchaseOption], *, solver: str = "highs", seed: int = 0, method: str | None = None) -> ExtensiveSAA:
    """Benders decomposition with HiGHS (default), or the extensive form with any solver."""
    method = method or ("benders" if solver == "highs" else "extensive")
    if method == "benders":
        if solver != "highs":
            raise ValueError("Benders decomposition runs on HiGHS; other solvers solve the extensive form")
        from allyforge.optimize.benders import BendersSAA

        return BendersSAA(data, options, seed=seed)  # type: ignore[return-value]
    if method != "extensive":
        raise ValueError(f"method must be benders or extensive, not {method!r}")
    return ExtensiveSAA(data, options, solver=solver, seed=seed)


def solve_portfolio(
    data: PlanningData,
    options: list[PurchaseOption],
    budgets: pd.DataFrame,
    *,
    solver: str = "highs",
    seed: int = 0,
    fixed: dict[str, int] | None = None,
    time_limit: float | None = None,
    mip_gap: float = DEFAULT_SAA_GAP,
    method: str | None = None,
) -> PortfolioSolution:
    """The SAA portfolio over `data`'s samples within `budgets` (or the recourse of `fixed` purchases)."""
    saa = saa_solver(data, options, solver=solver, seed=seed, method=method)
    return saa.evaluate(fixed) if fixed is not None else saa.solve(budgets, time_limit=time_limit, mip_gap=mip_gap)


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
            spend[k] = spend.get(k, 0.0) + data.net.convert(o.cost, o.currency, pc, o.fiscal_year)
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
