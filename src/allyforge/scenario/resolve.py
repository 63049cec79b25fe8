"""Resolve a Scenario against a Network into concrete per-sample, per-period arrays.

Engine-agnostic on purpose: the simulator and the optimizer read the same `Drivers`.
Base arrays are deterministic (entity x period); each event contributes an `Effect`
on a few entities with values per sample and period, so memory stays small when
many samples run on a large network. The value an engine sees is

    (base + sum of "add" effects) * product of "mul" effects      (demand then clipped at 0)

Rules (docs/simulation.md, section Scenario): a pack trade rule is in force when it
starts on or before `rules.as_of` and is not disabled; it touches lanes that cross a
border from its origin country to its destination country (or any), carry one of its
items (ids or groups) and end at a site whose sector matches its end use. A rule
starting or ending inside a period applies pro rata by days. Scenario events act
on whole periods. Sample k draws from generator k spawned from SeedSequence(seed);
event e draws from that generator's child e, so adding an event never changes the
draws of another and sample k is the same whatever the number of samples.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from allyforge.scenario import events as ev
from allyforge.scenario.distributions import draw, is_random
from allyforge.scenario.errors import ScenarioError, ScenarioProblem
from allyforge.scenario.model import Scenario

if TYPE_CHECKING:
    from allyforge.network import Network


@dataclass(frozen=True)
class Effect:
    """One event's change to some entities of one kind: values[S, T] (or [S, len(index), T])."""

    target: str  # capacity | lane_open | lane_capacity | demand
    op: str  # add | mul
    index: np.ndarray
    values: np.ndarray
    event: int

    def per_entity(self, t: int | slice) -> np.ndarray:
        """Values at period t with an entity axis: [S, len(index)] (or [S, len(index), ...] for a slice)."""
        if self.values.ndim == 2:
            v = self.values[:, t]
            return v[:, None] if np.ndim(v) == 1 else v[:, None, :]
        return self.values[:, :, t]


@dataclass(frozen=True)
class StockChange:
    """Units moved into a stockpile's reserve (`add`) or from reserve to working stock (`release`, inf = all)."""

    site: str
    item: str
    kind: str  # add | release
    values: np.ndarray  # [S, T]
    event: int


@dataclass(frozen=True)
class Investment:
    """A candidate bought by an invest event: its one-time cost, paid in the purchase period."""

    candidate: str
    kind: str
    party: str
    currency: str
    cost: float
    period: int  # horizon position of the purchase
    occurs: np.ndarray  # [S] 0/1
    event: int


