"""One moment of a pack under a scenario: the SupplyGraph risk analyses read at `--at`.

Risk asks its questions as of one day. The scenario layer
(`allyforge.scenario.resolve`) turns a Network and a Scenario into per-period
arrays for each sample, the same arrays the simulator and optimizer read; this
module reads one sample of them at the period holding that day. Without a
scenario, risk reads the pack as a scenario of its whole calendar with every
trade rule of the pack and no events (`whole_calendar`), so both paths share
one set of rules (docs/risk.md, "One moment").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from allyforge.calendar import CalendarError
from allyforge.network import Network
from allyforge.risk.graph import RiskInputError, SupplyGraph
from allyforge.scenario import Drivers, Scenario, resolve
from allyforge.scenario.events import SiteOutage


def whole_calendar(net: Network) -> Scenario:
    """The scenario risk reads when given none: the pack's calendar, all its trade rules, no events."""
    return Scenario(name=net.name, pack=net.name, samples=1)


def resolve_at(d: Drivers, at: str | None, label: str) -> tuple[str, dt.date]:
    """`--at` as (period label, day): blank is the horizon's first period (the pack's first period
    without a scenario); a period means its first day; a date names its period. `label` names the
    horizon in errors ("the pack's calendar" or "scenario X's horizon")."""
    cal = d.network.calendar
    first, last = d.periods[0], d.periods[-1]
    s = "" if at is None else str(at).strip()
    if s == "":
        return first, cal.first_day(first)
    if cal.contains(s):
        period, day = s, cal.first_day(s)
    else:
        try:
            cal.first_day(s)
            raise RiskInputError(f"--at period {s} falls outside {label} {first}..{last}")
        except CalendarError:
            pass
        try:
            day = dt.date.fromisoformat(s)
        except ValueError:
            raise RiskInputError(f"--at {s!r} is neither a period of {label} ({first}..{last}) nor a date YYYY-MM-DD") from None
        k = cal.period_of_date(day)
        if k is None:
            raise RiskInputError(f"--at {s} falls outside {label} {first}..{last}")
        period = cal.periods[k]
    if period not in d.periods:
        raise RiskInputError(f"--at {s} falls outside {label} {first}..{last}")
    return period, day


def rule_passing(d: Drivers, day: dt.date, lanes: pd.Index) -> tuple[pd.Series, tuple[str, ...]]:
    """Fraction of each lane's flow the trade rules in force on `day` let through, and the rules that touch a lane.

    The rules are the scenario's rules in force (`Drivers.rules`: the pack's rules started by
    `rules.as_of`, less `disable`, plus `add`), each with the lanes it touches (docs/simulation.md
    S2.2: lanes crossing a border from the origin country to the destination country, carrying
    one of its items, ending at a site of its end use). A rule is in force on the days from its
    start to its end, both included. ban passes 0, license `fraction`, delay all; rules multiply.
    """
    passing = pd.Series(1.0, index=lanes, name="passing")
    applied: list[str] = []
    for r in d.rules.to_dict("records"):
        if r["start"] is not None and r["start"] > day or (r["end"] is not None and r["end"] < day):
            continue
        hit = lanes.intersection(pd.Index(r["lanes"]))
        if not len(hit):
            continue
        applied.append(str(r["id"]))
        if r["effect"] == "ban":
            passing[hit] *= 0.0
        elif r["effect"] == "license":
            frac = r["fraction"]
            passing[hit] *= 0.0 if frac is None or pd.isna(frac) else float(frac)
    return passing, tuple(applied)


