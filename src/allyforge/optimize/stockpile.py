"""Stockpile sizing: the smallest strategic stockpile of each material, and where to hold it,
that keeps every program's P90 shortfall at or under a target across sampled disruptions.

A MILP over the scenario's samples: a non-negative reserve at each candidate stock point
(where a process consumes the material), filled before the horizon and released on
shortfall (S9.2); the planning LP per sample; one binary per (sample, program) marking the
samples allowed to miss the target, at most floor(10% of samples) per program, so that at
least 90% of samples meet it. Identical samples (SampleGroups) are modelled once and
counted: with no recourse cost in the objective they meet or miss a target together. Minimises the stockpiles' value (items.unit_value in the base
currency, or units when unpriced). Sizes are also given as days of cover: size divided by
the daily consumption of the material at that stock point in the sized plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from allyforge.network import Network
from allyforge.optimize.data import PlanningData, distinct_samples
from allyforge.optimize.planning import PlanningBuilder
from allyforge.optimize.rows import Terms
from allyforge.scenario import Scenario, resolve

MEASURES = ("unit_periods", "short_at_end")
ELASTIC_PENALTY = 1e9  # per unit of target violated, base currency: dominates any stockpile value


def candidate_points(net: Network, items: list[str] | None = None) -> list[str]:
    """site/item stock points where a process consumes one of `items` (default: minerals and materials)."""
    it = net.table("items")
    if items is None:
        items = list(it.index[it["kind"].isin(["mineral", "material"])])
    unknown = sorted(set(items) - set(it.index))
    if unknown:
        raise ValueError(f"unknown items {unknown}")
    inp = net.table("process_inputs").reset_index()
    procs = net.table("processes")
    inp = inp[inp["item"].isin(items)]
    return sorted({f"{procs.loc[p, 'site']}/{i}" for p, i in zip(inp["process"], inp["item"])})


class StockpileBuilder(PlanningBuilder):
    def __init__(self, data: PlanningData, points: list[str], targets: pd.Series, measure: str, quantile: float = 0.9, elastic: bool = False,
                 counts: np.ndarray | None = None, **kw):
        super().__init__(data, **kw)
        # samples each modelled sample stands for (SampleGroups): identical samples meet a target or miss it together
        self.counts = np.ones(len(data.sample_ids), int) if counts is None else np.asarray(counts, int)
        self.elastic = elastic
        self.slack: dict[str, object] = {}
        self.points = pd.Index(points, name="stockpile")
        self.targets = targets
        self.measure = measure
        self.quantile = quantile

    def add_investments(self) -> None:
        T = len(self.c_period)
        self.size = self.m.add_variables(lower=0, coords=[self.points], name="size")
        first = np.zeros((1, len(self.points), T))
        first[..., 0] = 1.0  # filled before the horizon: into the reserve of the first period
        self.extra_reserve.append(Terms(self.labels(self.size)[None, :, None], self.c_stockpile.get_indexer(self.points), -first))

    def objective(self) -> None:
        d = self.d
        items = d.net.table("items")
        item = [p.split("/", 1)[1] for p in self.points]
        value = items["unit_value"].reindex(item).to_numpy(float)
        cur = list(items["currency"].reindex(item))
        v = np.array([x * d.net.to_base(c, d.fys[:1])[0] if np.isfinite(x) else 1.0 for x, c in zip(value, cur)])
        self.m.add_objective((self.size * xr.DataArray(v, coords=[self.points])).sum())

    def chance_constraints(self) -> None:
        d = self.d
        dem = d.drivers.demands
        progs = d.net.table("programs")
        S = int(self.counts.sum())
        allowed = int(np.floor((1 - self.quantile) * S + 1e-9))
        short = self.short if self.measure == "unit_periods" else self.short.isel(period=[-1])
        for pid, pr in progs.iterrows():
            streams = np.flatnonzero((dem["item"].eq(pr["item"]) & dem["party"].eq(pr["party"])).to_numpy())
            if not len(streams) or pid not in self.targets.index:
                continue
            total = short.isel(demand=streams).sum(["demand", "period"])
            big = float(d.demand[:, streams].sum(axis=(1, 2)).max() * len(self.c_period)) + 1.0
            z = self.m.add_variables(binary=True, coords=[self.c_sample], name=f"miss-{pid}")
            lhs = total - big * z
            if self.elastic:  # how far the target must move for a plan to exist
                e = self.m.add_variables(lower=0, name=f"elastic-{pid}")
                self.slack[str(pid)] = e
                lhs = lhs - e
                self.m.add_objective(self.m.objective.expression + ELASTIC_PENALTY * e, overwrite=True)
            self.m.add_constraints(lhs <= float(self.targets[pid]), name=f"Program-shortfall-target-{pid}")
            self.m.add_constraints((z * xr.DataArray(self.counts.astype(float), coords=[self.c_sample])).sum() <= allowed, name=f"Program-P90-{pid}")

    def build(self):  # type: ignore[no-untyped-def]
        pm = super().build()
        self.chance_constraints()
        return pm


@dataclass
class StockpileSizing:
    sizes: pd.DataFrame  # stockpile (site/item), site, item, size, value_base, daily_consumption, days_of_cover
    shortfall: pd.DataFrame  # program, target, P90 in the sized plan, samples over target
    solver: dict


def size_stockpiles(
    network: Network,
    scenario: Scenario,
    target: float | dict[str, float] = 0.0,
    *,
    items: list[str] | None = None,
    samples: int | None = None,
    measure: str = "unit_periods",
    solver: str = "highs",
    time_limit: float | None = None,
) -> StockpileSizing:
    """Smallest stockpiles keeping each program's P90 shortfall (`measure`) at or under `target`."""
    from allyforge.optimize.solve import InfeasibleError, run_solver

    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}")
    points = candidate_points(network, items)
    if not points:
        raise ValueError("no process consumes the chosen items; nowhere to hold a stockpile")
    progs = network.table("programs")
    targets = pd.Series({p: (target.get(p, np.inf) if isinstance(target, dict) else float(target)) for p in progs.index}, dtype=float)
    targets = targets[np.isfinite(targets)]
    drv = resolve(network, scenario, samples=samples)
    # identical samples meet or miss a target together (the objective holds no recourse cost): model each once, counted
    groups = distinct_samples(PlanningData(drv, drv.sample_ids, extra_stockpiles=tuple(points)))
    data = PlanningData(drv, groups.representatives, extra_stockpiles=tuple(points), weights=groups.weights)
    b = StockpileBuilder(data, points, targets, measure, counts=groups.counts)
    pm = b.build()
    if pm.extra.get("relaxed_partial"):
        ref = PlanningBuilder(data)
        rpm = ref.build()
        run_solver(rpm, solver)
        b = StockpileBuilder(data, points, targets, measure, counts=groups.counts, licence_reference=ref.ship.solution.to_numpy())
        pm = b.build()
    try:
        settings = run_solver(pm, solver, scenario.seed, time_limit=time_limit, mip_gap=1e-6)
    except InfeasibleError:
        raise InfeasibleError(_elastic_explanation(data, points, targets, measure, b.licence_reference, solver, scenario.seed, groups.counts)) from None
    settings |= {"samples": int(groups.counts.sum()), "distinct_samples": len(groups.counts)}
    size = b.size.solution.to_numpy()
    # daily consumption at each point in the sized plan (mean over samples and horizon)
    runs = np.tensordot(groups.weights, b.runs.solution.to_numpy(), axes=1)  # [P, T]
    inp = data.inputs
    procs = data.processes
    days = float(np.sum(network.calendar.days[drv.t0 : drv.t0 + drv.horizon]))
    rows = []
    items_t = network.table("items")
    for k, p in enumerate(points):
        site, item = p.split("/", 1)
        sel = inp[(inp["item"] == item) & procs["site"].reindex(inp["process"]).eq(site).to_numpy()]
        use = sum(runs[procs.index.get_loc(r.process)].sum() * r.quantity for r in sel.itertuples())
        daily = use / days if days else np.nan
        uv = items_t.loc[item, "unit_value"]
        rows.append({"stockpile": p, "site": site, "item": item, "size": float(size[k]),
                     "value_base": float(size[k] * uv) if np.isfinite(uv) else np.nan,
                     "daily_consumption": daily, "days_of_cover": float(size[k] / daily) if daily > 0 else np.nan})
    sizes = pd.DataFrame(rows)
    short = groups.expand(b.short.solution.to_numpy())  # one row per sample again
    dem = drv.demands
    srows = []
    for pid, tgt in targets.items():
        pr = progs.loc[pid]
        st = np.flatnonzero((dem["item"].eq(pr["item"]) & dem["party"].eq(pr["party"])).to_numpy())
        per = short[:, st].sum(axis=(1, 2)) if measure == "unit_periods" else short[:, st, -1].sum(axis=1)
        srows.append({"program": pid, "target": tgt, "p90": float(np.quantile(per, 0.9, method="lower")), "samples_over": int((per > tgt + 1e-6).sum())})
    return StockpileSizing(sizes, pd.DataFrame(srows), settings)


def _elastic_explanation(data: PlanningData, points: list[str], targets: pd.Series, measure: str, ref: np.ndarray | None, solver: str, seed: int,
                         counts: np.ndarray | None = None) -> list[str]:
    """Re-solve with each program's target free to move at a large price; name the targets that moved."""
    from allyforge.optimize.solve import run_solver

    b = StockpileBuilder(data, points, targets, measure, elastic=True, counts=counts, licence_reference=ref)
    pm = b.build()
    run_solver(pm, solver, seed, mip_gap=1e-6)
    out = []
    for pid, e in b.slack.items():
        v = float(e.solution)
        if v > 1e-6:
            out.append(f"Program-shortfall-target[{pid}]: no stockpile at the candidate points brings its P90 {measure.replace('_', ' ')} "
                       f"to {targets[pid]:g}; the least reachable is {targets[pid] + v:g} (lead times and capacities bind before any stockpile can help)")
    return out or ["the model is infeasible, but no program's target explains it"]