@dataclass
class Drivers:
    """Everything a scenario fixes about a run, as arrays over the horizon (T periods) and samples (S)."""

    network: Network
    scenario: Scenario
    periods: tuple[str, ...]
    t0: int  # position of the horizon's first period in the pack calendar
    sample_ids: np.ndarray
    processes: pd.Index
    lanes: pd.Index
    demands: pd.DataFrame  # one row per demand stream (site, item, party) with priority, backorder, currency
    rules: pd.DataFrame  # trade rules in force, the lanes each touches, whether it acts within the horizon
    base_capacity: np.ndarray  # [P, T] runs/period; candidate processes 0
    base_lane_capacity: np.ndarray  # [L] units/period; inf when blank; candidate lanes 0
    base_lane_open: np.ndarray  # [L, T] share of flow trade rules allow
    lane_delay: np.ndarray  # [L, T] added periods (int) for the delayed share
    lane_delay_share: np.ndarray  # [L, T] share of a period's shipments the delay applies to
    base_demand: np.ndarray  # [D, T] units due
    backorder_cost: np.ndarray  # [D, T] per unit short per period, in the stream's currency
    effects: list[Effect] = field(default_factory=list)
    stock_changes: list[StockChange] = field(default_factory=list)
    investments: list[Investment] = field(default_factory=list)
    event_labels: list[str] = field(default_factory=list)
    draws: list[dict[str, np.ndarray]] = field(default_factory=list)  # per event: parameter -> [S] values (duration rounded; blank = T)

    @property
    def samples(self) -> int:
        return len(self.sample_ids)

    def subset(self, rows: slice | np.ndarray) -> Drivers:
        """The same drivers for a subset of samples (positions, not sample ids), e.g. a chunk."""
        import dataclasses

        return dataclasses.replace(
            self,
            sample_ids=self.sample_ids[rows],
            effects=[dataclasses.replace(e, values=e.values[rows]) for e in self.effects],
            stock_changes=[dataclasses.replace(c, values=c.values[rows]) for c in self.stock_changes],
            investments=[dataclasses.replace(i, occurs=i.occurs[rows]) for i in self.investments],
            event_labels=list(self.event_labels),
            draws=[{k: v[rows] for k, v in dr.items()} for dr in self.draws],
        )

    @property
    def horizon(self) -> int:
        return len(self.periods)

    def _apply(self, target: str, base_t: np.ndarray, t: int) -> np.ndarray:
        out = np.broadcast_to(base_t, (self.samples, *base_t.shape)).copy()
        effs = [e for e in self.effects if e.target == target]
        for e in effs:
            if e.op == "add":
                out[:, e.index] += e.per_entity(t)
        for e in effs:
            if e.op == "mul":
                out[:, e.index] *= e.per_entity(t)
        return out

    # --- per-period views (what a time-stepping engine reads) -----------------------
    def capacity_at(self, t: int) -> np.ndarray:
        """Runs per period of every process in period t: [S, P]."""
        return self._apply("capacity", self.base_capacity[:, t], t)

    def lane_capacity_at(self, t: int) -> np.ndarray:
        """Units per period each lane can carry in period t: [S, L] (inf: unlimited)."""
        return self._apply("lane_capacity", self.base_lane_capacity, t)

    def lane_open_at(self, t: int) -> np.ndarray:
        """Share of each lane's flow allowed in period t: [S, L] (0 = banned or cut)."""
        return np.clip(self._apply("lane_open", self.base_lane_open[:, t], t), 0.0, 1.0)

    def events_lane_open_at(self, t: int) -> np.ndarray:
        """Share of each lane's flow the events alone (export_ban, lane_cut) allow in period t, trade rules aside: [S, L]."""
        return np.clip(self._apply("lane_open", np.ones(len(self.lanes)), t), 0.0, 1.0)

    def demand_at(self, t: int) -> np.ndarray:
        """Units due per demand stream in period t: [S, D]."""
        return np.maximum(self._apply("demand", self.base_demand[:, t], t), 0.0)

    # --- whole-horizon views (what an LP reads; S x entity x T) ---------------------
    def capacity(self) -> np.ndarray:
        return np.stack([self.capacity_at(t) for t in range(self.horizon)], axis=-1)

    def lane_capacity(self) -> np.ndarray:
        return np.stack([self.lane_capacity_at(t) for t in range(self.horizon)], axis=-1)

    def lane_open(self) -> np.ndarray:
        return np.stack([self.lane_open_at(t) for t in range(self.horizon)], axis=-1)

    def demand(self) -> np.ndarray:
        return np.stack([self.demand_at(t) for t in range(self.horizon)], axis=-1)

    def demand_is_random(self) -> bool:
        return any(e.target == "demand" for e in self.effects)


# --- helpers ------------------------------------------------------------------------
class _Problems:
    def __init__(self, sc: Scenario) -> None:
        self.sc = sc
        self.items: list[ScenarioProblem] = []

    def add(self, loc: tuple, message: str) -> None:
        fieldname = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[") or None
        self.items.append(ScenarioProblem(self.sc.source, self.sc.line_of(*loc), fieldname, message))


def _generator(seed: int, sample: int, event: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(int(sample), int(event)))))


def _items(net: Network, names: list[str], loc: tuple, probs: _Problems) -> set[str]:
    out: set[str] = set()
    for i, n in enumerate(names):
        got = net.items_in_group(n)
        if not got:
            probs.add((*loc, i), f"{n!r} is neither an item id, an item group, nor *")
        out |= got
    return out


def _lane_frame(net: Network) -> pd.DataFrame:
    lanes = net.table("lanes")
    sites = net.table("sites")
    f = pd.DataFrame(index=lanes.index)
    f["item"] = lanes["item"]
    f["origin"] = lanes["origin"]
    f["destination"] = lanes["destination"]
    f["o_country"] = sites["country"].reindex(lanes["origin"]).to_numpy()
    f["d_country"] = sites["country"].reindex(lanes["destination"]).to_numpy()
    f["d_sector"] = sites["sector"].reindex(lanes["destination"]).to_numpy()
    return f


