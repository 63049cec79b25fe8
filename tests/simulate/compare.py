"""Hold the engine's arrays to another implementation's per-sample records (docs/simulation.md:
"agree exactly" means within 1e-9 relative)."""

from __future__ import annotations

from typing import Any

RTOL = 1e-9


def engine_value(res: Any, key: str, s: int, k: Any, t: int) -> float:
    """The engine's value of record `key` (on_hand, reserve, shipped, runs, delivered, backlog, lost) for entity k."""
    c = res.compiled
    if key in ("on_hand", "reserve"):
        return float(res.out.node[key][s, c.nodes.get_loc(k), t])
    if key == "shipped":
        return float(res.out.lane[s, list(res.network.table("lanes").index).index(k), t])
    if key == "runs":
        return float(res.out.runs[s, list(res.network.table("processes").index).index(k), t])
    return float(res.out.demand[key][s, k, t])


def assert_matches_engine(res: Any, records: dict[str, dict], s: int, who: str) -> None:
    """Every value in `records` ({key: {(entity, period): value}}) equals the engine's for sample s."""
    for key, rec in records.items():
        for (k, t), want in rec.items():
            got = engine_value(res, key, s, k, t)
            assert abs(got - want) <= RTOL * max(1.0, abs(want)), f"sample {s} {key} {k} t{t}: engine {got!r} {who} {want!r}"
