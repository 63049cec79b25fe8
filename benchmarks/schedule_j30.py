"""All 480 PSPLIB J30 instances: allyforge's CP-SAT core against PyJobShop, side by side.

Reference optima: ../shared/oracles/psplib-j30/optimal.csv (Kolisch & Sprecher 1996).
Both solve every instance with the same limit and the same number of workers
(the same wall-clock seconds for both; allyforge also stops at as many CP-SAT
deterministic seconds, PyJobShop has no such setting),
alternating instance by instance so machine load falls on both alike.
Target: the same optima as PyJobShop in no more than 1.5x its total time.

Run: .venv/bin/python -m benchmarks.schedule_j30 [--limit 10] [--workers 1] [--every 1]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import time
from pathlib import Path

from allyforge.schedule.check import check_project
from allyforge.schedule.core import SolverSettings, solve_rcpsp
from allyforge.schedule.patterson import read_patterson

ORACLE = Path(__file__).resolve().parents[1].parent / "shared" / "oracles" / "psplib-j30"


def pyjobshop_makespan(path: Path, limit: float, workers: int) -> tuple[float, float]:
    import pyjobshop

    data = pyjobshop.read(path, instance_format="patterson")
    t = time.perf_counter()
    res = pyjobshop.solve(data, solver="ortools", time_limit=limit, num_workers=workers, display=False)
    return res.objective, time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--every", type=int, default=1, help="every k-th instance (1: all 480)")
    a = ap.parse_args(argv or [])
    with (ORACLE / "optimal.csv").open() as f:
        opt = {r["instance"]: int(r["optimal_makespan"]) for r in csv.DictReader(f)}
    names = sorted(opt, key=lambda n: int(n.split("_")[1].split(".")[0]))[:: a.every]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)", flush=True)
    ours_t, theirs_t, ours_opt, theirs_opt, same, invalid = [], [], 0, 0, 0, 0
    missed: list[str] = []
    for i, n in enumerate(names, 1):
        p = read_patterson(ORACLE / n)
        t = time.perf_counter()
        r = solve_rcpsp(p, SolverSettings(num_workers=a.workers, time_limit=a.limit, wall_limit=a.limit))
        ours_t.append(time.perf_counter() - t)
        invalid += bool(check_project(p, r.starts))
        obj, tt = pyjobshop_makespan(ORACLE / n, a.limit, a.workers)
        theirs_t.append(tt)
        ours_opt += r.makespan == opt[n]
        if int(obj) == opt[n] and r.makespan != opt[n]:
            missed.append(n)
        theirs_opt += int(obj) == opt[n]
        same += r.makespan == int(obj)
        if i % 40 == 0:
            print(f"  {i}/{len(names)}: ours {sum(ours_t):.1f} s, PyJobShop {sum(theirs_t):.1f} s", flush=True)
    ratio = sum(ours_t) / sum(theirs_t)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"J30 instances: {len(names)}; limit {a.limit} ({a.workers} worker(s))")
    print(f"optimum reached: allyforge {ours_opt}/{len(names)}, PyJobShop {theirs_opt}/{len(names)}; same makespan {same}/{len(names)}; checker failures {invalid}")
    print(f"total time: allyforge {sum(ours_t):.1f} s, PyJobShop {sum(theirs_t):.1f} s, ratio {ratio:.2f} (target <= 1.5)")
    print(f"median per instance: allyforge {statistics.median(ours_t) * 1000:.0f} ms, PyJobShop {statistics.median(theirs_t) * 1000:.0f} ms")
    print(f"instances where PyJobShop reached the optimum and allyforge did not: {missed or 'none'}")
    print(f"target: the same optima as PyJobShop in <= 1.5x its time -> {'MET' if not missed and ratio <= 1.5 else 'NOT MET'}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