def _rule_lanes(lf: pd.DataFrame, items: set[str], origin: str, dest: str, end_use: str) -> np.ndarray:
    m = lf["o_country"].eq(origin) & lf["o_country"].ne(lf["d_country"]) & lf["item"].isin(items)
    if dest != "*":
        m &= lf["d_country"].eq(dest)
    if end_use != "any":
        m &= lf["d_sector"].eq(end_use)
    return np.flatnonzero(m.to_numpy())


def rules_in_force(net: Network, sc: Scenario) -> pd.DataFrame:
    """The pack's trade rules started by `as_of`, less those disabled, plus those the scenario adds."""
    tr = net.table("trade_rules").reset_index()
    for c in ("start", "end"):
        tr[c] = pd.Series([_date(x) for x in tr[c]], index=tr.index, dtype=object)
    keep = np.ones(len(tr), bool)
    if sc.rules.as_of is not None:
        keep &= np.array([s <= sc.rules.as_of for s in tr["start"]], bool) if len(tr) else keep
    for d in sc.rules.disable:
        if d == "*":
            keep[:] = False
        elif d.startswith("origin:"):
            keep &= ~tr["origin_country"].eq(d.split(":", 1)[1]).to_numpy()
        else:
            keep &= ~tr["id"].eq(d).to_numpy()
    rows = [r for r, k in zip(tr.to_dict("records"), keep) if k]
    for a in sc.rules.add:
        rows.append({**a.model_dump(), "source": ("scenario",)})
    cols = ["id", "origin_country", "destination_country", "items", "start", "end", "effect", "end_use", "fraction", "delay"]
    out = pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)
    return out


def pack_capacity(net: Network) -> np.ndarray:
    """Runs per period of every process (candidates included), [P, calendar periods]: the base
    capacity with each override holding until the next (as Network.capacity_array, without xarray)."""
    procs = net.table("processes")
    cap = np.repeat(procs["capacity"].to_numpy(float)[:, None], len(net.periods), axis=1)
    ov = net.table("capacities").reset_index()
    if len(ov):
        pidx = procs.index.get_indexer(ov["process"])
        tidx = np.array([net.calendar.index(p) for p in ov["period"]])
        for i in np.lexsort((tidx, pidx)):
            cap[pidx[i], tidx[i]:] = ov["capacity"].iloc[i]
    return cap


def _date(x: Any) -> dt.date | None:
    if x is None or x is pd.NaT or (not isinstance(x, str) and pd.isna(x)):
        return None
    return pd.Timestamp(x).date()


