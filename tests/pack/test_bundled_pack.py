"""The bundled us-japan-2026 pack: valid, fully cited, assumptions marked, and holding what issue 2 names.

Facts checked here come from ../shared/facts/us-japan-fact-base.md (P-07 Japan FY2026
budget ¥9.04T; P-09 Dec 2023 licence-export rule; Y-09 MOFCOM Announcement No. 1 (2026),
2026-01-06; section 8: US FY Oct-Sep, JP FY Apr-Mar).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from allyforge import load_pack
from allyforge.schema import schema

PACK = "us-japan-2026"


@pytest.fixture(scope="module")
def net():
    return load_pack(PACK)


def test_validates_clean(net) -> None:
    assert net.name == PACK
    assert net.calendar.start == "2024-01" and net.calendar.end == "2030-12" and net.calendar.kind == "month"


def _cited(net) -> set[str]:
    out: set[str] = set()
    for name in schema():
        df = net.table(name)
        if "source" in df:
            for s in df["source"]:
                out.update(s)
    return out


def test_every_numeric_figure_has_a_source(net) -> None:
    missing = []
    for name, t in schema().items():
        df = net.table(name).reset_index()
        for c in t.figure_columns:
            col = t.column(c)
            vals = df[c]
            filled = vals.notna()
            if col.default != "":
                filled &= vals.astype(float) != float(col.default)
            for i in df.index[filled & (df["source"].map(len) == 0)]:
                missing.append((name, i, c))
    assert not missing, missing[:20]


def test_every_source_is_used(net) -> None:
    unused = set(net.table("sources").index) - _cited(net)
    assert not unused, sorted(unused)


def test_every_assumption_is_marked(net) -> None:
    src = net.table("sources")
    kinds = src["kind"]
    # per-missile material quantities are not public (fact base S-23): every input of a
    # mineral or material into a component or end item must be an assumption with a range
    items = net.table("items")
    pi = net.table("process_inputs").reset_index()
    po = net.table("process_outputs").reset_index()
    out_kind = po.assign(k=po["item"].map(items["kind"])).groupby("process")["k"].agg(set)
    bom = pi[pi["item"].map(items["kind"]).isin(["mineral", "material"]) & pi["process"].map(lambda p: bool(out_kind.get(p, set()) & {"component", "end_item"}))]
    assert len(bom) > 0
    for _, r in bom.iterrows():
        assert any(kinds.get(s) == "assumption" for s in r["source"]), (r["process"], r["item"])
        assert not math.isnan(r["low"]) and not math.isnan(r["high"]), (r["process"], r["item"])
    # every assumption source explains itself
    for sid, r in src[kinds.eq("assumption")].iterrows():
        assert (r["note"] or "").strip(), f"assumption {sid} has no rationale"
    assert len(net.assumptions()) > 0


def test_programs_named_by_the_issue(net) -> None:
    progs = net.table("programs")
    names = " ".join(progs["name"].fillna("") + " " + progs.index).lower()
    for needle in ("amraam", "pac-3", "sm-6", "sm-3", "tomahawk", "type-12", "jsm", "jassm"):
        assert needle in names, needle
    assert set(progs["party"]) == {"US", "JP"}


def test_critical_materials_with_mines_and_refiners_by_country(net) -> None:
    items = net.table("items")
    minerals = items[items["kind"].eq("mineral")]
    assert len(minerals) >= 12
    groups = {g for gs in items["groups"] for g in gs}
    assert {"heavy_ree", "light_ree", "dual_use"} <= groups
    procs = net.table("processes").join(net.table("sites")[["country"]], on="site")
    outs = net.table("process_outputs").reset_index()
    made = outs.merge(procs[["country", "annual_output"]], left_on="process", right_index=True)
    with_output = made[made["annual_output"].notna()]
    multi = with_output.groupby("item")["country"].nunique()
    assert (multi >= 2).sum() >= 12, multi.sort_values()


def test_trade_rules_cover_the_timeline(net) -> None:
    tr = net.table("trade_rules")
    jp = tr[(tr["origin_country"] == "CN") & (tr["destination_country"] == "JP") & (tr["start"] == pd.Timestamp("2026-01-06"))]
    assert len(jp) >= 1 and (jp["end_use"] == "military").any() and (jp["effect"] == "ban").any()
    assert tr["start"].min() <= pd.Timestamp("2023-08-01")
    assert tr["end"].notna().any(), "suspensions end some rules"


def test_parties_budgets_rates(net) -> None:
    parties = net.table("parties")
    assert parties.loc["US", "fiscal_year_start_month"] == 10 and parties.loc["JP", "fiscal_year_start_month"] == 4
    b = net.table("budgets").reset_index()
    jp = b[(b["party"] == "JP") & (b["fiscal_year"] == 2026) & (b["purpose"] == "total")]
    assert len(jp) == 1 and jp["amount"].iloc[0] == pytest.approx(9.04e12) and jp["currency"].iloc[0] == "JPY"
    rate = net.rate("JPY", 2026)
    assert 140 < rate < 170  # ¥9.04T ≈ $58B implies about ¥156/$


def test_licence_built_patriot_export_lane_and_maintenance_sites(net) -> None:
    lanes = net.table("lanes").join(net.table("sites")[["country"]].rename(columns={"country": "oc"}), on="origin").join(net.table("sites")[["country"]].rename(columns={"country": "dc"}), on="destination")
    jp_us = lanes[(lanes["oc"] == "JP") & (lanes["dc"] == "US")]
    assert jp_us["item"].str.contains("pac3").any(), "the Dec 2023 rule's JP->US PAC-3 lane"
    names = " ".join(net.table("sites")["name"]).lower()
    for needle in ("yokosuka", "sasebo", "yokohama", "nagoya", "mizuho"):
        assert needle in names, needle


def test_candidates_and_ttr(net) -> None:
    c = net.table("candidates")
    assert {"capacity", "second_source", "stockpile"} <= set(c["kind"])
    assert net.table("sites")["ttr"].notna().any()


def test_public_annual_rates_become_monthly_by_calendar_days(net) -> None:
    """DESIGN (Time): annual public rates become per-period figures by calendar days. Camden's
    2025 rate is 620/yr (fb-M-12): February gets 28/365 of it, March 31/365, the year all of it."""
    cap = net.capacity_array().sel(process="fa-pac3-camden")
    months = [str(p) for p in cap["period"].values]
    y2025 = {m: float(cap.sel(period=p)) for m, p in zip(months, cap["period"].values) if m.startswith("2025")}
    assert y2025["2025-02"] == pytest.approx(620 * 28 / 365, abs=1e-3)
    assert y2025["2025-03"] == pytest.approx(620 * 31 / 365, abs=1e-3)
    assert sum(y2025.values()) == pytest.approx(620, abs=0.01)
