"""`allyforge run` wall time on the bundled scenario at its default samples (issue 3: median of 5
runs <= 2 s, page cache warm) and what the command imports (`python -X importtime`).

Uses the bundled pack's default scenario when a bundled pack exists, else the tiny test
pack's (say which when quoting). Each run is a fresh process, storing its run in a
temporary store (that cost counts). Besides wall time it reports each run's CPU time
(user + system of the child), which a busy machine inflates less, and the load average.
The import profile is taken on the same command (every import it makes, the lazy ones
included); modules the command must not need are listed as absent or present.

    .venv/bin/python -m benchmarks.simulate_cli [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_NEEDED = ("plotly", "xarray", "duckdb", "fastapi", "starlette", "uvicorn", "linopy", "highspy", "ortools", "matplotlib", "openpyxl", "jinja2")


def _command() -> list[str]:
    from allyforge.pack import bundled_packs

    exe = str(Path(sys.executable).with_name("allyforge"))
    if "us-japan-2026" in bundled_packs():
        return [exe, "run", "--pack", "us-japan-2026"]
    return [exe, "run", "--pack", str(ROOT / "tests" / "fixtures" / "tiny")]


def _imports(cmd: list[str], env: dict[str, str]) -> list[tuple[int, int, int, str]]:
    """(self us, cumulative us, depth, module) of every import the command makes."""
    code = "import sys; from allyforge.cli import main; sys.argv = ['allyforge', *sys.argv[1:]]; main()"
    p = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *cmd[1:]], capture_output=True, text=True, env=env)
    rows = []
    for line in p.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    cmd = _command()
    with tempfile.TemporaryDirectory() as store:
        env = {**os.environ, "COLUMNS": "160", "ALLYFORGE_STORE": store}
        load0 = os.getloadavg()
        subprocess.run(cmd, capture_output=True, env=env, check=True)  # warm the page cache
        times, cpus = [], []
        for _ in range(a.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, env=env, check=True)
            times.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        load1 = os.getloadavg()
        rows = _imports(cmd, env)
    print(f"{' '.join(cmd[1:])}: median {statistics.median(times):.2f} s wall over {a.repeat} runs (target <= 2 s); "
          f"median cpu {statistics.median(cpus):.2f} s")
    print(f"load average (1 min) {load0[0]:.2f} at start, {load1[0]:.2f} at end, on {os.cpu_count()} cores")
    top = [r for r in rows if r[2] == 0]
    print(f"imports during the command: {sum(r[1] for r in top) / 1e6:.2f} s cumulative over {len(rows)} modules; largest top-level:")
    for _, cum, _, name in sorted(top, key=lambda r: -r[1])[:10]:
        print(f"  {cum / 1e3:8.1f} ms {name}")
    loaded = {r[3].split(".")[0] for r in rows}
    print(f"not imported (the command does not need them): {', '.join(m for m in NOT_NEEDED if m not in loaded) or 'none'}")
    present = [m for m in NOT_NEEDED if m in loaded]
    if present:
        print(f"imported although not needed: {', '.join(present)}")


if __name__ == "__main__":
    main()
