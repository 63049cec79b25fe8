"""Candidates a scenario offers beside the pack's (issue 6: "Candidates from the pack's candidates
table or the scenario"): checked against the pack with line and field, merged so that invest
events, the portfolio and an exported portfolio see one list."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import allyforge
from allyforge.cli import app
from allyforge.scenario import ScenarioError, parse_scenario
from allyforge.scenario.candidates import network_for
from tests.optimize.conftest import write_serial_with_candidates

OUTAGE = "events:\n  - {type: site_outage, site: mine, start: 2026-02, duration: {uniform: [1, 4]}, severity: 1}\n"
CANDIDATES_YAML = ("candidates:\n"
                   "  - {id: more-making, kind: capacity, target: making, size: 2, cost: 1000, currency: USD, party: US, lead_time: 1, details: Second shift, source: [s1]}\n"
                   "  - {id: more-mining, kind: capacity, target: mining, size: 3, cost: 800, currency: USD, party: US, details: New pit, source: [s1]}\n"
                   "  - {id: widget-pile, kind: stockpile, target: widget, site: base, size: 3, cost: 700, currency: USD, party: US, details: Widget stockpile, source: [s1]}\n")


def _serial(tmp_path, with_candidates: bool):
    """The optimizer tests' serial chain with its three candidates in the pack, or with none (the scenario offers them)."""
    return allyforge.load_pack(write_serial_with_candidates(tmp_path / ("with" if with_candidates else "without"), 2600, candidates=with_candidates))


def test_scenario_candidates_join_the_pack_table_and_merging_twice_changes_nothing(tmp_path):
    net = _serial(tmp_path, with_candidates=False)
    sc = parse_scenario(f"name: t\npack: serial\nsamples: 2\nseed: 1\n{CANDIDATES_YAML}")
    merged = network_for(net, sc)
    pack = _serial(tmp_path, with_candidates=True)
    cols = ["kind", "target", "size", "cost", "currency", "party", "lead_time", "details", "source"]
    assert merged.table("candidates")[cols].equals(pack.table("candidates")[cols])
    assert merged.content_hash != net.content_hash
    assert network_for(merged, sc) is merged
    assert network_for(net, parse_scenario("name: t\n")) is net


def test_an_invest_event_buys_a_scenario_candidate(tmp_path):
    """The stockpile candidate of the scenario puts 3 widgets in reserve at base and costs 700."""
    net = _serial(tmp_path, with_candidates=False)
    text = f"name: t\npack: serial\nsamples: 1\nseed: 1\n{CANDIDATES_YAML}events:\n  - {{type: invest, candidate: widget-pile, start: 2026-01}}\n"
    res = allyforge.simulate(net, parse_scenario(text))
    f = res.to_frame("node")
    added = f[f["node"] == "widget@base"]["added"].to_numpy()
    assert added[0] == pytest.approx(3.0) and np.allclose(added[1:], 0)
    c = res.to_frame("costs")
    assert c[c["category"] == "investment"]["amount_base"].sum() == pytest.approx(700.0)


def test_a_portfolio_from_scenario_candidates_equals_one_from_pack_candidates(tmp_path):
    pack = _serial(tmp_path, with_candidates=True)
    bare = _serial(tmp_path, with_candidates=False)
    base = f"name: t\npack: serial\nsamples: 3\nseed: 11\n{OUTAGE}"
    a = allyforge.optimize(pack, parse_scenario(base), samples=3, eval_samples=10, pareto=(1.0,))
    b = allyforge.optimize(bare, parse_scenario(base + CANDIDATES_YAML), samples=3, eval_samples=10, pareto=(1.0,))
    assert len(a.portfolio)
    assert a.portfolio["candidate"].tolist() == b.portfolio["candidate"].tolist()
    assert a.evaluation.equals(b.evaluation)
    # the exported portfolio carries the scenario's candidates, so the simulator runs it on the bare pack
    res = allyforge.simulate(bare, b.invest_scenario, samples=4, seed=2)
    assert res.total_shortfall().shape == (4,)


def test_bad_scenario_candidates_name_line_and_field(tmp_path):
    net = _serial(tmp_path, with_candidates=True)
    text = ("name: t\npack: serial\ncandidates:\n"
            "  - {id: more-mining, kind: capacity, target: mining, size: 9, cost: 1, currency: USD, party: US}\n"
            "  - {id: lane-x, kind: second_source, target: ore-lane, size: 1, cost: 1, currency: EUR, party: JP, source: [nope]}\n"
            "  - {id: pile, kind: stockpile, target: widget, size: 1, cost: 1, currency: USD, party: US}\n")
    with pytest.raises(ScenarioError) as e:
        network_for(net, parse_scenario(text))
    got = {(p.line, p.field) for p in e.value.problems}
    assert got == {(4, "candidates[0].id"), (5, "candidates[1].target"), (5, "candidates[1].currency"), (5, "candidates[1].party"),
                   (5, "candidates[1].source"), (6, "candidates[2].site")}


def test_cli_run_exits_2_on_a_bad_scenario_candidate(tmp_path, tiny_path):
    sc = tmp_path / "bad.yaml"
    sc.write_text(f"name: bad\npack: {tiny_path}\ncandidates:\n  - {{id: x, kind: capacity, target: no-such-process, size: 1, cost: 1, currency: USD, party: US}}\n")
    r = CliRunner().invoke(app, ["run", str(sc), "--samples", "2", "--no-sensitivity"])
    assert r.exit_code == 2, r.output
    assert "candidates[0].target" in r.output and "no-such-process" in r.output