def _window(T: int, start: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """[S, T] 1 inside [start, start + duration) (durations in whole periods), else 0."""
    t = np.arange(T)[None, :]
    return ((t >= start[:, None]) & (t < (start + duration)[:, None])).astype(float)


def _period_pos(net: Network, sc: Scenario, label: str | None, t0: int, T: int, loc: tuple, probs: _Problems) -> int | None:
    if label is None:
        return 0
    cal = net.calendar
    if not cal.contains(str(label)):
        probs.add(loc, f"period {label} is not in the pack calendar {cal.start}..{cal.end}")
        return None
    pos = cal.index(str(label)) - t0
    if not 0 <= pos < T:
        probs.add(loc, f"period {label} is outside the scenario horizon {net.periods[t0]}..{net.periods[t0 + T - 1]}")
        return None
    return pos


class _Draws:
    """Draws of one event's parameters for every sample (fixed numbers broadcast, no randomness spent)."""

    def __init__(self, seed: int, sample_ids: np.ndarray, e: int, params: list[tuple[str, Any, float | None]], noise: tuple[Any, tuple[int, ...]] | None = None):
        S = len(sample_ids)
        self.v: dict[str, np.ndarray] = {}
        self.noise: np.ndarray | None = None
        if not any(is_random(p) for _, p, _ in params) and noise is None:
            for name, p, default in params:
                x = draw(p, None, default)  # type: ignore[arg-type]
                self.v[name] = np.full(S, np.nan if x is None else x)
            return
        for name, _, _ in params:
            self.v[name] = np.empty(S)
        if noise is not None:
            self.noise = np.empty((S, *noise[1]))
        for j, k in enumerate(sample_ids):  # one generator per sample: sample k is the same at any S
            g = _generator(seed, k, e)
            for name, p, default in params:
                x = draw(p, g, default)
                self.v[name][j] = np.nan if x is None else x
            if noise is not None:
                self.noise[j] = noise[0].draw(g, noise[1])


def resolve(network: Network, scenario: Scenario, samples: int | np.ndarray | None = None) -> Drivers:
    """Concrete arrays for `samples` (a count, or explicit sample ids; default the scenario's samples).

    The scenario's own candidates join the pack's (`network_for`); `Drivers.network` is
    that Network."""
    from allyforge.scenario.candidates import network_for

    net, sc = network_for(network, scenario), scenario
    probs = _Problems(sc)
    sample_ids = np.arange(sc.samples if samples is None else samples) if samples is None or np.isscalar(samples) else np.asarray(samples, int)
    S = len(sample_ids)
    cal = net.calendar
    t0 = 0
    if sc.start is not None:
        if not cal.contains(sc.start):
            probs.add(("start",), f"period {sc.start} is not in the pack calendar {cal.start}..{cal.end}")
        else:
            t0 = cal.index(sc.start)
    T = sc.periods if sc.periods is not None else len(cal) - t0
    if t0 + T > len(cal):
        probs.add(("periods",), f"{T} periods from {cal.periods[t0]} run past the pack calendar's end {cal.end}")
        T = len(cal) - t0
    if probs.items:
        raise ScenarioError(probs.items, sc.source)
    periods = cal.periods[t0 : t0 + T]
    hz = slice(t0, t0 + T)

    procs = net.table("processes")
    lanes = net.table("lanes")
    sites = net.table("sites")
    items = net.table("items")
    cands = net.table("candidates")
    P, L = len(procs), len(lanes)

    # capacity: pack capacity with overrides held; candidate processes idle until invested in
    cap_all = pack_capacity(net)[:, hz]
    base_capacity = np.where(procs["status"].eq("active").to_numpy()[:, None], cap_all, 0.0)

    lcap = lanes["capacity"].to_numpy(float)
    base_lane_capacity = np.where(np.isnan(lcap), np.inf, lcap)
    base_lane_capacity = np.where(lanes["status"].eq("active").to_numpy(), base_lane_capacity, 0.0)

    # trade rules in force -> lane open share and delays (pro rata by days)
    lf = _lane_frame(net)
    rules = rules_in_force(net, sc)
    base_open = np.ones((L, T))
    delay = np.zeros((L, T), dtype=np.int64)
    delay_share = np.zeros((L, T))
    touched, in_horizon = [], []
    for j, r in enumerate(rules.to_dict("records")):
        its = set()
        for n in r["items"]:
            its |= net.items_in_group(n)
        idx = _rule_lanes(lf, its, r["origin_country"], r["destination_country"], r["end_use"] or "any")
        touched.append(tuple(lanes.index[idx]))
        w = cal.window_fraction(_date(r["start"]), _date(r["end"]))[hz]
        in_horizon.append(bool(len(idx)) and bool((w > 0).any()))
        if r["effect"] == "ban":
            base_open[idx] *= 1.0 - w
        elif r["effect"] == "license":
            frac = 0.0 if r["fraction"] is None or pd.isna(r["fraction"]) else float(r["fraction"])
            base_open[idx] *= 1.0 - w * (1.0 - frac)
        elif r["effect"] == "delay":
            d = 0 if r["delay"] is None or pd.isna(r["delay"]) else int(math.ceil(float(r["delay"])))
            if d > 0:
                upd = (w > 0)[None, :] & (d >= delay[idx])
                delay[idx] = np.where(upd, d, delay[idx])
                delay_share[idx] = np.where(upd, np.maximum(w[None, :], delay_share[idx]), delay_share[idx])
    rules = rules.assign(lanes=touched, in_horizon=in_horizon) if len(rules) else rules.assign(lanes=[], in_horizon=[])

    # demand streams (site, item, party): quantity per period, priority, backorder rule, cost
    dem = net.table("demands").reset_index()
    streams = dem[["site", "item", "party"]].drop_duplicates().reset_index(drop=True)
    first = dem.drop_duplicates(["site", "item", "party"]).reset_index(drop=True)
    streams["priority"] = first["priority"].to_numpy(int)
    streams["backorder"] = first["backorder"].to_numpy(bool)
    streams["currency"] = [c if isinstance(c, str) and c else net.base_currency for c in first["currency"]]
    key = pd.MultiIndex.from_frame(streams[["site", "item", "party"]])
    ki = key.get_indexer(pd.MultiIndex.from_frame(dem[["site", "item", "party"]]))
    ti = np.array([cal.index(p) for p in dem["period"]], dtype=int) - t0
    inside = (ti >= 0) & (ti < T)
    base_demand = np.zeros((len(streams), T))
    np.add.at(base_demand, (ki[inside], ti[inside]), dem["quantity"].to_numpy(float)[inside])
    # a stream's backorder cost holds from its row's period until the next row (like capacity overrides)
    bcost_rows = dem["backorder_cost"].to_numpy(float)
    backorder_cost = np.zeros((len(streams), T))
    for i in np.lexsort((ti, ki)):
        if not np.isnan(bcost_rows[i]) and ti[i] < T:
            backorder_cost[ki[i], max(ti[i], 0):] = bcost_rows[i]
    d = Drivers(
        network=net,
        scenario=sc,
        periods=periods,
        t0=t0,
        sample_ids=sample_ids,
        processes=procs.index,
        lanes=lanes.index,
        demands=streams,
        rules=rules,
        base_capacity=base_capacity,
        base_lane_capacity=base_lane_capacity,
        base_lane_open=base_open,
        lane_delay=delay,
        lane_delay_share=delay_share,
        base_demand=base_demand,
        backorder_cost=backorder_cost,
    )

    stocks = net.table("stocks")
    for e, event in enumerate(sc.events):
        loc = ("events", e)
        d.event_labels.append(event.label)
        st = _period_pos(net, sc, event.start, t0, T, (*loc, "start"), probs)
        if st is None:
            continue
        params: list[tuple[str, Any, float | None]] = [("occurs", event.occurs, 1.0), ("duration", event.duration, float(T))]
        extra = _event_params(event)
        noise = None
        if isinstance(event, ev.DemandNoise):
            noise = (event.noise, (T,))
        dr = _Draws(sc.seed, sample_ids, e, params + extra, noise)
        occurs = (dr.v["occurs"] > 0.5) if not np.all(np.isin(dr.v["occurs"], (0.0, 1.0))) else dr.v["occurs"].astype(bool)
        if np.any((dr.v["occurs"] < 0) | (dr.v["occurs"] > 1)):
            probs.add((*loc, "occurs"), "occurs must be a probability draw (bernoulli) or 0/1")
        dur = np.maximum(np.rint(dr.v["duration"]), 0).astype(np.int64)
        win = _window(T, np.full(S, st), dur) * occurs[:, None]
        d.draws.append({**dr.v, "occurs": occurs.astype(float), "duration": dur.astype(float)})
        _apply_event(d, net, event, e, loc, st, win, occurs, dr, lf, procs, lanes, sites, items, cands, stocks, probs)
    if probs.items:
        raise ScenarioError(probs.items, sc.source)
    return d


def _event_params(event: Any) -> list[tuple[str, Any, float | None]]:
    if isinstance(event, ev.ExportBan):
        return [("fraction", event.fraction, 0.0)]
    if isinstance(event, (ev.SiteOutage, ev.LaneCut)):
        return [("severity", event.severity, 1.0)]
    if isinstance(event, (ev.CapacityChange, ev.DemandSurge)):
        return [("factor", event.factor, 1.0), ("delta", event.delta, 0.0)]
    if isinstance(event, ev.StockpileRelease):
        return [("quantity", event.quantity, np.inf)]
    if isinstance(event, ev.SecondSource):
        return [("capacity", event.capacity, None)]
    if isinstance(event, ev.Invest):
        return [("size", event.size, None)]
    return []


def _apply_event(d: Drivers, net: Network, event: Any, e: int, loc: tuple, st: int, win: np.ndarray, occurs: np.ndarray, dr: _Draws,
                 lf: pd.DataFrame, procs: pd.DataFrame, lanes: pd.DataFrame, sites: pd.DataFrame, items: pd.DataFrame,
                 cands: pd.DataFrame, stocks: pd.DataFrame, probs: _Problems) -> None:
    S, T = win.shape
    eff = d.effects.append
    if isinstance(event, ev.ExportBan):
        its = _items(net, event.items, (*loc, "items"), probs)
        idx = _rule_lanes(lf, its, event.origin, event.destination, event.end_use)
        frac = np.clip(dr.v["fraction"], 0, 1)
        eff(Effect("lane_open", "mul", idx, 1.0 - win * (1.0 - frac[:, None]), e))
    elif isinstance(event, ev.SiteOutage):
        if event.site not in sites.index:
            probs.add((*loc, "site"), f"unknown site {event.site!r}")
            return
        idx = np.flatnonzero(procs["site"].eq(event.site).to_numpy())
        sev = np.clip(dr.v["severity"], 0, 1)
        eff(Effect("capacity", "mul", idx, 1.0 - win * sev[:, None], e))
    elif isinstance(event, ev.CapacityChange):
        sel = np.zeros(len(procs), bool)
        for i, p in enumerate(event.processes):
            if p not in procs.index:
                probs.add((*loc, "processes", i), f"unknown process {p!r}")
            else:
                sel[procs.index.get_loc(p)] = True
        if event.site:
            if event.site not in sites.index:
                probs.add((*loc, "site"), f"unknown site {event.site!r}")
            sel |= procs["site"].eq(event.site).to_numpy()
        idx = np.flatnonzero(sel)
        if np.any(dr.v["factor"] != 1):
            eff(Effect("capacity", "mul", idx, 1.0 + win * (dr.v["factor"][:, None] - 1.0), e))
        if np.any(dr.v["delta"] != 0):
            eff(Effect("capacity", "add", idx, win * dr.v["delta"][:, None], e))
    elif isinstance(event, (ev.DemandSurge, ev.DemandNoise)):
        idx = _demand_streams(net, d.demands, event, loc, probs)
        if isinstance(event, ev.DemandSurge):
            if np.any(dr.v["factor"] != 1):
                eff(Effect("demand", "mul", idx, 1.0 + win * (dr.v["factor"][:, None] - 1.0), e))
            if np.any(dr.v["delta"] != 0):
                eff(Effect("demand", "add", idx, win * dr.v["delta"][:, None], e))
        else:
            assert dr.noise is not None
            if event.mode == "add":
                eff(Effect("demand", "add", idx, win * dr.noise, e))
            else:
                eff(Effect("demand", "mul", idx, 1.0 + win * (dr.noise - 1.0), e))
    elif isinstance(event, ev.LaneCut):
        sel = np.zeros(len(lanes), bool)
        for i, l in enumerate(event.lanes):
            if l not in lanes.index:
                probs.add((*loc, "lanes", i), f"unknown lane {l!r}")
            else:
                sel[lanes.index.get_loc(l)] = True
        if event.origin or event.destination:
            m = np.ones(len(lanes), bool)
            for f, col in ((event.origin, "origin"), (event.destination, "destination")):
                if f:
                    if f not in sites.index:
                        probs.add((*loc, col), f"unknown site {f!r}")
                    m &= lanes[col].eq(f).to_numpy()
            if event.item:
                if event.item not in items.index:
                    probs.add((*loc, "item"), f"unknown item {event.item!r}")
                m &= lanes["item"].eq(event.item).to_numpy()
            sel |= m
        sev = np.clip(dr.v["severity"], 0, 1)
        eff(Effect("lane_open", "mul", np.flatnonzero(sel), 1.0 - win * sev[:, None], e))
    elif isinstance(event, ev.StockpileRelease):
        if (event.site, event.item) not in stocks.index or stocks.loc[(event.site, event.item), "policy"] != "stockpile":
            probs.add((*loc, "site"), f"no stockpile of {event.item!r} at {event.site!r} (stocks.csv needs a row with policy stockpile)")
            return
        v = np.zeros((S, T))
        v[:, st] = np.where(occurs, dr.v["quantity"], 0.0)
        d.stock_changes.append(StockChange(event.site, event.item, "release", v, e))
    elif isinstance(event, ev.SecondSource):
        if event.lane not in lanes.index:
            probs.add((*loc, "lane"), f"unknown lane {event.lane!r}")
            return
        _open_lane(d, lanes, event.lane, st, win, occurs, dr.v["capacity"], e)
    elif isinstance(event, ev.Invest):
        if event.candidate not in cands.index:
            probs.add((*loc, "candidate"), f"unknown candidate {event.candidate!r}; candidates: {', '.join(map(str, cands.index)) or 'none'}")
            return
        c = cands.loc[event.candidate]
        size = np.where(np.isnan(dr.v["size"]), float(c["size"]), dr.v["size"])
        lead = int(c["lead_time"]) if not pd.isna(c["lead_time"]) else 0
        eff_start = st + lead
        live = _window(T, np.full(S, eff_start), np.full(S, T)) * occurs[:, None]
        d.investments.append(Investment(event.candidate, str(c["kind"]), str(c["party"]), str(c["currency"]), float(c["cost"]), st, occurs.astype(float), e))
        apply_candidate(d, net, event.candidate, live, size, e)


def _open_lane(d: Drivers, lanes: pd.DataFrame, lane: str, st: int, win: np.ndarray, occurs: np.ndarray, capacity: np.ndarray, e: int) -> None:
    i = lanes.index.get_loc(lane)
    own = lanes["capacity"].iloc[i]
    capv = np.where(np.isnan(capacity), np.inf if pd.isna(own) else float(own), capacity)
    active = lanes["status"].iloc[i] == "active"
    if active:  # an active lane gets extra capacity for the window
        vals = np.where(win > 0, capv[:, None], 0.0)
    else:
        vals = np.where(win > 0, capv[:, None], 0.0)
    d.effects.append(Effect("lane_capacity", "add", np.array([i]), vals, e))


def apply_candidate(d: Drivers, net: Network, candidate: str, live: np.ndarray, size: np.ndarray, e: int) -> None:
    """Add a pack candidate's effect to `d` where `live[S, T]` is 1 (shared by invest events and the optimizer).

    capacity: +size runs/period on the target process; second_source: the target lane
    carries up to size units/period; stockpile: +size units into the reserve of the
    item at the candidate's site; substitute: the target (candidate) process runs at
    size x its own capacity.
    """
    c = net.table("candidates").loc[candidate]
    kind, target = str(c["kind"]), str(c["target"])
    S, T = live.shape
    if kind == "capacity":
        i = d.processes.get_loc(target)
        d.effects.append(Effect("capacity", "add", np.array([i]), live * size[:, None], e))
    elif kind == "substitute":
        i = d.processes.get_loc(target)
        own = pack_capacity(net)[i, d.t0 : d.t0 + T]
        d.effects.append(Effect("capacity", "add", np.array([i]), live * size[:, None] * own[None, :], e))
    elif kind == "second_source":
        i = d.lanes.get_loc(target)
        d.effects.append(Effect("lane_capacity", "add", np.array([i]), np.where(live > 0, size[:, None], 0.0), e))
    elif kind == "stockpile":
        site = c.get("site")
        first = np.argmax(live > 0, axis=1)
        v = np.zeros((S, T))
        has = live.any(axis=1)
        v[np.flatnonzero(has), first[has]] = size[has]
        d.stock_changes.append(StockChange(str(site), target, "add", v, e))


def _demand_streams(net: Network, streams: pd.DataFrame, event: Any, loc: tuple, probs: _Problems) -> np.ndarray:
    its = _items(net, event.items, (*loc, "items"), probs)
    m = streams["item"].isin(its).to_numpy().copy()
    if event.sites:
        for i, s in enumerate(event.sites):
            if s not in streams["site"].to_numpy():
                probs.add((*loc, "sites", i), f"no demand at site {s!r}")
        m &= streams["site"].isin(event.sites).to_numpy()
    if event.parties:
        for i, p in enumerate(event.parties):
            if p not in streams["party"].to_numpy():
                probs.add((*loc, "parties", i), f"no demand for party {p!r}")
        m &= streams["party"].isin(event.parties).to_numpy()
    return np.flatnonzero(m)
