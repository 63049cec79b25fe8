"""Load + validate a generated large pack (issue 2: median under 2 s).

Peer: the straightforward read an analyst would write — `pandas.read_csv` of every
table with no validation — measured in the same run; we report our median and the
ratio to it (the price of validation).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from allyforge import load_pack
from benchmarks.generate_pack import generate


def _median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    with tempfile.TemporaryDirectory() as d:
        pack = generate(Path(d) / "big")
        net = load_pack(pack)  # warm the page cache and imports
        counts = {n: len(net.table(n)) for n in ("sites", "processes", "lanes", "demands")}
        ours = _median_seconds(lambda: load_pack(pack), 5)
        peer = _median_seconds(lambda: [pd.read_csv(p) for p in pack.glob("*.csv")], 5)
        print(f"pack: {counts}")
        print(f"load+validate median {ours:.3f} s (target < 2 s); peer pandas.read_csv of all tables {peer:.3f} s; ratio {ours / peer:.1f}x")


if __name__ == "__main__":
    main()
