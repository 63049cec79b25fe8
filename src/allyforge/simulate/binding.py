"""Which constraint is behind a shortfall (docs/simulation.md S12).

From a demand's node, follow the sources that cut the most, largest first, into the
first branch that ends at a real constraint (a trade rule or cut, a lane cap, a
capacity, an outage, a source with no supply). A cut that is only the delay of an
order travelling upstream (the origin made it, one cycle later) names nothing, so a
larger such cut does not hide a smaller real one. Works per sample on the cut
totals the engine accumulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from allyforge.scenario import events as ev

if TYPE_CHECKING:
    from allyforge.scenario import Drivers
    from allyforge.simulate.compiled import Compiled

TIMING = "timing (orders past due at the horizon start, or demand above plan)"
CUT_KEYS = ("lane_rule", "lane_cap", "lane_origin", "proc_cap", "input", "outage")
EPS = 1e-9


def lane_rule_labels(c: Compiled, drv: Drivers) -> list[str]:
    """Per lane, the trade rules in force within the horizon and the events that restrict it."""
    L = len(c.lane_origin)
    names: list[list[str]] = [[] for _ in range(L)]
    lanes = list(drv.lanes)
    pos = {l: i for i, l in enumerate(lanes)}
    rules = drv.rules
    active = rules.get("in_horizon", [True] * len(rules.get("id", [])))
    for rid, ls, on in zip(rules.get("id", []), rules.get("lanes", []), active):
        if not on:
            continue
        for l in ls:
            names[pos[l]].append(f"trade rule {rid}")
    for e in drv.effects:
        if e.target == "lane_open":
            event = drv.scenario.events[e.event]
            kind = "export ban" if isinstance(event, ev.ExportBan) else "lane cut"
            for i in e.index:
                names[int(i)].append(f"{kind} ({event.label}, event {e.event + 1})")
    return ["; ".join(dict.fromkeys(n)) or "trade rule" for n in names]


@dataclass
class _Graph:
    """What every sample's trace reads: names and, per node or process, the edges into it."""

    c: Compiled
    rule_labels: list[str]
    lanes: list[str]
    procs: list[str]
    nodes: list[tuple[str, str]]  # tuples: MultiIndex item access is slow in a loop
    inbound: list[np.ndarray]
    producers: list[np.ndarray]
    inputs: list[np.ndarray]

    @classmethod
    def of(cls, c: Compiled, drv: Drivers) -> _Graph:
        return cls(c, lane_rule_labels(c, drv), list(drv.lanes), list(drv.processes), list(c.nodes),
                   [np.flatnonzero(c.lane_dest == n) for n in range(c.N)], [np.flatnonzero(c.out_node == n) for n in range(c.N)],
                   [np.flatnonzero(c.in_proc == p) for p in range(len(c.cycle))])


class _Tracer:
    """One sample's cut totals on the graph; `label(node)` is memoized."""

    def __init__(self, g: _Graph, cuts: dict[str, np.ndarray], s: int):
        self.g, self.c = g, g.c
        self.cut = {k: cuts[k][s] for k in CUT_KEYS}
        self.memo: dict[int, str | None] = {}

    def label(self, n: int) -> str | None:
        """The binding constraint upstream of node n, or None when its sources only lagged."""
        if n in self.memo:
            return self.memo[n]
        self.memo[n] = None  # the graph is acyclic; this only guards against a malformed one
        self.memo[n] = out = self._resolve(n)
        return out

    def _lane(self, l: int) -> str:
        site_o, item = self.g.nodes[int(self.c.lane_origin[l])]
        return f"{item} from {site_o} to {self.g.nodes[int(self.c.lane_dest[l])][0]}"

    def _resolve(self, n: int) -> str | None:
        c, cut, g = self.c, self.cut, self.g
        site, item = g.nodes[n]
        lanes_in = g.inbound[n] if not c.produced[n] else ()
        makers = g.producers[n]
        if not len(lanes_in) and not len(makers):
            return f"stock of {item} at {site} (no supply)"
        # (weight in units of this node's item, terminal label or None, upstream nodes to follow)
        options: list[tuple[float, str | None, tuple[int, ...]]] = []
        for l in lanes_in:
            options.append((float(cut["lane_rule"][l]), f"{g.rule_labels[l]} ({self._lane(l)})", ()))
            options.append((float(cut["lane_cap"][l]), f"lane capacity {g.lanes[l]}", ()))
            options.append((float(cut["lane_origin"][l]), None, (int(c.lane_origin[l]),)))
        for e in makers:
            p = int(c.out_proc[e])
            gain = float(c.out_qty[e] * c.yld[p])
            capcut = float(cut["proc_cap"][p])
            outage = cut["outage"][p] > 0.5 * capcut
            options.append((capcut * gain, f"outage at {c.proc_site[p]}" if outage else f"capacity of {g.procs[p]}", ()))
            ei = g.inputs[p]
            if len(ei):
                short = cut["input"][ei]
                for j in np.argsort(-short, kind="stable"):
                    options.append((float(short[j]) * gain, None, (int(c.in_node[ei[j]]),)))
        options.sort(key=lambda o: (-o[0], o[1] is None))  # at equal cuts a constraint here beats a pointer upstream
        for w, terminal, upstream in options:
            if w <= EPS:
                break
            if terminal is not None:
                return terminal
            found = self.label(upstream[0])
            if found is not None:
                return found
        return None


def attribute(c: Compiled, drv: Drivers, cuts: dict[str, np.ndarray], short_streams: np.ndarray) -> np.ndarray:
    """Label of the binding constraint per (sample, stream) where `short_streams[S, D]` is True, else ''."""
    S, D = short_streams.shape
    out = np.full((S, D), "", dtype=object)
    if not short_streams.any():
        return out
    g = _Graph.of(c, drv)
    memo: dict[bytes, _Tracer] = {}
    for s, k in zip(*np.nonzero(short_streams)):
        key = b"".join(cuts[x][s].tobytes() for x in CUT_KEYS)
        tr = memo.get(key)
        if tr is None:  # samples with the same cuts trace the same way
            tr = memo[key] = _Tracer(g, cuts, int(s))
        out[s, k] = tr.label(int(c.dem_node[k])) or TIMING
    return out
