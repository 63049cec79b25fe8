"""Resolution of scenarios to arrays (docs/simulation.md, section Scenario; DESIGN: Scenarios, Time)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from allyforge.scenario import ScenarioError, load_scenario, parse_scenario, resolve

ROOT = Path(__file__).resolve().parents[2]


def test_trade_rule_pro_rata_by_days(tiny):
    # tiny's cn-ban-jp bans dual_use CN->JP from 2026-02-10 to 2026-06-30 (inclusive):
    # February 2026 has 28 days, 9 before the 10th are open -> 9/28; March..June closed; July open.
    d = resolve(tiny, parse_scenario("name: a\nsamples: 1\n"))
    open_cn = d.base_lane_open[d.lanes.get_loc("ore-cn-jp")]
    np.testing.assert_allclose(open_cn[:7], [1, 9 / 28, 0, 0, 0, 0, 1], rtol=0, atol=1e-15)
    # lanes from other countries are untouched
    assert np.all(d.base_lane_open[d.lanes.get_loc("ore-au-jp")] == 1)


def test_rules_as_of_disable_add(tiny):
    before = resolve(tiny, parse_scenario("name: a\nsamples: 1\nrules: {as_of: 2026-02-09}\n"))
    assert len(before.rules) == 0 and np.all(before.base_lane_open == 1)
    off = resolve(tiny, parse_scenario("name: a\nsamples: 1\nrules: {disable: ['origin:CN']}\n"))
    assert np.all(off.base_lane_open == 1)
    lic = resolve(tiny, parse_scenario(
        "name: a\nsamples: 1\nrules:\n  disable: [cn-ban-jp]\n  add: [{id: l, origin_country: AU, destination_country: JP, items: [ore], start: 2026-03-01, end: 2026-03-31, effect: license, fraction: 0.25}]\n"))
    au = lic.base_lane_open[lic.lanes.get_loc("ore-au-jp")]
    np.testing.assert_allclose(au[1:4], [1, 0.25, 1])
    delay = resolve(tiny, parse_scenario(
        "name: a\nsamples: 1\nrules:\n  add: [{id: d, origin_country: AU, destination_country: '*', items: ['*'], start: 2026-05-16, effect: delay, delay: 1.5}]\n"))
    i = delay.lanes.get_loc("ore-au-jp")
    assert list(delay.lane_delay[i, 3:6]) == [0, 2, 2]
    np.testing.assert_allclose(delay.lane_delay_share[i, 3:6], [0, 16 / 31, 1])


def test_events_shape_the_arrays(tiny):
    sc = parse_scenario("""\
name: a
samples: 3
seed: 5
events:
  - {type: export_ban, origin: CN, destination: JP, items: [ore], start: 2026-08, duration: 2}
  - {type: site_outage, site: au-mine, start: 2026-02, duration: 1, severity: 0.75}
  - {type: capacity_change, processes: [us-assembly], start: 2026-03, duration: 2, factor: 2, delta: 1}
  - {type: demand_surge, items: [missile], parties: [JP], start: 2026-03, duration: 1, factor: 1.5, delta: 2}
  - {type: lane_cut, lanes: [metal-jp-us], start: 2026-05, duration: 1, severity: 0.5}
  - {type: second_source, lane: ore-au-jp, start: 2026-10, capacity: 7}
  - {type: invest, candidate: jp-line-2, start: 2026-02}
  - {type: invest, candidate: ore-stockpile, start: 2026-04}
""")
    d = resolve(tiny, sc)
    cap = d.capacity()
    P = d.processes.get_loc
    assert list(cap[0, P("au-mining"), :3]) == [20, 5, 20]
    # (base + delta) * factor, base 10 -> override 12 from July
    assert list(cap[0, P("us-assembly"), 1:8]) == [10, 22, 22, 10, 10, 12, 12]
    # candidate jp-assembly-2 (capacity 5, size 1) runs from Feb + lead time 2 = April
    assert list(cap[0, P("jp-assembly-2"), :5]) == [0, 0, 0, 5, 5]
    lo = d.lane_open()
    assert list(lo[0, d.lanes.get_loc("ore-cn-jp"), 6:10]) == [1, 0, 0, 1]  # July open (pack rule ended June 30), Aug-Sep banned
    assert list(lo[0, d.lanes.get_loc("metal-jp-us"), 3:6]) == [1, 0.5, 1]
    lc = d.lane_capacity()
    assert lc[0, d.lanes.get_loc("ore-au-jp"), 8] == np.inf  # active lane, unlimited already
    dem = d.demand()
    jp = int(np.flatnonzero((d.demands["party"] == "JP").to_numpy())[0])
    assert list(dem[0, jp, 2:4]) == [(4 + 2) * 1.5, 4]
    [sp] = d.stock_changes
    assert (sp.site, sp.item, sp.kind) == ("jp-refinery", "ore", "add") and sp.values[0, 3] == 100
    assert [i.candidate for i in d.investments] == ["jp-line-2", "ore-stockpile"]


def test_sample_k_is_the_same_at_any_sample_count(tiny):
    """DESIGN: sample k uses generator k spawned from SeedSequence(seed)."""
    text = """\
name: a
seed: 11
events:
  - {type: site_outage, site: au-mine, start: 2026-02, duration: {uniform: [1, 6]}, severity: {normal: [0.5, 0.2]}, occurs: {bernoulli: 0.5}}
  - {type: demand_noise, items: [missile], noise: {normal: [0, 2]}}
"""
    sc = parse_scenario(text)
    few = resolve(tiny, sc, samples=5)
    many = resolve(tiny, sc, samples=50)
    np.testing.assert_array_equal(few.capacity(), many.capacity()[:5])
    np.testing.assert_array_equal(few.demand(), many.demand()[:5])
    sub = resolve(tiny, sc, samples=np.array([7, 3]))
    np.testing.assert_array_equal(sub.demand(), many.demand()[[7, 3]])
    again = resolve(tiny, sc, samples=50)
    np.testing.assert_array_equal(again.capacity(), many.capacity())
    # draws actually vary across samples
    assert np.unique(many.capacity()[:, 1, 1]).size > 2


def test_resolution_problems_name_line_and_field(tiny):
    sc = parse_scenario("name: a\nevents:\n  - type: site_outage\n    site: atlantis\n  - {type: invest, candidate: nope}\n  - {type: lane_cut, lanes: [x], start: 2031-01}\n", "s.yaml")
    with pytest.raises(ScenarioError) as e:
        resolve(tiny, sc)
    got = {(p.line, p.field) for p in e.value.problems}
    assert (4, "events[0].site") in got and (5, "events[1].candidate") in got and (6, "events[2].start") in got


def test_horizon_past_calendar_is_an_error(tiny):
    with pytest.raises(ScenarioError, match="past the pack calendar"):
        resolve(tiny, parse_scenario("name: a\nstart: 2026-06\nperiods: 12\n"))


def test_documented_examples_resolve(tiny, stockpile_pack):
    for p in sorted((ROOT / "docs" / "scenarios").glob("*.yaml")):
        net = stockpile_pack if p.stem == "stockpile_release" else tiny
        d = resolve(net, load_scenario(p), samples=4)
        assert d.effects or d.stock_changes or d.investments, p.name
