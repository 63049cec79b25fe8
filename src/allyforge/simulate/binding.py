"""Which constraint is behind a shortfall (docs/simulation.md S12).

From a demand's node, follow the source that cut the most, name its largest cut,
and keep going upstream while that cut is an upstream shortage. Works per sample on
the cut totals the engine accumulated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from allyforge.scenario import events as ev

if TYPE_CHECKING:
    from allyforge.scenario import Drivers
    from allyforge.simulate.compiled import Compiled


def lane_rule_labels(c: Compiled, drv: Drivers) -> list[str]:
    """Per lane, the trade rules in force and the events that restrict it."""
    L = len(c.lane_origin)
    names: list[list[str]] = [[] for _ in range(L)]
    lanes = list(drv.lanes)
    pos = {l: i for i, l in enumerate(lanes)}
    for rid, ls in zip(drv.rules.get("id", []), drv.rules.get("lanes", [])):
        for l in ls:
            names[pos[l]].append(f"trade rule {rid}")
    for e in drv.effects:
        if e.target == "lane_open":
            event = drv.scenario.events[e.event]
            kind = "export ban" if isinstance(event, ev.ExportBan) else "lane cut"
            for i in e.index:
                names[int(i)].append(f"{kind} ({event.label}, event {e.event + 1})")
    return ["; ".join(dict.fromkeys(n)) or "trade rule" for n in names]


def attribute(c: Compiled, drv: Drivers, cuts: dict[str, np.ndarray], short_streams: np.ndarray) -> np.ndarray:
    """Label of the binding constraint per (sample, stream) where `short_streams[S, D]` is True, else ''."""
    S, D = short_streams.shape
    out = np.full((S, D), "", dtype=object)
    if not short_streams.any():
        return out
    nodes = list(c.nodes)  # tuples: MultiIndex item access is slow in a loop
    rule_labels = lane_rule_labels(c, drv)
    lanes = list(drv.lanes)
    procs = list(drv.processes)
    inbound = [np.flatnonzero(c.lane_dest == n) for n in range(c.N)]
    producers = [np.flatnonzero(c.out_node == n) for n in range(c.N)]
    out_gain = c.out_qty * c.yld[c.out_proc]
    memo: dict[tuple, str] = {}
    keys = ("lane_rule", "lane_cap", "lane_origin", "proc_cap", "input", "outage")
    sample_key = {int(s): b"".join(cuts[x][s].tobytes() for x in keys) for s in np.unique(np.nonzero(short_streams)[0])}
    in_short = _input_short_table(c, cuts)
    at_node: dict[tuple[bytes, int], str] = {}
    for s, k in zip(*np.nonzero(short_streams)):
        key = (int(k), sample_key[int(s)])
        if key in memo:  # samples with the same cuts trace the same way
            out[s, k] = memo[key]
            continue
        n = int(c.dem_node[k])
        seen = set()
        label = ""
        path = []  # a trace from a node depends only on the sample's cuts: each node passed ends where this one does
        while n not in seen:
            if (sample_key[int(s)], n) in at_node:
                label = at_node[(sample_key[int(s)], n)]
                break
            seen.add(n)
            path.append(n)
            site, item = nodes[n]
            lanes_in = inbound[n] if not c.produced[n] else np.zeros(0, int)
            edges = producers[n]
            if not len(lanes_in) and not len(edges):
                label = f"stock of {item} at {site} (no supply)"
                break
            lane_def = cuts["lane_rule"][s, lanes_in] + cuts["lane_cap"][s, lanes_in] + cuts["lane_origin"][s, lanes_in]
            proc_def = (cuts["proc_cap"][s, c.out_proc[edges]] + in_short[s, c.out_proc[edges]]) * out_gain[edges]
            best_lane = float(lane_def.max()) if len(lane_def) else 0.0
            best_proc = float(proc_def.max()) if len(proc_def) else 0.0
            if max(best_lane, best_proc) <= 1e-9:
                label = "timing (orders past due at the horizon start, or demand above plan)"
                break
            if best_lane >= best_proc:
                l = int(lanes_in[int(np.argmax(lane_def))])
                parts = {"rule": cuts["lane_rule"][s, l], "cap": cuts["lane_cap"][s, l], "origin": cuts["lane_origin"][s, l]}
                top = max(parts, key=parts.get)
                if top == "rule":
                    label = rule_labels[l]
                    break
                if top == "cap":
                    label = f"lane capacity {lanes[l]}"
                    break
                n = int(c.lane_origin[l])
                label = f"stock of {nodes[n][1]} at {nodes[n][0]}"
                continue
            p = int(c.out_proc[edges[int(np.argmax(proc_def))]])
            capcut = cuts["proc_cap"][s, p]
            inp = in_short[s, p]
            if capcut >= inp:
                label = f"outage at {c.proc_site[p]}" if cuts["outage"][s, p] > 0.5 * capcut else f"capacity of {procs[p]}"
                break
            ei = np.arange(*np.searchsorted(c.in_proc, [p, p + 1]))  # input edges are sorted by process
            e = int(ei[int(np.argmax(cuts["input"][s, ei]))])
            n = int(c.in_node[e])
            label = f"stock of {nodes[n][1]} at {nodes[n][0]}"
        for m in path:  # the network is acyclic (compile_network checks), so every trace ends
            at_node[(sample_key[int(s)], m)] = label
        out[s, k] = memo[key] = label
    return out


def _input_short_table(c: Compiled, cuts: dict[str, np.ndarray]) -> np.ndarray:
    """[S, P] runs lost to missing inputs per process (the limiting input's share, which is the whole loss)."""
    res = np.zeros((cuts["input"].shape[0], len(c.cycle)))
    if len(c.in_procs):
        res[:, c.in_procs] = np.maximum.reduceat(cuts["input"], c.in_starts, axis=1)
    return res
