"""Tidy tables of a simulation result: one row per sample, entity and period (docs/simulation.md S13).

The columns of each kind are defined once, as numbers and as labels given by integer
codes into a short list of names; they become a pandas frame (`to_frame`) or an Arrow
table whose label columns stay dictionary-encoded (`to_arrow`, what the store writes:
no per-row strings are built, and Parquet keeps the dictionary as it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from allyforge.simulate.money import CATEGORIES

if TYPE_CHECKING:
    import pyarrow as pa

    from allyforge.simulate.result import SimulationResult

KINDS = ("demand", "node", "process", "lane", "costs")


@dataclass(frozen=True)
class Labels:
    """A label column: names[codes]."""

    codes: np.ndarray  # int32
    names: list[str]


def tidy_columns(res: SimulationResult, kind: str) -> dict[str, np.ndarray | Labels]:
    """Columns of the tidy table `kind` (demand, node, process, lane or costs), rows in (sample, entity, period) order."""
    T = len(res.periods)
    periods = list(res.periods)
    if kind == "demand":
        S, D = res.samples, len(res.demands)
        cols: dict[str, np.ndarray | Labels] = {"sample": np.repeat(res.sample_ids.astype(np.int64), D * T),
                                                 "period": Labels(_tile(T, S * D), periods)}
        dem_code = np.tile(np.repeat(np.arange(D, dtype=np.int32), T), S)
        for col in ("site", "item", "party"):
            names, inv = np.unique(res.demands[col].astype(str).to_numpy(), return_inverse=True)
            cols[col] = Labels(inv.astype(np.int32)[dem_code], names.tolist())
        for k in ("due", "delivered", "backlog", "lost"):
            cols[k] = res.out.demand[k].reshape(-1)
        return cols
    if kind == "costs":
        S, Q, K, _ = res.out.costs.shape
        return {"sample": np.repeat(res.sample_ids.astype(np.int64), Q * K * T),
                "party": Labels(np.tile(np.repeat(np.arange(Q, dtype=np.int32), K * T), S), list(res.parties)),
                "category": Labels(np.tile(np.repeat(np.arange(K, dtype=np.int32), T), S * Q), list(CATEGORIES)),
                "period": Labels(_tile(T, S * Q * K), periods), "amount_base": res.out.costs.reshape(-1)}
    if kind == "node":
        names, arrays = res.node_labels, {k: v for k, v in res.out.node.items()}
    elif kind == "process":
        names, arrays = list(res.network.table("processes").index), {"runs": res.out.runs}
    elif kind == "lane":
        names, arrays = list(res.network.table("lanes").index), {"shipped": res.out.lane}
    else:
        raise ValueError(f"unknown kind {kind!r}: demand, node, process, lane or costs")
    S_rows = next(iter(arrays.values())).shape[0]  # 1 when streamed (sample means)
    samp = res.sample_ids.astype(np.int64) if res.full else np.array([-1], np.int64)
    scale = 1.0 if res.full else 1.0 / res.samples
    X = len(names)
    cols = {"sample": np.repeat(samp, X * T), kind: Labels(np.tile(np.repeat(np.arange(X, dtype=np.int32), T), S_rows), [str(n) for n in names]),
            "period": Labels(_tile(T, S_rows * X), periods)}
    for k, v in arrays.items():
        cols[k] = (v * scale).reshape(-1) if scale != 1.0 else v.reshape(-1)
    return cols


def to_frame(cols: dict[str, np.ndarray | Labels], order: list[str] | None = None) -> pd.DataFrame:
    """The columns as a pandas frame (labels as strings)."""
    out = {}
    for name in order or list(cols):
        v = cols[name]
        out[name] = pd.array(np.asarray(v.names, dtype=object), dtype="str").take(v.codes) if isinstance(v, Labels) else v
    return pd.DataFrame(out)


def to_arrow(cols: dict[str, np.ndarray | Labels], order: list[str] | None = None) -> pa.Table:
    """The columns as an Arrow table; label columns dictionary-encoded."""
    import pyarrow as pa

    arrays = {}
    for name in order or list(cols):
        v = cols[name]
        arrays[name] = pa.DictionaryArray.from_arrays(pa.array(v.codes, pa.int32()), pa.array(v.names, pa.string())) if isinstance(v, Labels) else v
    return pa.table(arrays)


def _tile(T: int, reps: int) -> np.ndarray:
    return np.tile(np.arange(T, dtype=np.int32), reps)
