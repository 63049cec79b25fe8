"""Simulator vs a straightforward SimPy process model of the same network and rules (issue 3:
>= 300x faster at 1,000 nodes x 104 weeks x 100 samples).

The SimPy peer (benchmarks/simulate_simpy_peer.py) runs one sample at a time; it is
timed on `--peer-samples` samples and its time per sample is multiplied by the sample
count (samples are independent, so its cost is linear in them; say so when quoting).
Each peer sample's results are checked equal (1e-9 relative) to the engine's. Engine
and peer repeats are interleaved so both see the same machine load; medians are
reported, with the load average at the start and end.

The engine time is `allyforge.simulate(net, scenario)`: scenario resolution, compiling
the network, the plan, every period for every sample, costs and the cut totals the
binding attribution reads. The peer computes flows only. Binding attribution (S12)
is traced when the summary first asks for it, and is timed and reported separately,
with the ratio it would give if added to the engine time.

    .venv/bin/python -m benchmarks.simulate_vs_simpy [--nodes 1000 --weeks 104 --samples 100 --peer-samples 3 --repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import allyforge
from allyforge.scenario import parse_scenario, resolve
from benchmarks.generate_simulate_network import generate, scenario_text
from benchmarks.simulate_simpy_peer import simpy_run


def _check_equal(net, res, drv, peer: dict, s: int) -> float:
    c = res.compiled
    lanes = {l: i for i, l in enumerate(net.table("lanes").index)}
    procs = {p: i for i, p in enumerate(net.table("processes").index)}
    worst = 0.0
    checks = [(peer["shipped"], lambda k, t: res.out.lane[s, lanes[k], t]), (peer["runs"], lambda k, t: res.out.runs[s, procs[k], t]),
              (peer["on_hand"], lambda k, t: res.out.node["on_hand"][s, c.nodes.get_loc(k), t])]
    checks += [(peer[k], (lambda kk: lambda d, t: res.out.demand[kk][s, d, t])(k)) for k in ("delivered", "backlog", "lost")]
    for table, get in checks:
        for (k, t), v in table.items():
            worst = max(worst, abs(get(k, t) - v) / max(1.0, abs(v)))
    assert worst <= 1e-9, f"peer and engine disagree: {worst}"
    return worst


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=1000)
    ap.add_argument("--weeks", type=int, default=104)
    ap.add_argument("--samples", type=int, default=100)
    ap.add_argument("--peer-samples", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        net = allyforge.load_pack(generate(Path(d) / "bench", a.nodes, a.weeks))
    sc = parse_scenario(scenario_text(a.samples))
    drv = resolve(net, sc)
    res = allyforge.simulate(net, sc, drivers=drv, stream_threshold=10**12)  # full arrays, for the equality check
    peer_times, engine_times, attribution_times, worst = [], [], [], 0.0
    for i in range(max(a.repeat, a.peer_samples)):  # interleaved: engine run, peer sample, engine run, ...
        if i < a.repeat:
            t = time.perf_counter()
            run = allyforge.simulate(net, sc)
            engine_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            run.binding  # noqa: B018  traced on first use
            attribution_times.append(time.perf_counter() - t)
        if i < a.peer_samples:
            t = time.perf_counter()
            peer = simpy_run(net, drv, i)
            peer_times.append(time.perf_counter() - t)
            worst = max(worst, _check_equal(net, res, drv, peer, i))
    eng = statistics.median(engine_times)
    att = statistics.median(attribution_times)
    peer_total = statistics.median(peer_times) * a.samples
    load1 = os.getloadavg()
    print(f"network: {a.nodes} sites, {res.compiled.N} stock points, {len(res.compiled.lane_origin)} lanes, {a.weeks} weeks, {a.samples} samples")
    print(f"load average (1 min) {load0[0]:.2f} at start, {load1[0]:.2f} at end, on {os.cpu_count()} cores")
    print(f"peer (SimPy) equals engine on {a.peer_samples} samples: worst relative difference {worst:.2e}")
    print(f"engine: median {eng:.2f} s over {a.repeat} runs ({a.nodes * a.weeks * a.samples / eng:,.0f} node*period*samples/s)")
    print(f"SimPy peer: median {statistics.median(peer_times):.2f} s per sample x {a.samples} samples = {peer_total:.1f} s")
    print(f"ratio: engine is {peer_total / eng:.0f}x faster than the SimPy peer (target >= 300x)")
    print(f"binding attribution (traced on first summary): median {att:.2f} s; engine + attribution is {peer_total / (eng + att):.0f}x faster")


if __name__ == "__main__":
    main()
