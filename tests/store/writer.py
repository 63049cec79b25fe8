"""A separate writer process for the store tests (run as a script, not collected).

usage: writer.py STORE MODE [ARGS]
  large MARKER   store a large run in chunks; touch MARKER after the first chunks, then keep writing
  publish MARKER store a run, but stop forever between publishing its files and marking it done
  many BARRIER N ID  wait for BARRIER to exist, then record N small runs labelled ID-k
  risk MARKER    compute a real risk report of the tiny pack and store it, but stop forever after
                 writing its first three tables (touch MARKER then)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from allyforge.store import open_store, record_run


def chunks(marker: Path, n: int = 400, rows: int = 50_000):
    rng = np.random.default_rng(0)
    for k in range(n):
        if k == 3:
            marker.touch()
        yield pd.DataFrame({"sample": np.full(rows, k), "period": rng.integers(0, 36, rows), "delivered": rng.random(rows)})


def main() -> None:
    root, mode = sys.argv[1], sys.argv[2]
    st = open_store(root)
    if mode == "large":
        marker = Path(sys.argv[3])
        run_id = st.create_run("simulate", label="killed-large")
        print(run_id, flush=True)
        st.finish_run(run_id, {"deliveries": chunks(marker)})
    elif mode == "publish":
        marker = Path(sys.argv[3])
        run_id = st.create_run("simulate", label="killed-publish")
        print(run_id, flush=True)
        real = st.db.transaction

        def stall(work):
            if (st.results / run_id).exists():  # files published; the next transaction marks it done
                marker.touch()
                time.sleep(3600)
            return real(work)

        st.db.transaction = stall
        st.finish_run(run_id, {"deliveries": pd.DataFrame({"x": range(1000)})})
    elif mode == "many":
        barrier, n, ident = Path(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
        while not barrier.exists():
            time.sleep(0.005)
        for k in range(n):
            record_run({"deliveries": pd.DataFrame({"writer": [ident] * 100, "k": [k] * 100, "v": np.arange(100.0)})}, engine="simulate", label=f"{ident}-{k}", store=st)
    elif mode == "risk":
        import allyforge

        marker = Path(sys.argv[3])
        net = allyforge.load_pack(Path(__file__).resolve().parents[1] / "fixtures" / "tiny")
        rep = allyforge.risk(net, at="2026-03")
        real, written = st._write_table, []

        def stall(path, source):
            real(path, source)
            written.append(path.stem)
            if len(written) == 3:
                marker.touch()
                time.sleep(3600)

        st._write_table = stall
        st.create_run = _announce(st.create_run)
        record_run(rep, network=net, store=st)
    else:
        raise SystemExit(f"unknown mode {mode}")


def _announce(create):
    """Print the run id as soon as the run exists, so the test knows which run to look for."""

    def wrapped(*a, **k):
        run_id = create(*a, **k)
        print(run_id, flush=True)
        return run_id

    return wrapped


if __name__ == "__main__":
    main()
