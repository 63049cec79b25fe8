"""Simulator throughput with streamed aggregates (issue 3: 10,000 nodes x 104 weeks x 1,000
samples; goal >= 3e7 node*period*samples/s, peak memory <= 8 GiB).

Reports node*period*samples per second (nodes = sites of the generated network, as the
issue counts them), peak resident memory, and an estimate of bytes moved per second
against the machine's numpy copy bandwidth measured in the same run. The bytes-moved
figure is an estimate: 8 bytes x (100 per stock point + 90 per lane + 30 per input
edge + 40 per process) per sample-period, from counting the array passes in
simulate/engine.py's period loop; it is a rough guide, not a measurement.

    .venv/bin/python -m benchmarks.simulate_throughput [--nodes 10000 --weeks 104 --samples 1000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

import allyforge
from allyforge.scenario import parse_scenario
from benchmarks.generate_simulate_network import generate, scenario_text


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
    with tempfile.TemporaryDirectory() as d:
        net = allyforge.load_pack(generate(Path(d) / "bench", a.nodes, a.weeks))
    sc = parse_scenario(scenario_text(a.samples))
    bw = copy_bandwidth()
    t = time.perf_counter()
    res = allyforge.simulate(net, sc)
    el = time.perf_counter() - t
    c = res.compiled
    rate = a.nodes * a.weeks * a.samples / el
    per_sp = 8 * (100 * c.N + 90 * len(c.lane_origin) + 30 * len(c.in_node) + 40 * len(c.cycle))
    moved = per_sp * a.samples * a.weeks / el
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB
    print(f"network: {a.nodes} sites, {c.N} stock points, {len(c.lane_origin)} lanes; {a.weeks} weeks x {a.samples} samples; streamed={not res.full}")
    print(f"wall {el:.1f} s; {rate:,.0f} node*period*samples/s (goal 3e7)")
    print(f"peak memory {peak:.2f} GiB (limit 8)")
    print(f"numpy copy bandwidth {bw / 1e9:.1f} GB/s; estimated bytes moved {moved / 1e9:.2f} GB/s = {moved / bw:.2f} of copy bandwidth")


if __name__ == "__main__":
    main()
