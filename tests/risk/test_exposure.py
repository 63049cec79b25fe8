"""Exposure tracing: shares sum to 1 per material and equal hand-computed products of lane shares."""

from __future__ import annotations

import numpy as np
import pytest

from allyforge.risk.exposure import build_sourcing, exposure, lane_split, paths
from allyforge.risk.graph import make_graph
from allyforge.risk.moment import from_network

from .random_nets import random_graph


def two_tier(ban_cn_ore: bool = False, license_cn_magnet: float = 1.0):
    """Ore (CN 70/30 AU into refiner JP; AU only into refiner KR) → metal (JP 60/40 KR, 2 ore per metal)
    → missile plant US (3 metal + 1 magnet; magnets JP 25 / CN 75) → customer."""
    return make_graph(
        sites={"m_cn": {"country": "CN"}, "m_au": {"country": "AU"}, "r1": {"country": "JP"}, "r2": {"country": "KR"},
               "mg_jp": {"country": "JP"}, "mg_cn": {"country": "CN"}, "P": {"country": "US"}, "cust": {"country": "US"}},
        processes={"mcn": ("m_cn", 100), "mau": ("m_au", 100), "ref1": ("r1", 50), "ref2": ("r2", 50), "gjp": ("mg_jp", 10), "gcn": ("mg_cn", 10), "asm": ("P", 5)},
        outputs=[("mcn", "ore", 1), ("mau", "ore", 1), ("ref1", "metal", 1), ("ref2", "metal", 1), ("gjp", "magnet", 1), ("gcn", "magnet", 1), ("asm", "missile", 1)],
        inputs=[("ref1", "ore", 2), ("ref2", "ore", 2), ("asm", "metal", 3), ("asm", "magnet", 1)],
        lanes={
            "o1": ("ore", "m_cn", "r1", None, 0.7, 1, 0.0 if ban_cn_ore else 1.0),
            "o2": ("ore", "m_au", "r1", None, 0.3, 2, 1.0),
            "o3": ("ore", "m_au", "r2", None, None, 1, 1.0),
            "t1": ("metal", "r1", "P", None, 0.6, 1, 1.0),
            "t2": ("metal", "r2", "P", None, 0.4, 2, 1.0),
            "g1": ("magnet", "mg_jp", "P", None, 0.25, 1, 1.0),
            "g2": ("magnet", "mg_cn", "P", None, 0.75, 2, license_cn_magnet),
            "d": ("missile", "P", "cust", None, None, 1, 1.0),
        },
        demands=[("cust", "missile", "US", 4)],
        programs={"prog": ("missile", "US")},
        items={"ore": "mineral", "metal": "material", "magnet": "component", "missile": "end_item"},
    )


def test_two_tier_equals_hand_products() -> None:
    ex = exposure(two_tier()).set_index(["material", "country"])
    # ore: CN only via refiner JP (0.6 × 0.7); AU via JP (0.6 × 0.3) and KR (0.4 × 1)
    assert ex.loc[("ore", "CN"), "share"] == pytest.approx(0.6 * 0.7, rel=1e-12)
    assert ex.loc[("ore", "AU"), "share"] == pytest.approx(0.6 * 0.3 + 0.4 * 1.0, rel=1e-12)
    # per unit of missile: 3 metal × 2 ore, split the same way
    assert ex.loc[("ore", "CN"), "per_unit"] == pytest.approx(3 * 2 * 0.6 * 0.7, rel=1e-12)
    assert ex.loc[("ore", "AU"), "per_unit"] == pytest.approx(3 * 2 * (0.6 * 0.3 + 0.4), rel=1e-12)
    assert ex.loc[("metal", "JP"), "share"] == pytest.approx(0.6)
    assert ex.loc[("metal", "KR"), "share"] == pytest.approx(0.4)
    assert ex.loc[("magnet", "CN"), "share"] == pytest.approx(0.75)
    assert (ex["blocked_share"] == 0).all()


