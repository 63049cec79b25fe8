"""Concentration and criticality: who produces each material, who depends on imports, how critical it is.

HHI is the Herfindahl–Hirschman index of production shares by country (0–1;
×10,000 for the antitrust points scale), at the mine and refining stages, from
`processes.annual_output`. Import reliance is the USGS net import reliance
(imports − exports) / (production + imports − exports), computed from the
model's planned flows (`model`) or cited from USGS via the fact base (`cited`).
Supply risk and economic importance are the EU's (European Commission, Study on
the Critical Raw Materials for the EU 2023, Grohol & Veeh, doi:10.2873/725585);
the EU calls a material critical when SR ≥ 1 and EI ≥ 2.8.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from allyforge.risk.exposure import Sourcing, node_requirements, planned_lane_flow
from allyforge.risk.graph import SupplyGraph

EU_SOURCE = "European Commission, Study on the Critical Raw Materials for the EU 2023 (Grohol & Veeh), doi:10.2873/725585"
EU_SR_THRESHOLD, EU_EI_THRESHOLD = 1.0, 2.8
STAGE_OF_SITE = {"mine": "mine", "refinery": "refining"}
MATERIAL_KINDS = ("mineral", "material")

# item keyword -> EU CRM 2023 material, most specific first (EU groups Sm with the LREE).
EU_ALIASES = [
    ("dysprosium", "HREE"), ("terbium", "HREE"), ("yttrium", "HREE"),
    ("neodymium", "LREE"), ("praseodymium", "LREE"), ("samarium", "LREE"), ("lanthanum", "LREE"), ("cerium", "LREE"),
    ("titanium sponge", "Titanium metal"), ("titanium metal", "Titanium metal"), ("graphite", "Natural graphite"),
    ("platinum", "PGM"), ("palladium", "PGM"), ("silicon metal", "Silicon metal"),
]
# groups decide only when the item's own name does not (packs group Sm with the heavy REE, the EU does not)
EU_GROUP_ALIASES = [("heavy_ree", "HREE"), ("light_ree", "LREE")]


@cache
def eu_crm() -> pd.DataFrame:
    with resources.files("allyforge.risk").joinpath("data/eu_crm_2023.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f)


@cache
def usgs_import_reliance() -> pd.DataFrame:
    with resources.files("allyforge.risk").joinpath("data/usgs_net_import_reliance.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f)


def _words(g: SupplyGraph, item: str) -> list[str]:
    row = g.items.loc[item]
    groups = row.get("groups", ()) if isinstance(row.get("groups", ()), (tuple, list)) else ()
    return [item.lower().replace("-", " ").replace("_", " "), str(row["name"]).lower(), *[str(x).lower() for x in groups]]


def eu_material_of(g: SupplyGraph, item: str) -> str | None:
    """The EU CRM 2023 material an item is, by alias, then by a whole-word name match."""
    words = _words(g, item)
    raw = [item.lower(), *[str(x).lower() for x in (g.items.loc[item].get("groups", ()) or ())]]
    for key, mat in EU_ALIASES:
        if any(key in w for w in words[:2]) or key == raw[0]:
            return mat
    names = sorted(eu_crm()["material"], key=len, reverse=True)
    for m in names:
        pat = re.compile(rf"\b{re.escape(m.lower())}\b")
        if any(pat.search(w) for w in words[:2]):
            return m
    for key, mat in EU_GROUP_ALIASES:
        if key in raw:
            return mat
    return None


def _usgs_row(g: SupplyGraph, item: str, country: str) -> pd.Series | None:
    t = usgs_import_reliance()
    words = _words(g, item)
    raw = {item.lower(), *[str(x).lower() for x in (g.items.loc[item].get("groups", ()) or ())]}
    for _, r in t[t["country"] == country].iterrows():
        keys = [k.strip().lower() for k in str(r["match"]).split(";")]
        if any(k in raw for k in keys) or any(re.search(rf"\b{re.escape(k)}\b", w) for k in keys for w in words):
            return r
    return None


def production_shares(g: SupplyGraph) -> pd.DataFrame:
    """Annual output of each material by stage and country, with shares within (material, stage)."""
    outs = g.outputs.assign(site=g.outputs["process"].map(g.processes["site"]), annual_output=g.outputs["process"].map(g.processes["annual_output"]))
    outs = outs[outs["annual_output"].notna() & outs["item"].map(g.items["kind"]).isin(MATERIAL_KINDS)]
    outs["country"] = outs["site"].map(g.sites["country"])
    kind = outs["site"].map(g.sites["kind"])
    outs["stage"] = kind.map(STAGE_OF_SITE).fillna(outs["item"].map(g.items["kind"]).map({"mineral": "mine", "material": "refining"}))
    df = outs.groupby(["item", "stage", "country"], as_index=False)["annual_output"].sum().rename(columns={"item": "material", "annual_output": "output"})
    tot = df.groupby(["material", "stage"])["output"].transform("sum")
    df["share"] = np.where(tot > 0, df["output"] / tot.where(tot > 0, 1.0), np.nan)
    return df.sort_values(["material", "stage", "share"], ascending=[True, True, False]).reset_index(drop=True)


def hhi(shares: pd.DataFrame) -> pd.DataFrame:
    """HHI per (material, stage) from `production_shares`, with the top producer."""
    rows = []
    for (m, stage), grp in shares.groupby(["material", "stage"], sort=True):
        s = grp["share"].to_numpy(float)
        top = grp.iloc[int(np.nanargmax(s))] if np.isfinite(s).any() else None
        rows.append({"material": m, "stage": stage, "hhi": float(np.nansum(s**2)), "hhi_points": float(np.nansum(s**2) * 10_000), "producers": len(grp), "top_country": top["country"] if top is not None else None, "top_share": float(top["share"]) if top is not None else np.nan})
    return pd.DataFrame(rows, columns=["material", "stage", "hhi", "hhi_points", "producers", "top_country", "top_share"])


def import_reliance(g: SupplyGraph, s: Sourcing, parties: list[str] | None = None) -> pd.DataFrame:
    """Per party and material: net import reliance from the model's planned flows, and cited USGS figures."""
    parties = sorted(set(g.programs["party"])) if parties is None else parties
    req = node_requirements(g, s)
    req["country"] = req["site"].map(g.sites["country"])
    origin = pd.Series(s.origin, index=s.nodes)
    made_here = origin.reindex(pd.MultiIndex.from_frame(req[["site", "item"]])).to_numpy()
    flow = planned_lane_flow(g, s)
    lanes = g.lanes.assign(flow=flow, o=g.lanes["origin"].map(g.sites["country"]), d=g.lanes["destination"].map(g.sites["country"]))
    rows = []
    for party in parties:
        c = g.country_of_party(party)
        mats = [m for m in g.items.index if g.items.loc[m, "kind"] in MATERIAL_KINDS]
        for m in mats:
            prod = float(req.loc[(req["item"] == m) & (req["country"] == c) & made_here, "requirement"].sum())
            lm = lanes[lanes["item"] == m]
            imp = float(lm.loc[(lm["d"] == c) & (lm["o"] != c), "flow"].sum())
            exp = float(lm.loc[(lm["o"] == c) & (lm["d"] != c), "flow"].sum())
            cons = prod + imp - exp
            if cons > 1e-12:
                rows.append({"party": party, "country": c, "material": m, "basis": "model", "net_import_reliance": (imp - exp) / cons, "low": np.nan, "high": np.nan, "figure": "", "source": f"model flows at {g.at}" if g.at else "model flows"})
            r = _usgs_row(g, m, c)
            if r is not None:
                rows.append({"party": party, "country": c, "material": m, "basis": "cited", "net_import_reliance": r["value_pct"] / 100, "low": r["low_pct"] / 100, "high": r["high_pct"] / 100, "figure": f"{r['figure']} ({r['years']}, {r['fact_id']})", "source": r["source"]})
    return pd.DataFrame(rows, columns=["party", "country", "material", "basis", "net_import_reliance", "low", "high", "figure", "source"])


