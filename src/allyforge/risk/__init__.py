"""Risk analytics: exposure tracing, concentration and criticality, time-to-survive, single points of failure.

`risk(network, ...) -> RiskReport` answers them for one moment (`at`), before any
scenario is simulated, or in the world one scenario describes (`scenario=`). It
solves its own small LPs (HiGHS) and reads the Network through the public scenario
layer only.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path


from allyforge.network import Network
from allyforge.risk.graph import RiskInputError, SupplyGraph, node_table
from allyforge.risk.moment import from_network, moment
from allyforge.risk.report import RiskReport
from allyforge.scenario import Scenario

__all__ = ["RiskInputError", "RiskReport", "SupplyGraph", "analyse", "from_network", "risk"]

Progress = Callable[[str, int], Callable[[int], None]]


def risk(
    network: Network,
    *,
    scenario: Scenario | str | Path | None = None,
    sample: int = 0,
    at: str | None = None,
    programs: list[str] | None = None,
    party: str | None = None,
    ttr: float | dict[str, float] | None = None,
    near: float = 0.5,
    workers: int | None = None,
    max_paths: int = 50,
    progress: Progress | None = None,
) -> RiskReport:
    """Risk of a Network as of `at` (a period label or a date; default the horizon's first period:
    the pack's first period, or the scenario's `start`).

    `scenario` (a Scenario, a bundled scenario's name or a YAML path) shapes what risk sees:
    its trade rules in force, and its events' capacities, lanes, demand, stock and outage
    durations (TTR) at `at`, with the draws of sample `sample`. `programs`/`party` narrow the
    programs (and the demand TTS must meet) to those; `ttr` overrides sites' time-to-recover
    (one number for all, or site -> periods, "*" for all) over the pack and the scenario;
    a node cutting a program's maximum output by more than `near` is a near single point.
    """
    if isinstance(scenario, (str, Path)):
        from allyforge.scenario import load_scenario

        scenario = load_scenario(scenario)
    m = moment(network, at=at, ttr=ttr, scenario=scenario, sample=sample)
    rep = analyse(m.graph, pack=network.name, content_hash=network.content_hash, programs=programs, party=party, near=near, workers=workers,
                  max_paths=max_paths, progress=progress, first_demand=m.first_demand)
    return replace(rep, scenario=m.scenario, sample=m.sample, events_applied=m.events, notes=m.notes + rep.notes)


def analyse(
    g: SupplyGraph,
    *,
    pack: str = "",
    content_hash: str = "",
    programs: list[str] | None = None,
    party: str | None = None,
    near: float = 0.5,
    workers: int | None = None,
    max_paths: int = 50,
    progress: Progress | None = None,
    first_demand: str | None = None,
) -> RiskReport:
    """The RiskReport of a SupplyGraph (what `risk` runs after collapsing the Network);
    `first_demand` (the first period with demand) makes the no-demand note name it."""
    from allyforge.risk import concentration, exposure, single_points, tts

    chosen = _choose_programs(g, programs, party)
    notes: list[str] = []
    if len(chosen) < len(g.programs):
        keys = set(zip(g.programs.loc[chosen, "item"], g.programs.loc[chosen, "party"]))
        d = g.demands[[k in keys for k in zip(g.demands["item"], g.demands["party"])]]
        g = replace(g, demands=d.reset_index(drop=True))
        notes.append(f"time-to-survive counts the demand of {', '.join(chosen)} only")
    if not float(g.demands["rate"].sum() if len(g.demands) else 0.0) > 0:
        hint = f" (the first period with demand is {first_demand})" if first_demand and first_demand != g.at else ""
        notes.append(f"no demand in period {g.at}: time-to-survive is the horizon everywhere; choose --at a period with demand{hint}")

    tick = progress or (lambda stage, total: (lambda n: None))
    src = exposure.build_sourcing(g)
    ex = exposure.exposure(g, chosen, src)
    paths = exposure.trace_paths(g, src, chosen, max_paths=max_paths, progress=tick("paths", len(chosen)))
    shares = concentration.production_shares(g)
    h = concentration.hhi(shares)
    parties = sorted(set(g.programs.loc[chosen, "party"]))
    ir = concentration.import_reliance(g, src, parties)
    crit = concentration.criticality(replace(g, programs=g.programs.loc[chosen]), h, ex)
    nodes = node_table(g)
    w = tts.default_workers() if workers is None else workers
    if len(nodes) < 64:
        w = 1
    t = tts.time_to_survive(g, nodes, workers=w, progress=tick("time to survive", len(nodes)))
    intact = tts.intact_survive_time(g)
    if intact < g.horizon * (1 - 1e-9):
        notes.append(f"even with nothing lost, demand at {g.at} rates outruns supply after {intact:.3g} periods: no node's TTS can exceed that")
    if t["ttr"].isna().all():
        notes.append("no site has a time-to-recover: PI, REI and flags need sites.ttr or --ttr")
    sp = single_points.single_points(g, chosen, near=near, nodes=nodes, progress=tick("single points", len(chosen)))
    return RiskReport(
        pack=pack, content_hash=content_hash, at=g.at, horizon=g.horizon, rules_applied=g.rules_applied,
        programs=g.programs.loc[chosen], exposure=ex, paths=paths, production_shares=shares, hhi=h,
        import_reliance=ir, criticality=crit, tts=t, single_points=sp, near=near, notes=tuple(notes),
    )


def _choose_programs(g: SupplyGraph, programs: list[str] | None, party: str | None) -> list[str]:
    allp = list(g.programs.index)
    if programs:
        unknown = [p for p in programs if p not in g.programs.index]
        if unknown:
            raise RiskInputError(f"unknown program(s) {', '.join(unknown)}; programs are {', '.join(allp)}")
        allp = [p for p in allp if p in programs]
    if party:
        known = sorted(set(g.programs["party"]))
        if party not in known:
            raise RiskInputError(f"no program of party {party!r}; parties with programs: {', '.join(known)}")
        allp = [p for p in allp if g.programs.loc[p, "party"] == party]
    if not allp:
        raise RiskInputError("no program left after --program/--party")
    return allp


class _CallableModule(types.ModuleType):
    """`allyforge.risk` names both this package and its entry point; importing the package
    rebinds the attribute to the module, so the module itself answers calls."""

    def __call__(self, network: Network, **kwargs: object) -> RiskReport:
        return risk(network, **kwargs)  # type: ignore[arg-type]


sys.modules[__name__].__class__ = _CallableModule