def test_two_tier_blocked_shares() -> None:
    ex = exposure(two_tier(ban_cn_ore=True, license_cn_magnet=0.5)).set_index(["material", "country"])
    assert ex.loc[("ore", "CN"), "blocked_share"] == pytest.approx(0.6 * 0.7)
    assert ex.loc[("ore", "AU"), "blocked_share"] == pytest.approx(0.0)
    assert ex.loc[("magnet", "CN"), "blocked_share"] == pytest.approx(0.75 * 0.5)
    assert ex.loc[("ore", "CN"), "share"] == pytest.approx(0.42)  # the plan is unchanged; only arrival is


def test_priority_decides_when_shares_blank() -> None:
    g = two_tier()
    g.lanes.loc[["t1", "t2"], "share"] = np.nan
    split = lane_split(g)
    assert split["t1"] == 1.0 and split["t2"] == 0.0
    ex = exposure(g).set_index(["material", "country"])
    assert ex.loc[("ore", "CN"), "share"] == pytest.approx(0.7)


@pytest.mark.parametrize("seed", range(8))
def test_shares_sum_to_one_per_material(seed: int) -> None:
    ex = exposure(random_graph(seed, layers=4, width=5))
    sums = ex.groupby(["program", "material"])["share"].sum()
    assert len(sums) > 0
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)


def test_paths_follow_shares_on_tiny(tiny) -> None:
    g = from_network(tiny, at="2026-03")
    s = build_sourcing(g)
    p = paths(g, s, "missile-jp")
    ore = p[p["material"] == "ore"].set_index("origin_country")
    assert ore.loc["CN", "share"] == pytest.approx(0.8) and ore.loc["CN", "passing"] == 0.0  # cn-ban-jp in force 2026-02-10..06-30
    assert ore.loc["AU", "share"] == pytest.approx(0.2) and ore.loc["AU", "passing"] == 1.0
    assert "Mine CN (CN)" in ore.loc["CN", "path"] and "Refinery JP (JP)" in ore.loc["CN", "path"]
    ex = exposure(g)
    assert ex.groupby(["program", "material"])["share"].sum().round(12).eq(1).all()


def test_rules_window_on_tiny(tiny) -> None:
    """The CN→JP ban starts 2026-02-10: not in force on 2026-02-09, in force the day after."""
    before = exposure(from_network(tiny, at="2026-02-09"))
    after = exposure(from_network(tiny, at="2026-02-10"))
    assert before["blocked_share"].max() == 0
    assert after.set_index(["program", "material", "country"]).loc[("missile-us", "ore", "CN"), "blocked_share"] == pytest.approx(0.8)


def test_cyclic_sourcing_falls_back_to_lu() -> None:
    """A depot pair trading an item both ways: x_A = 1 + x_B, x_B = x_A / 2 → x_A = 2, mine draws 0.5 · 2 = 1."""
    g = make_graph(
        sites={"M": {"country": "AU"}, "A": {"country": "JP"}, "B": {"country": "JP"}, "P": {"country": "JP"}},
        processes={"mine": ("M", 10), "asm": ("P", 10)},
        outputs=[("mine", "ore", 1), ("asm", "widget", 1)],
        inputs=[("asm", "ore", 1)],
        lanes={"ma": ("ore", "M", "A", None, 0.5, 1, 1.0), "ba": ("ore", "B", "A", None, 0.5, 1, 1.0),
               "ab": ("ore", "A", "B", None, 1.0, 1, 1.0), "ap": ("ore", "A", "P", None, 1.0, 1, 1.0)},
        demands=[("P", "widget", "JP", 1)],
        programs={"w": ("widget", "JP")},
    )
    ex = exposure(g).set_index(["material", "country"])
    assert ex.loc[("ore", "AU"), "per_unit"] == pytest.approx(1.0, rel=1e-9)
    assert ex.loc[("ore", "AU"), "share"] == pytest.approx(1.0)
