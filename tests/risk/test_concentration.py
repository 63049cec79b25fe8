"""HHI against hand computation on a pack's own shares; the EU CRM copy against the fact file."""

from __future__ import annotations

import csv
from collections import defaultdict

import pandas as pd
import pytest

from allyforge.risk.concentration import eu_crm, eu_material_of, hhi, import_reliance, production_shares
from allyforge.risk.exposure import build_sourcing
from allyforge.risk.moment import from_network

from .conftest import TINY, shared_file


def hand_hhi(pack_dir) -> dict[tuple[str, str], float]:
    """HHI from the pack's CSV files with the csv module: Σ (country output / total)² per material and stage."""
    rd = lambda n: list(csv.DictReader(open(pack_dir / f"{n}.csv", encoding="utf-8-sig")))  # noqa: E731
    sites = {r["id"]: r for r in rd("sites")}
    items = {r["id"]: r for r in rd("items")}
    procs = {r["id"]: r for r in rd("processes") if r.get("status", "active") in ("", "active")}
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rd("process_outputs"):
        p = procs.get(r["process"])
        if not p or not p.get("annual_output") or items[r["item"]]["kind"] not in ("mineral", "material"):
            continue
        s = sites[p["site"]]
        stage = {"mine": "mine", "refinery": "refining"}.get(s["kind"]) or {"mineral": "mine", "material": "refining"}[items[r["item"]]["kind"]]
        out[(r["item"], stage)][s["country"]] += float(p["annual_output"])
    res = {}
    for k, by in out.items():
        tot = sum(by.values())
        res[k] = sum((v / tot) ** 2 for v in by.values())
    return res


def test_hhi_tiny_by_hand(tiny) -> None:
    got = hhi(production_shares(from_network(tiny))).set_index(["material", "stage"])["hhi"]
    # tiny processes.csv: ore mined in CN 1200, AU 240 per year
    assert got[("ore", "mine")] == pytest.approx((1200 / 1440) ** 2 + (240 / 1440) ** 2, rel=1e-12)
    want = hand_hhi(TINY)
    assert set(want) == set(got.index)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-12)


def test_hhi_bundled_pack_by_hand() -> None:
    from allyforge import load_pack
    from allyforge.pack import bundled_packs

    packs = bundled_packs()
    if "us-japan-2026" not in packs:
        pytest.skip("bundled pack us-japan-2026 not in this checkout")
    want = hand_hhi(packs["us-japan-2026"])
    got = hhi(production_shares(from_network(load_pack("us-japan-2026")))).set_index(["material", "stage"])["hhi"]
    assert len(want) > 0 and set(want) == set(got.index)
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-12)


def test_eu_values_equal_fact_file() -> None:
    """The package's copy equals ../shared/facts/eu-crm-2023-sr-ei.csv (EU CRM study 2023, doi:10.2873/725585)."""
    ref = pd.read_csv(shared_file("facts/eu-crm-2023-sr-ei.csv"))
    mine = eu_crm()[["material", "supply_risk", "economic_importance"]]
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), ref.reset_index(drop=True), check_dtype=False)
    assert mine.set_index("material").loc["Gallium", "supply_risk"] == 3.9  # a value read off the EU study's table


def test_eu_mapping_of_tiny(tiny) -> None:
    g = from_network(tiny)
    assert eu_material_of(g, "ore") == "HREE"  # tiny's ore is in group heavy_ree
    assert eu_material_of(g, "metal") is None


def test_import_reliance_model_and_cited(tiny) -> None:
    g = from_network(tiny, at="2026-03")
    ir = import_reliance(g, build_sourcing(g)).set_index(["party", "material", "basis"])
    # JP refines all its ore from imports (CN 80 %, AU 20 %), mines none: net import reliance 1
    assert ir.loc[("JP", "ore", "model"), "net_import_reliance"] == pytest.approx(1.0)
    # the US has no ore in the model, so only the cited USGS figure (rare earths, X-20) applies
    assert ("US", "ore", "model") not in ir.index
    assert ir.loc[("US", "ore", "cited"), "net_import_reliance"] == pytest.approx(0.80)


def test_criticality_tiny_by_hand(tiny) -> None:
    """Tiny's ore (group heavy_ree) is the EU's HREE: SR and EI read off the fact file, critical by the EU's
    thresholds (SR ≥ 1, EI ≥ 2.8); mine HHI by hand; CN, the top producer, gives both programs 80 % of their
    ore, all of it blocked by cn-ban-jp in 2026-03."""
    import allyforge

    ref = pd.read_csv(shared_file("facts/eu-crm-2023-sr-ei.csv")).set_index("material")
    c = allyforge.risk(tiny, at="2026-03").criticality.set_index(["material", "party"])
    for party in ("JP", "US"):
        r = c.loc[("ore", party)]
        assert r["eu_material"] == "HREE"
        assert r["eu_supply_risk"] == ref.loc["HREE", "supply_risk"] and r["eu_economic_importance"] == ref.loc["HREE", "economic_importance"]
        assert r["eu_critical"] == bool(ref.loc["HREE", "supply_risk"] >= 1 and ref.loc["HREE", "economic_importance"] >= 2.8)
        assert "Critical Raw Materials for the EU 2023" in r["eu_source"]
        assert r["hhi_mine"] == pytest.approx((1200 / 1440) ** 2 + (240 / 1440) ** 2, rel=1e-12)
        assert r["top_producer"] == "CN" and r["programs_exposed"] == 1
        assert r["max_share_from_top_producer"] == pytest.approx(0.8) and r["max_blocked_share"] == pytest.approx(0.8)
    m = c.loc[("metal", "JP")]
    assert pd.isna(m["eu_material"]) and pd.isna(m["eu_critical"]) and m["eu_source"] == ""
