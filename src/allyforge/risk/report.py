"""RiskReport: every risk table of one moment, the top risks first, and the charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

TABLES = ("top_risks", "exposure", "paths", "production_shares", "hhi", "import_reliance", "criticality", "tts", "single_points")


@dataclass(frozen=True)
class RiskReport:
    """Tidy tables (one row per entity) from `allyforge.risk`; `tables()` lists them by name."""

    pack: str
    content_hash: str
    at: str
    horizon: float
    rules_applied: tuple[str, ...]
    programs: pd.DataFrame
    exposure: pd.DataFrame
    paths: pd.DataFrame
    production_shares: pd.DataFrame
    hhi: pd.DataFrame
    import_reliance: pd.DataFrame
    criticality: pd.DataFrame
    tts: pd.DataFrame
    single_points: pd.DataFrame
    near: float = 0.5
    notes: tuple[str, ...] = field(default=())
    scenario: str = ""  # the scenario applied ("" = the pack alone)
    sample: int | None = None  # the scenario sample whose draws were used
    events_applied: tuple[str, ...] = field(default=())  # scenario events changing what risk read at `at`

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"top_risks": self.top_risks(), **{n: getattr(self, n) for n in TABLES if n != "top_risks"}}

    def top_risks(self, per_kind: int = 8) -> pd.DataFrame:
        """The risks an analyst should read first, most severe kind first."""
        rows: list[dict] = []
        name = self.programs["name"].to_dict()
        sp = self.single_points
        by_node = sp[sp["single_point"]].groupby(["node", "name", "country"], as_index=False).agg(programs=("program", list))
        by_node["n"] = by_node["programs"].map(len)
        for _, r in by_node.sort_values(["n", "node"], ascending=[False, True]).head(per_kind).iterrows():
            progs = sorted(r["programs"])
            rows.append({"kind": "single point of failure", "program": "; ".join(progs), "where": f"{r['name']} ({r['country']})", "measure": float(r["n"]),
                         "detail": f"losing {r['node']} stops {r['n']} program(s) entirely"})
        bl = self.exposure[self.exposure["blocked_share"] > 1e-9].groupby(["program", "material"], as_index=False).agg(blocked=("blocked_share", "sum"), countries=("country", lambda c: ", ".join(sorted(set(c)))))
        for prog, grp in sorted(bl.groupby("program"), key=lambda kv: (-kv[1]["blocked"].max(), -len(kv[1]), kv[0]))[:per_kind]:
            grp = grp.sort_values(["blocked", "material"], ascending=[False, True])
            mats = ", ".join(f"{m} {b:.0%}" for m, b in zip(grp["material"].head(6), grp["blocked"].head(6))) + (f" +{len(grp) - 6} more" if len(grp) > 6 else "")
            by = "trade rules and scenario events" if self.scenario else "trade rules"
            rows.append({"kind": f"blocked by {by} at {self.at}", "program": prog, "where": ", ".join(sorted(set(", ".join(grp["countries"]).split(", ")))), "measure": float(grp["blocked"].max()),
                         "detail": f"share of supply through lanes the {by} in force block: {mats}"})
        fl = self.tts[self.tts["flagged"]].sort_values(["rei", "pi"], ascending=False)
        for _, r in fl.head(per_kind).iterrows():
            rows.append({"kind": "survives less than recovery (TTS < TTR)", "program": "", "where": f"{r['name']} ({r['country']})" + (f" / {r['item']}" if isinstance(r["item"], str) else ""), "measure": r["rei"],
                         "detail": f"TTS {r['tts']:.3g} < TTR {r['ttr']:.3g} periods; loses {r['pi']:.4g} units (REI {r['rei']:.2f})"})
        nr = sp[sp["near"]].sort_values(["drop", "node"], ascending=[False, True]).drop_duplicates("node")
        for _, r in nr.head(per_kind).iterrows():
            rows.append({"kind": f"near single point (> {self.near:.0%} of output)", "program": r["program"], "where": f"{r['name']} ({r['country']})", "measure": r["drop"],
                         "detail": f"losing {r['node']} cuts {name.get(r['program'], r['program'])}'s maximum output by {r['drop']:.0%}"})
        cr = self.criticality
        if len(cr):
            c = cr[cr["programs_exposed"] > 0].groupby("material", as_index=False).agg(
                hhi=("hhi_mine", "max"), hhi_r=("hhi_refining", "max"), top=("top_producer", "first"), progs=("programs_exposed", "sum"), eu=("eu_critical", "first"))
            c["h"] = c[["hhi", "hhi_r"]].max(axis=1)
            for _, r in c[c["h"] >= 0.25].sort_values("h", ascending=False).head(per_kind).iterrows():
                rows.append({"kind": "concentrated supply (HHI ≥ 0.25)", "program": "", "where": r["material"], "measure": r["h"],
                             "detail": f"HHI {r['h']:.2f}, top producer {r['top']}; {int(r['progs'])} program(s) depend on it" + (" · EU critical" if r["eu"] is True else "")})
        df = pd.DataFrame(rows, columns=["kind", "program", "where", "measure", "detail"])
        df.insert(0, "rank", np.arange(1, len(df) + 1))
        return df

    def figures(self) -> dict[str, object]:
        from allyforge.risk import charts

        return {
            "exposure_heatmap": charts.exposure_heatmap(self.exposure, self.programs),
            "tts_vs_ttr": charts.tts_ttr_scatter(self.tts, self.horizon),
            "material_sankey": charts.material_sankey(self.exposure, self.programs),
        }

    def write(self, out: str | Path, fmt: str = "parquet", charts: bool = True) -> list[Path]:
        """Write every table as Parquet or CSV (and the charts as offline HTML) under `out`."""
        from allyforge.risk.charts import write_html

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for n, df in self.tables().items():
            p = out / f"risk_{n}.{fmt}"
            df = df.copy()
            for c in df.columns:  # tuples and mixed objects do not round-trip through Parquet
                if df[c].dtype == object:
                    df[c] = df[c].map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else ("; ".join(map(str, v)) if isinstance(v, (tuple, list)) else v))
            if fmt == "parquet":
                df.to_parquet(p, index=False)
            elif fmt == "csv":
                df.to_csv(p, index=False)
            else:
                raise ValueError(f"unknown format {fmt!r}: parquet or csv")
            written.append(p)
        if charts:
            for n, fig in self.figures().items():
                written.append(write_html(fig, out / f"risk_{n}.html"))
        return written