def stock_at(net: Network, d: Drivers, t: int, sample: int = 0) -> pd.DataFrame:
    """Stock risk may draw on in period t (columns site, item, initial), as the simulator holds it (S9).

    On-hand stock, plus stockpile reserves whose release rule is `on_shortfall`; the
    scenario's stockpile purchases (invest) and releases up to and including period t are
    applied in event order, a release moving reserve to on-hand stock.
    """
    st = net.table("stocks").reset_index()
    on_hand: dict[tuple[str, str], float] = {}
    reserve: dict[tuple[str, str], float] = {}
    release: dict[tuple[str, str], str] = {}
    for site, item, init, policy, rel in st[["site", "item", "initial", "policy", "release"]].itertuples(index=False):
        n = (str(site), str(item))
        init = 0.0 if pd.isna(init) else float(init)
        if policy == "stockpile":
            reserve[n] = reserve.get(n, 0.0) + init
            release[n] = str(rel) if isinstance(rel, str) and rel else "on_shortfall"
        else:
            on_hand[n] = on_hand.get(n, 0.0) + init
    for k in range(t + 1):
        for ch in d.stock_changes:
            n = (ch.site, ch.item)
            v = float(ch.values[sample, k])
            if not v:
                continue
            if ch.kind == "add":
                reserve[n] = reserve.get(n, 0.0) + v
            else:
                amt = min(v, reserve.get(n, 0.0))
                reserve[n] = reserve.get(n, 0.0) - amt
                on_hand[n] = on_hand.get(n, 0.0) + amt
    avail = dict(on_hand)
    for n, q in reserve.items():
        if release.get(n, "on_shortfall") == "on_shortfall":
            avail[n] = avail.get(n, 0.0) + q
    rows = [(s, i, q) for (s, i), q in sorted(avail.items())]
    return pd.DataFrame(rows, columns=["site", "item", "initial"])


def scenario_ttr(d: Drivers, sample: int = 0) -> dict[str, tuple[float, str]]:
    """Site -> (time to recover, event label) from the scenario's site_outage events that occur in the sample.

    An outage's duration is how long its site is out, i.e. its time to recover; a blank duration
    runs to the horizon's end. A site with several outages takes the longest.
    """
    out: dict[str, tuple[float, str]] = {}
    cal = d.network.calendar
    for e, event in enumerate(d.scenario.events):
        if not isinstance(event, SiteOutage) or d.draws[e]["occurs"][sample] < 0.5:
            continue
        start = 0 if event.start is None else cal.index(str(event.start)) - d.t0
        dur = float(d.horizon - start) if event.duration is None else float(d.draws[e]["duration"][sample])
        if event.site not in out or dur > out[event.site][0]:
            out[event.site] = (dur, d.event_labels[e])
    return out


def events_in_force(d: Drivers, t: int, sample: int = 0) -> tuple[str, ...]:
    """Labels of the events that change what risk reads in period t: capacities, lanes, demand, or stock by then."""
    live: list[int] = []
    for e in d.effects:
        v = np.asarray(e.per_entity(t)[sample], float)
        if v.size and not np.allclose(v, 1.0 if e.op == "mul" else 0.0, rtol=0, atol=0):
            live.append(e.event)
    live += [c.event for c in d.stock_changes if np.any(c.values[sample, : t + 1] != 0)]
    return tuple(d.event_labels[e] for e in sorted(set(live)))


@dataclass(frozen=True)
class Moment:
    """A SupplyGraph with what the scenario contributed to it (for the report's header and notes)."""

    graph: SupplyGraph
    scenario: str
    sample: int | None
    events: tuple[str, ...]
    notes: tuple[str, ...]
    first_demand: str | None  # first period of the horizon with demand (for the no-demand note)


