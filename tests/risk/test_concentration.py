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
