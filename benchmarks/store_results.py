"""Store and query a large run's results (issue 7).

A run of 2,000,000 tidy rows (sample x period x program) is stored with
`Store.finish_run` (Parquet, fsync'd, renamed atomically, metadata committed in SQLite)
and then paged through with a filter, as the API's results endpoint does.

Peer: what an analyst would write without a store — `DataFrame.to_parquet` to a file,
then `pandas.read_parquet` plus a boolean mask and `iloc` for the same page — measured in
the same run. Medians of 5; the ratio is ours / peer.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from allyforge.store import open_store


def _median(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def frame(rows: int = 2_000_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    programs = np.array([f"program-{k:02d}" for k in range(40)])
    return pd.DataFrame({
        "sample": np.repeat(np.arange(rows // 1440 + 1), 1440)[:rows],
        "period": np.tile(np.repeat([f"20{26 + m // 12}-{m % 12 + 1:02d}" for m in range(36)], 40), rows // 1440 + 1)[:rows],
        "program": np.tile(programs, rows // 40 + 1)[:rows],
        "required": rng.random(rows) * 10,
        "delivered": rng.random(rows) * 10,
    })


def main(argv: list[str] | None = None) -> None:
    df = frame()
    with tempfile.TemporaryDirectory() as d:
        st = open_store(Path(d) / "store")

        def store_ours() -> str:
            rid = st.create_run("simulate")
            st.finish_run(rid, {"deliveries": df})
            return rid

        def store_peer() -> None:
            df.to_parquet(Path(d) / "peer.parquet", index=False)

        w_ours, w_peer = _median(store_ours), _median(store_peer)
        rid = store_ours()
        q_ours = _median(lambda: st.query(rid, "deliveries", where={"program": "program-07", "period": "2027-03"}, limit=100, offset=100))
        peer_path = Path(d) / "peer.parquet"

        def query_peer():
            f = pd.read_parquet(peer_path)
            sel = f[(f["program"] == "program-07") & (f["period"] == "2027-03")]
            return sel.iloc[100:200], len(sel)

        q_peer = _median(query_peer)
        a, total = st.query(rid, "deliveries", where={"program": "program-07", "period": "2027-03"}, limit=100, offset=100)
        b, total_b = query_peer()
        assert total == total_b and np.allclose(a["delivered"].to_numpy(), b["delivered"].to_numpy())
        print(f"{len(df):,} rows")
        print(f"store (atomic, durable) median {w_ours:.3f} s; peer to_parquet {w_peer:.3f} s; ratio {w_ours / w_peer:.2f}x")
        print(f"filtered page of 100 (of {total:,}) median {q_ours:.3f} s; peer read_parquet+mask {q_peer:.3f} s; ratio {q_ours / q_peer:.2f}x")


if __name__ == "__main__":
    main()