def moment(
    net: Network,
    at: str | None = None,
    ttr: dict[str, float] | float | None = None,
    scenario: Scenario | None = None,
    sample: int = 0,
) -> Moment:
    """The pack (under `scenario`, sample `sample`) collapsed to the rates and rules in force at `at`.

    TTR: the pack's `sites.ttr`, overridden by the scenario's site_outage durations,
    overridden by `ttr` (one number for every site, or site -> periods with "*" for all).
    """
    sc = scenario if scenario is not None else whole_calendar(net)
    if sample < 0 or (scenario is not None and sample >= sc.samples):
        raise RiskInputError(f"--sample {sample}: scenario {sc.name} has samples 0..{sc.samples - 1}")
    d = resolve(net, sc, samples=np.array([sample]))
    label = "the pack's calendar" if scenario is None else f"scenario {sc.name}'s horizon"
    period, day = resolve_at(d, at, label)
    t = d.periods.index(period)
    notes: list[str] = []

    sites = net.table("sites")[["name", "country", "kind", "sector", "party", "ttr"]].copy()
    sites["sector"] = sites["sector"].fillna("civil")
    for site, (v, ev) in scenario_ttr(d).items():
        sites.loc[site, "ttr"] = v
        notes.append(f"TTR of {site} is {v:g} periods, the duration of scenario event {ev!r}")
    if isinstance(ttr, (int, float)):
        sites["ttr"] = float(ttr)
    elif isinstance(ttr, dict):
        ttr = dict(ttr)
        if "*" in ttr:
            sites["ttr"] = float(ttr.pop("*"))
        unknown = sorted(set(ttr) - set(sites.index))
        if unknown:
            raise RiskInputError(f"--ttr names unknown site(s): {', '.join(unknown)}")
        for s, v in ttr.items():
            sites.loc[s, "ttr"] = float(v)

    # processes: the active ones, and candidates the scenario has opened by period t
    all_procs = net.table("processes")
    cap = pd.Series(d.capacity_at(t)[0], index=d.processes)
    keep = all_procs["status"].eq("active") | (cap.reindex(all_procs.index) > 0)
    procs = all_procs[keep]
    processes = pd.DataFrame({"site": procs["site"], "capacity": cap.reindex(procs.index).to_numpy(float), "annual_output": procs["annual_output"]}, index=procs.index)
    yld = procs["yield"].fillna(1.0)
    ins = net.table("process_inputs").reset_index()[["process", "item", "quantity"]]
    ins = ins[ins["process"].isin(procs.index)].reset_index(drop=True)
    outs = net.table("process_outputs").reset_index()[["process", "item", "quantity"]]
    outs = outs[outs["process"].isin(procs.index)].reset_index(drop=True)
    outs["quantity"] = outs["quantity"].to_numpy(float) * outs["process"].map(yld).to_numpy(float)

    # lanes: the active ones, and candidate lanes the scenario lets carry flow in period t
    all_lanes = net.table("lanes")
    lcap = pd.Series(d.lane_capacity_at(t)[0], index=d.lanes)
    keep = all_lanes["status"].eq("active") | (lcap.reindex(all_lanes.index) > 0)
    lanes = all_lanes.loc[keep, ["item", "origin", "destination", "share", "priority"]].copy()
    lanes.insert(3, "capacity", lcap.reindex(lanes.index).replace(np.inf, np.nan).to_numpy(float))
    passing, applied = rule_passing(d, day, lanes.index)
    events_open = pd.Series(d.events_lane_open_at(t)[0], index=d.lanes).reindex(lanes.index)
    lanes["passing"] = (passing * events_open).to_numpy(float)

    demands = d.demands[["site", "item", "party"]].assign(rate=d.demand_at(t)[0])
    demands = demands.groupby(["site", "item", "party"], as_index=False)["rate"].sum()
    programs = net.table("programs")[["item", "party", "name"]].copy()
    programs["name"] = programs["name"].where(programs["name"].notna() & programs["name"].astype(str).ne(""), programs["item"])
    items = net.table("items")[["name", "kind", "unit", "groups"]]
    party_country = net.table("parties")["country"].astype(str).to_dict()
    g = SupplyGraph(sites, processes, ins, outs, lanes, stock_at(net, d, t), demands, programs, items,
                    horizon=float(d.horizon - t), at=period, rules_applied=applied, party_country=party_country)

    events = events_in_force(d, t) if scenario is not None else ()
    if scenario is not None and sc.events:
        notes.append(f"scenario {sc.name}: drawn event parameters are those of sample {sample} (--sample chooses another)")
    return Moment(g, sc.name if scenario is not None else "", sample if scenario is not None else None, events, tuple(notes), first_demand_period(d))


def first_demand_period(d: Drivers, sample: int = 0) -> str | None:
    """The first period of the horizon with positive demand (under the scenario's draws)."""
    dem = d.demand()[sample].sum(axis=0)
    pos = np.flatnonzero(dem > 0)
    return d.periods[int(pos[0])] if len(pos) else None


def from_network(net: Network, at: str | None = None, ttr: dict[str, float] | float | None = None, scenario: Scenario | None = None, sample: int = 0) -> SupplyGraph:
    """The SupplyGraph of `moment` alone."""
    return moment(net, at=at, ttr=ttr, scenario=scenario, sample=sample).graph
