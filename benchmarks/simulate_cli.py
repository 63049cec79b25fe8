"""`allyforge run` wall time on the bundled scenario at its default samples (issue 3: median of 5
runs <= 2 s, page cache warm) and what the command imports (`python -X importtime`).

Uses the bundled pack's default scenario when a bundled pack exists, else the tiny test
pack's (say which when quoting).

    .venv/bin/python -m benchmarks.simulate_cli [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _command() -> list[str]:
    from allyforge.pack import bundled_packs

    exe = str(Path(sys.executable).with_name("allyforge"))
    if "us-japan-2026" in bundled_packs():
        return [exe, "run", "--pack", "us-japan-2026"]
    return [exe, "run", "--pack", str(ROOT / "tests" / "fixtures" / "tiny")]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    cmd = _command()
    env = {**os.environ, "COLUMNS": "160"}
    subprocess.run(cmd, capture_output=True, env=env, check=True)  # warm the page cache
    times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t)
    print(f"{' '.join(cmd[1:])}: median {statistics.median(times):.2f} s over {a.repeat} runs (target <= 2 s)")
    imp = subprocess.run([sys.executable, "-X", "importtime", "-c", "import allyforge.cli; import allyforge.cli.run_command"],
                         capture_output=True, text=True, env=env)
    rows = []
    for line in imp.stderr.splitlines()[1:]:
        parts = line.split("|")
        if len(parts) == 3:
            rows.append((int(parts[1].strip()), parts[2].rstrip()))
    total = max((r[0] for r in rows), default=0)
    print(f"import of the CLI: {total / 1e6:.2f} s cumulative; largest:")
    for us, name in sorted(rows, reverse=True)[:12]:
        print(f"  {us / 1e3:8.1f} ms {name}")


if __name__ == "__main__":
    main()
