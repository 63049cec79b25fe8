"""SimulationResult (docs/simulation.md S13; DESIGN: Results): labeled arrays, tidy tables, streaming,
determinism and sample independence (DESIGN: Simulation rules, SeedSequence)."""

from __future__ import annotations

import numpy as np

import allyforge
from allyforge.scenario import parse_scenario

NOISY = """\
name: noisy
seed: 5
events:
  - {type: site_outage, site: au-mine, start: 2026-02, duration: {uniform: [1, 6]}, severity: {uniform: [0.2, 1]}}
  - {type: demand_noise, items: [missile], noise: {normal: [0, 2]}}
"""


def test_identical_inputs_identical_results(tiny):
    a = allyforge.simulate(tiny, parse_scenario(NOISY), samples=6)
    b = allyforge.simulate(tiny, parse_scenario(NOISY), samples=6)
    for k in a.out.demand:
        np.testing.assert_array_equal(a.out.demand[k], b.out.demand[k])
    np.testing.assert_array_equal(a.out.node["on_hand"], b.out.node["on_hand"])


def test_sample_k_is_the_same_whatever_the_sample_count(tiny):
    few = allyforge.simulate(tiny, parse_scenario(NOISY), samples=3)
    many = allyforge.simulate(tiny, parse_scenario(NOISY), samples=12)
    np.testing.assert_array_equal(few.out.demand["delivered"], many.out.demand["delivered"][:3])
    np.testing.assert_array_equal(few.out.runs, many.out.runs[:3])
    assert not np.array_equal(many.out.demand["due"][0], many.out.demand["due"][1])


def test_streamed_aggregates_equal_the_full_arrays(tiny):
    full = allyforge.simulate(tiny, parse_scenario(NOISY), samples=9)
    streamed = allyforge.simulate(tiny, parse_scenario(NOISY), samples=9, stream_threshold=10)
    assert full.full and not streamed.full
    for k in full.out.node:
        np.testing.assert_allclose(streamed.out.node[k][0], full.out.node[k].sum(0), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(streamed.out.lane[0], full.out.lane.sum(0), rtol=1e-12, atol=1e-9)
    for k in full.out.demand:
        np.testing.assert_array_equal(streamed.out.demand[k], full.out.demand[k])
    assert streamed.summary(sensitivity=False)["programs"] == full.summary(sensitivity=False)["programs"]
    f = streamed.to_frame("node")
    assert set(f["sample"]) == {-1}


def test_chunks_do_not_change_results(tiny, monkeypatch):
    import allyforge.simulate as sim

    one = allyforge.simulate(tiny, parse_scenario(NOISY), samples=7, stream_threshold=10)
    monkeypatch.setattr(sim, "CHUNK_VALUES", 1)  # one sample per chunk
    many = allyforge.simulate(tiny, parse_scenario(NOISY), samples=7, stream_threshold=10)
    np.testing.assert_array_equal(one.out.demand["delivered"], many.out.demand["delivered"])
    np.testing.assert_allclose(one.out.node["on_hand"], many.out.node["on_hand"], rtol=1e-12)


def test_labeled_arrays_and_tidy_tables(tiny, tmp_path):
    r = allyforge.simulate(tiny, parse_scenario(NOISY), samples=4)
    ds = r.to_xarray()
    assert ds["node_on_hand"].dims == ("sample", "period", "node")
    assert ds.sizes["sample"] == 4 and ds.sizes["period"] == 12
    assert ds["demand_delivered"].sel(sample=2).sum() == r.out.demand["delivered"][2].sum()
    f = r.to_frame("demand")
    assert len(f) == 4 * len(r.demands) * 12
    assert list(f.columns) == ["sample", "period", "site", "item", "party", "due", "delivered", "backlog", "lost"]
    paths = r.export(tmp_path / "csv", fmt="csv")
    assert sorted(p.name for p in paths) == ["costs.csv", "demand.csv", "lane.csv", "node.csv", "process.csv", "summary.json"]


def test_summary_has_every_part_the_issue_asks_for(tiny):
    r = allyforge.simulate(tiny, parse_scenario(NOISY), samples=20)
    s = r.summary()
    p = s["programs"][0]
    for key in ("required_p50", "delivered_p10", "delivered_p50", "delivered_p90", "shortfall_p50", "short_unit_periods_p50",
                "first_short_period_p50", "binding"):
        assert key in p
    assert p["delivered_p10"] <= p["delivered_p50"] <= p["delivered_p90"]
    shares = [b[1] for b in p["binding"]]
    assert abs(sum(shares) - 1) < 1e-9
    assert s["warnings"] and "20 samples" in s["warnings"][0]
    assert {c["currency"] for c in s["costs"] if c["party"] == "JP"} == {"JPY"}
    assert len(s["sensitivity"]) == 2
    # more metal per missile cannot reduce the shortfall (monotone in the recipe)
    for row in s["sensitivity"]:
        assert row["delta_high"] >= -1e-9 and row["delta_low"] <= 1e-9
    assert not allyforge.simulate(tiny, parse_scenario(NOISY), samples=100).warnings()


def test_network_is_not_modified(tiny):
    h = tiny.content_hash
    before = tiny.table("stocks").copy()
    allyforge.simulate(tiny, parse_scenario(NOISY), samples=2)
    assert tiny.content_hash == h and tiny.table("stocks").equals(before)
