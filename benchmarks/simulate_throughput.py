"""Simulator throughput with streamed aggregates (issue 3: 10,000 nodes x 104 weeks x 1,000
samples; goal >= 3e7 node*period*samples/s, peak memory <= 8 GiB).

Reports node*period*samples per second (nodes = sites of the generated network, as the
issue counts them), the peak resident memory of the process (ru_maxrss: the generated
pack, the run and everything else), and bytes moved per second as a share of this
machine's numpy copy bandwidth, measured in the same run (best of 5 copies of a 256 MiB
array, read + write counted).

Bytes moved is an estimate, not a measurement: 8 bytes x (90 per stock point + 65 per
lane + 80 per process + 30 per input edge) per sample-period, from counting the reads
and writes of [entity, sample] arrays in one period of simulate/engine.py's loop when no
lane is cut (this network has no trade rules or lane capacities). It leaves out cache
effects, so it is a rough guide to how close the loop runs to memory bandwidth.

    .venv/bin/python -m benchmarks.simulate_throughput [--nodes 10000 --weeks 104 --samples 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

import allyforge
from allyforge.scenario import parse_scenario
from benchmarks.generate_simulate_network import generate, scenario_text

PASSES = {"node": 90, "lane": 65, "process": 80, "edge": 30}  # array passes per sample-period (see the docstring)


def copy_bandwidth(mb: int = 256, repeat: int = 5) -> float:
    """Bytes per second numpy moves copying a large array (read + write counted)."""
    a = np.ones(mb * 2**20 // 8)
    b = np.empty_like(a)
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return 2 * a.nbytes / best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=10_000)
    ap.add_argument("--weeks", type=int, default=104)
    ap.add_argument("--samples", type=int, default=1000)
    a = ap.parse_args(argv)
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        net = allyforge.load_pack(generate(Path(d) / "bench", a.nodes, a.weeks))
    sc = parse_scenario(scenario_text(a.samples))
    bw = copy_bandwidth()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    t, cpu = time.perf_counter(), time.process_time()
    res = allyforge.simulate(net, sc)
    el, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    c = res.compiled
    T = len(res.periods)
    rate = a.nodes * T * a.samples / el
    per_sp = 8 * (PASSES["node"] * c.N + PASSES["lane"] * len(c.lane_origin) + PASSES["process"] * len(c.cycle) + PASSES["edge"] * len(c.in_node))
    moved = per_sp * a.samples * T / el
    print(f"network: {a.nodes} sites, {c.N} stock points, {len(c.lane_origin)} lanes, {len(c.in_node)} input edges; "
          f"{T} periods x {a.samples} samples; streamed={not res.full}")
    print(f"load average (1 min) {load0[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end, on {os.cpu_count()} cores")
    print(f"wall {el:.1f} s (cpu {cpu:.1f} s); {rate:,.0f} node*period*samples/s (goal 3e7)")
    print(f"peak memory {peak:.2f} GiB (limit 8; {before:.2f} GiB before simulate)")
    print(f"numpy copy bandwidth {bw / 1e9:.1f} GB/s; estimated bytes moved {moved / 1e9:.2f} GB/s = {moved / bw:.2f} of copy bandwidth")


if __name__ == "__main__":
    main()
