"""What a risk run stores: every RiskReport table plus its programs, and the moment it describes.

Tables: the report's own `tables()` (`top_risks`, `exposure`, `paths`,
`production_shares`, `hhi`, `import_reliance`, `criticality`, `tts`,
`single_points`) and `programs` (id, item, party, name: the charts label programs
with it). The summary keeps the report's scalars (pack, `at` period, horizon, rules
and events in force, notes, scenario and sample, `near`) and a few counts, so
`load` rebuilds an equal RiskReport from the stored run and pages draw the risk
module's own charts from it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from allyforge.store.adapters import Adapter, instance_of

SCALARS = ("pack", "content_hash", "at", "horizon", "near", "scenario", "sample")
SEQUENCES = ("rules_applied", "notes", "events_applied")


def is_risk(result: Any) -> bool:
    return instance_of(result, "allyforge.risk.report", "RiskReport")


def tables(rep: Any, summary: Any = None) -> dict[str, pd.DataFrame]:
    return {**rep.tables(), "programs": rep.programs}


def summary(rep: Any) -> dict[str, Any]:
    sp, tts, ex = rep.single_points, rep.tts, rep.exposure
    blocked = ex.loc[ex["blocked_share"] > 1e-9, "program"]
    counts = {
        "programs": int(len(rep.programs)),
        "single_points": int(sp.loc[sp["single_point"], "node"].nunique()),
        "near_single_points": int(sp.loc[sp["near"], "node"].nunique()),
        "nodes": int(len(tts)),
        "flagged_nodes": int(tts["flagged"].sum()),
        "programs_blocked": int(blocked.nunique()),
    }
    return {**{k: getattr(rep, k) for k in SCALARS}, **{k: list(getattr(rep, k)) for k in SEQUENCES}, "counts": counts}


def settings(rep: Any) -> dict[str, Any]:
    """What the report knows of how it was asked; the face adds the request as given (`at` as typed, --ttr, ...)."""
    return {"period": rep.at, "horizon": rep.horizon, "near": rep.near, "sample": rep.sample, "programs_analysed": list(rep.programs.index)}


def load(stored: dict[str, pd.DataFrame], summary: dict[str, Any]) -> Any:
    """The RiskReport a risk run stored, rebuilt from its tables and summary."""
    from allyforge.risk import RiskReport
    from allyforge.risk.report import TABLES

    frames = {n: stored[n] for n in TABLES if n != "top_risks"}
    return RiskReport(
        programs=stored["programs"].set_index("id"), **frames,
        **{k: summary.get(k) for k in SCALARS}, **{k: tuple(summary.get(k) or ()) for k in SEQUENCES},
    )


ADAPTER = Adapter(
    engine="risk", matches=is_risk, tables=tables, summary=summary, settings=settings, load=load,
    needs=("programs", "exposure", "paths", "production_shares", "hhi", "import_reliance", "criticality", "tts", "single_points"),
)
