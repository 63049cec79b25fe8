"""Guaranteed-service MILP on the Willems (2008) chains.

Chain 31 (706 stages) to proven optimality: time reported. Chains 34-38 (1,206 to 2,025
stages): the gap reached within 60 s. Published conventions (../shared/oracles/README.md);
published figures (Moncayo-Martinez, Table 1, Gurobi) printed beside ours.

    .venv/bin/python -m benchmarks.optimize_gsm [--limit 60] [--repeat 3] [chains ...]

HiGHS runs with one thread and a fixed seed; the load average is printed with the table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import pandas as pd

from allyforge.optimize import read_willems, solve_gsm

ORACLES = Path(__file__).resolve().parents[1].parent / "shared" / "oracles" / "willems2008"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("chains", nargs="*", default=["31", "34", "35", "36", "37", "38"])
    ap.add_argument("--limit", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3, help="repeats for chains solved to optimality (median quoted)")
    a = ap.parse_args(argv)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    pub = pd.read_csv(ORACLES / "gsm_published.csv", dtype={"chain": str}).set_index("chain")
    print(f"{'chain':>5} {'stages':>6} {'binaries':>8} {'status':>18} {'cost':>14} {'bound':>14} {'gap %':>7} {'seconds':>8} {'published':>14} {'pub gap %':>9}")
    for c in a.chains:
        t0 = time.perf_counter()
        p = read_willems(ORACLES / f"{c}.csv")
        read_s = time.perf_counter() - t0
        runs = []
        for _ in range(a.repeat):
            s = solve_gsm(p, time_limit=a.limit)
            runs.append(s)
            if not s.optimal:
                break
        s = runs[-1]
        secs = statistics.median(r.seconds for r in runs)
        print(
            f"{c:>5} {len(p.stages):>6} {s.binaries:>8} {s.status:>18} {s.cost:>14.2f} {s.bound:>14.2f} {100 * s.gap:>7.3f} "
            f"{secs:>8.2f} {pub.loc[c, 'published_cost']:>14.2f} {pub.loc[c, 'published_gap_pct']:>9} (read {read_s:.2f}s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
