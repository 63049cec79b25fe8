"""Readers that turn stage data into a `GSMProblem`: the Willems (2008) chain files and a
plain stage table (two CSVs) an analyst can write for a pack.

Willems, S.P. (2008) "Data Set: Real-World Multi-Echelon Supply Chains Used for
Inventory Optimization", M&SOM 10(1):19-23. The files are an XML export of the workbook:
row 1 `/chain`, row 2 XPath-style headers, arc rows fill `@from,@to`, stage rows fill
`@stageName, @stageCost, @stageTime, @stDevDemand, @maxServiceTime, @serviceLevel, ...`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from allyforge.optimize.safety_stock import GSMProblem, longest_path, propagate_sigma

HOLDING_RATE = 0.2  # annual holding-cost rate the published Willems solutions use


class StageTableError(ValueError):
    """A stage table cannot be read; `.problems` lists (file, row, column, message)."""

    def __init__(self, problems: list[tuple[str, int | None, str | None, str]]) -> None:
        self.problems = problems
        lines = [f"{f}" + (f", row {r}" if r else "") + (f", column {c}" if c else "") + f": {m}" for f, r, c, m in problems]
        super().__init__("\n".join(lines))


def read_willems(path: str | Path, conventions: str = "published") -> GSMProblem:
    """A Willems chain as a GSM instance.

    conventions="published" reproduces Moncayo-Martinez's published model (see
    ../shared/oracles/README.md): h_i = 0.2 * C_i with C_i the stage cost plus C of every
    direct predecessor; sigma propagated upstream from demand stages; one z from the
    highest service level among demand stages; S_i <= longest processing-time path to i;
    demand stages S <= maxServiceTime; and the cap SI_i + T_i - S_i <= L_i - T_i on stages
    with predecessors. conventions="standard" drops that last cap.
    """
    if conventions not in ("published", "standard"):
        raise ValueError("conventions must be 'published' or 'standard'")
    path = Path(path)
    raw = pd.read_csv(path, skiprows=1, encoding="utf-8-sig", dtype=str)
    raw.columns = [c.rsplit("@", 1)[-1] for c in raw.columns]
    need = {"from", "to", "stageName", "stageCost", "stageTime"}
    if missing := need - set(raw.columns):
        raise StageTableError([(str(path), 2, c, "column missing from the header") for c in sorted(missing)])
    arcs = raw.loc[raw["from"].notna() & raw["to"].notna(), ["from", "to"]].reset_index(drop=True)
    st = raw[raw["stageName"].notna()].copy()
    st["_row"] = st.index + 3  # header rows 1-2, data from row 3
    st = st.set_index("stageName")
    num = {}
    problems = []
    for c in ("stageCost", "stageTime", "stDevDemand", "maxServiceTime", "serviceLevel"):
        v = pd.to_numeric(st[c], errors="coerce") if c in st else pd.Series(np.nan, index=st.index)
        bad = v.isna() & st[c].notna() if c in st else v.isna() & False
        for name in v.index[bad]:
            problems.append((str(path), int(st.loc[name, "_row"]), c, f"{st.loc[name, c]!r} is not a number"))
        num[c] = v
    for c in ("stageCost", "stageTime"):
        for name in num[c].index[num[c].isna() & st[c].isna()]:
            problems.append((str(path), int(st.loc[name, "_row"]), c, "a stage needs this figure"))
    if problems:
        raise StageTableError(problems)
    demand = num["stDevDemand"].notna() | (pd.to_numeric(st.get("avgDemand"), errors="coerce").notna() if "avgDemand" in st else False)
    sl = num["serviceLevel"][demand].dropna()
    z = float(norm.ppf(sl.max())) if len(sl) else float(norm.ppf(0.95))
    stages = pd.DataFrame(
        {"processing_time": num["stageTime"], "holding_cost": 0.0, "sigma": 0.0, "max_service_time": num["maxServiceTime"].where(demand)},
        index=st.index,
    )
    base = GSMProblem(stages=stages, arcs=arcs, z=z, name=path.stem)
    order = base.topological_order()
    pos = stages.index.get_indexer
    f, t = pos(arcs["from"]), pos(arcs["to"])
    # cumulative cost: C_i = c_i + sum over direct predecessors of C_p (path multiplicity counted)
    C = num["stageCost"].to_numpy(float).copy()
    preds_sum = np.zeros(len(C))
    for i in order:
        C[i] += preds_sum[i]
        np.add.at(preds_sum, t[f == i], C[i])
    L = longest_path(base)
    stages["holding_cost"] = HOLDING_RATE * C
    stages["sigma"] = propagate_sigma(num["stDevDemand"].to_numpy(float), f, t, order)
    stages["max_service_time"] = np.fmin(stages["max_service_time"].to_numpy(float), np.floor(L + 1e-9))
    if conventions == "published":
        has_pred = np.bincount(t, minlength=len(stages)) > 0
        stages["nrt_cap"] = np.where(has_pred, L - stages["processing_time"].to_numpy(float), np.nan)
    return GSMProblem(stages=stages, arcs=arcs, z=z, name=path.stem)


STAGE_COLUMNS = {"stage": str, "processing_time": float, "holding_cost": float}
OPTIONAL_COLUMNS = {"demand_sd": float, "max_service_time": float, "inbound_service_time": float}


def read_stage_table(stages_csv: str | Path, arcs_csv: str | Path, service_level: float = 0.95) -> GSMProblem:
    """A GSM instance from two CSVs an analyst writes for a pack.

    stages.csv: stage, processing_time, holding_cost (per unit per period) and optionally
    demand_sd (demand stages), max_service_time (what the stage promises its customers),
    inbound_service_time (what an outside supplier promises a stage without predecessors).
    arcs.csv: from, to. Sigma is propagated upstream (independent demands).
    """
    problems: list[tuple[str, int | None, str | None, str]] = []
    sf, af = str(stages_csv), str(arcs_csv)
    st = pd.read_csv(stages_csv, dtype=str, encoding="utf-8-sig")
    arcs = pd.read_csv(arcs_csv, dtype=str, encoding="utf-8-sig")
    for c in STAGE_COLUMNS:
        if c not in st:
            problems.append((sf, 1, c, "required column missing"))
    for c in ("from", "to"):
        if c not in arcs:
            problems.append((af, 1, c, "required column missing"))
    if problems:
        raise StageTableError(problems)
    out = pd.DataFrame(index=pd.Index(st["stage"].str.strip(), name="stage"))
    for c in [*list(STAGE_COLUMNS)[1:], *OPTIONAL_COLUMNS]:
        if c not in st:
            out[c] = np.nan
            continue
        v = pd.to_numeric(st[c], errors="coerce")
        for r in np.flatnonzero((v.isna() & st[c].notna()).to_numpy() | ((v < 0).to_numpy())):
            problems.append((sf, int(r) + 2, c, f"{st[c].iloc[r]!r} is not a non-negative number"))
        if c in STAGE_COLUMNS:
            for r in np.flatnonzero(st[c].isna().to_numpy()):
                problems.append((sf, int(r) + 2, c, "a value is required"))
        out[c] = v.to_numpy()
    for r in np.flatnonzero(out.index.duplicated()):
        problems.append((sf, int(r) + 2, "stage", f"stage {out.index[r]!r} appears twice"))
    known = set(out.index)
    for col in ("from", "to"):
        for r, v in enumerate(arcs[col].str.strip()):
            if v not in known:
                problems.append((af, r + 2, col, f"unknown stage {v!r}"))
    if not 0 < service_level < 1:
        problems.append((sf, None, None, f"service level {service_level} must lie strictly between 0 and 1"))
    if problems:
        raise StageTableError(problems)
    arcs = pd.DataFrame({"from": arcs["from"].str.strip(), "to": arcs["to"].str.strip()})
    base = GSMProblem(stages=out.assign(sigma=0.0), arcs=arcs, z=float(norm.ppf(service_level)), name=Path(stages_csv).stem)
    try:
        order = base.topological_order()
    except ValueError as e:
        raise StageTableError([(af, None, None, str(e))]) from None
    pos = out.index.get_indexer
    out["sigma"] = propagate_sigma(out["demand_sd"].to_numpy(float), pos(arcs["from"]), pos(arcs["to"]), order)
    return GSMProblem(stages=out.drop(columns="demand_sd"), arcs=arcs, z=base.z, name=base.name)