def criticality(g: SupplyGraph, hhi_table: pd.DataFrame, exposure: pd.DataFrame) -> pd.DataFrame:
    """Per material and party: concentration, the party's program exposure, and the EU SR/EI values."""
    eu = eu_crm().set_index("material")
    mats = [m for m in g.items.index if g.items.loc[m, "kind"] in MATERIAL_KINDS]
    parties = sorted(set(g.programs["party"]))
    rows = []
    for m in mats:
        h = hhi_table[hhi_table["material"] == m].set_index("stage")
        eum = eu_material_of(g, m)
        sr = float(eu.loc[eum, "supply_risk"]) if eum in eu.index else np.nan
        ei = float(eu.loc[eum, "economic_importance"]) if eum in eu.index else np.nan
        top = h["top_country"].iloc[int(np.argmax(h["hhi"].to_numpy()))] if len(h) else None
        for party in parties:
            ex = exposure[(exposure["material"] == m) & (exposure["party"] == party)]
            progs = sorted(set(ex["program"]))
            from_top = ex[ex["country"] == top].groupby("program")["share"].sum() if top else pd.Series(dtype=float)
            blocked = ex.groupby("program")["blocked_share"].sum()
            rows.append({
                "material": m, "party": party,
                "hhi_mine": float(h.loc["mine", "hhi"]) if "mine" in h.index else np.nan,
                "hhi_refining": float(h.loc["refining", "hhi"]) if "refining" in h.index else np.nan,
                "top_producer": top, "programs_exposed": len(progs),
                "max_share_from_top_producer": float(from_top.max()) if len(from_top) else 0.0,
                "max_blocked_share": float(blocked.max()) if len(blocked) else 0.0,
                "eu_material": eum, "eu_supply_risk": sr, "eu_economic_importance": ei,
                "eu_critical": bool(sr >= EU_SR_THRESHOLD and ei >= EU_EI_THRESHOLD) if np.isfinite(sr) else None,
                "eu_source": EU_SOURCE if eum in eu.index else "",
            })
    return pd.DataFrame(rows)
