"""Risk under a scenario (docs/risk.md, "One moment"): rules in force, events, stock and TTR, by hand on the tiny pack.

Hand figures use the tiny pack's CSV files (tests/fixtures/tiny): ore is mined in CN
(capacity 100/period) and AU (20/period) and shipped to the JP refinery 80/20 by
share; 2 ore make 1 metal; 3 metal make a missile at the US (10/period) and JP
(5/period) plants; in 2026-03 the US Army wants 8 and the JSDF 4 missiles, so
12 missiles = 72 ore per period; the refinery holds 50 ore; China's rule cn-ban-jp
bans dual-use items (ore, metal) CN → JP from 2026-02-10 to 2026-06-30.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import allyforge
from allyforge.risk import RiskInputError
from allyforge.risk.moment import from_network, moment
from allyforge.risk.tts import performance_impact, survive_time
from allyforge.scenario import parse_scenario, resolve

from .conftest import TINY

DEMAND = 8 + 4  # missiles per period in 2026-03
ORE_PER_MISSILE = 3 * 2
STOCK = 50.0  # ore at the refinery


def scenario(body: str):
    return parse_scenario("name: test\n" + body, "test.yaml")


def blocked(rep, program: str, material: str, country: str) -> float:
    return float(rep.exposure.set_index(["program", "material", "country"]).loc[(program, material, country), "blocked_share"])


def test_scenario_ban_changes_blocked_share_by_hand(tiny) -> None:
    sc = scenario(
        "rules:\n"
        "  disable: [cn-ban-jp]\n"
        "  add: [{id: jp-metal-ban, origin_country: JP, destination_country: '*', items: [metal], start: 2026-03-10, effect: ban}]\n"
        "events:\n"
        "  - {type: export_ban, origin: AU, destination: JP, items: [ore], fraction: 0.25, start: 2026-03}\n"
    )
    alone = allyforge.risk(tiny, at="2026-03-15")
    assert blocked(alone, "missile-jp", "ore", "CN") == pytest.approx(0.8)  # cn-ban-jp blocks the CN 80 %
    assert blocked(alone, "missile-jp", "ore", "AU") == 0.0
    assert blocked(alone, "missile-us", "metal", "JP") == 0.0

    rep = allyforge.risk(tiny, scenario=sc, at="2026-03-15")
    assert rep.rules_applied == ("jp-metal-ban",) and rep.events_applied == ("export_ban",)
    # cn-ban-jp disabled; the event licenses AU → JP ore at 25 %: 0.2 × (1 − 0.25) of JP's ore is blocked
    assert blocked(rep, "missile-jp", "ore", "CN") == 0.0
    assert blocked(rep, "missile-jp", "ore", "AU") == pytest.approx(0.2 * 0.75, rel=1e-12)
    # the added rule bans JP metal leaving Japan: all of the US program's metal, and the ore inside it;
    # the domestic JP → JP lane does not cross a border, so the JP program's metal passes (S2.2)
    assert blocked(rep, "missile-us", "metal", "JP") == pytest.approx(1.0)
    assert blocked(rep, "missile-us", "ore", "CN") == pytest.approx(0.8)
    assert blocked(rep, "missile-us", "ore", "AU") == pytest.approx(0.2)
    assert blocked(rep, "missile-jp", "metal", "JP") == 0.0
    sums = rep.exposure.groupby(["program", "material"])["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-12)

    # a rule is in force from its start day; the event acts on the whole period
    before = from_network(tiny, at="2026-03-09", scenario=sc)
    assert before.rules_applied == () and before.lanes.loc["metal-jp-us", "passing"] == 1.0
    assert before.lanes.loc["ore-au-jp", "passing"] == pytest.approx(0.25)


def test_scenario_ttr_changes_pi_by_hand(tiny) -> None:
    """Losing the AU mine while CN ore is banned leaves the refinery's 50 ore: 50/6 missiles, so
    PI(TTR) = 12·TTR − 50/6 and TTS = 50/72. A site_outage of au-mine lasting 5 periods (starting
    after --at, so capacities at --at are untouched) makes its TTR 5 instead of the pack's 3."""
    sc = scenario("events:\n  - {type: site_outage, site: au-mine, start: 2026-06, duration: 5}\n")
    pi = lambda ttr: DEMAND * ttr - STOCK / ORE_PER_MISSILE  # noqa: E731

    alone = allyforge.risk(tiny, at="2026-03").tts.set_index("node")
    assert alone.loc["au-mine", "ttr"] == 3.0
    assert alone.loc["au-mine", "pi"] == pytest.approx(pi(3), rel=1e-9)

    rep = allyforge.risk(tiny, scenario=sc, at="2026-03")
    t = rep.tts.set_index("node")
    assert rep.events_applied == ()  # the outage is not in force in 2026-03
    assert t.loc["au-mine", "ttr"] == 5.0
    assert t.loc["au-mine", "pi"] == pytest.approx(pi(5), rel=1e-9)
    assert t.loc["au-mine", "tts"] == pytest.approx(STOCK / (DEMAND * ORE_PER_MISSILE), rel=1e-9)
    assert bool(t.loc["au-mine", "flagged"])
    assert t.loc["cn-mine", "ttr"] == 3.0  # untouched by the scenario

    # --ttr overrides the scenario
    over = allyforge.risk(tiny, scenario=sc, at="2026-03", ttr={"au-mine": 2}).tts.set_index("node")
    assert over.loc["au-mine", "ttr"] == 2.0 and over.loc["au-mine", "pi"] == pytest.approx(pi(2), rel=1e-9)


def test_drawn_outage_duration_is_the_samples_ttr(tiny) -> None:
    """TTR of sample k is the number of periods resolve() cuts the site's capacity in sample k."""
    sc = scenario("samples: 6\nseed: 11\nevents:\n  - {type: site_outage, site: au-mine, start: 2026-03, duration: {uniform: [2, 9]}}\n")
    d = resolve(tiny, sc)
    p = list(d.processes).index("au-mining")
    out_periods = (d.capacity()[:, p, :] < 20).sum(axis=1)
    assert len(set(out_periods)) > 1  # the draws differ across samples
    for k in range(sc.samples):
        m = moment(tiny, at="2026-03", scenario=sc, sample=k)
        ttr = m.graph.sites.loc["au-mine", "ttr"]
        assert ttr == out_periods[k]
        # the outage is in force at 2026-03: the mine's capacity is already 0, so PI is demand less the stock's missiles
        assert m.graph.processes.loc["au-mining", "capacity"] == 0.0
        assert performance_impact(m.graph, ["au-mining"], ttr) == pytest.approx(DEMAND * ttr - STOCK / ORE_PER_MISSILE, rel=1e-9)


def test_same_scenario_and_sample_same_report(tiny) -> None:
    """Determinism: the same sample gives identical tables; another sample draws another outage length."""
    sc = scenario("seed: 5\nevents:\n  - {type: site_outage, site: au-mine, start: 2026-05, duration: {uniform: [2, 9]}}\n")
    a, b = (allyforge.risk(tiny, scenario=sc, at="2026-03", sample=3) for _ in range(2))
    for name, df in a.tables().items():
        assert df.equals(b.tables()[name]), name
    ttrs = {float(moment(tiny, at="2026-03", scenario=sc, sample=k).graph.sites.loc["au-mine", "ttr"]) for k in range(8)}
    assert len(ttrs) > 1
    d = resolve(tiny, sc, samples=8)
    assert d.subset(np.array([3])).draws[0]["duration"].tolist() == [d.draws[0]["duration"][3]]


@pytest.mark.parametrize(
    ("events", "tts"),
    [
        ("", STOCK / (72 - 20)),  # CN banned: ore = stock + AU's 20 per period against 72
        ("[{type: capacity_change, processes: [au-mining], factor: 2, start: 2026-03}]", STOCK / (72 - 40)),
        ("[{type: site_outage, site: au-mine, severity: 0.5, start: 2026-02}]", STOCK / (72 - 10)),
        # US demand 8 → 10 (its plant's capacity): 14 missiles = 84 ore per period
        ("[{type: demand_surge, items: [missile], parties: [US], factor: 1.25, start: 2026-03}]", STOCK / ((8 * 1.25 + 4) * 6 - 20)),
        ("[{type: invest, candidate: ore-stockpile, start: 2026-02}]", (STOCK + 100) / (72 - 20)),  # +100 ore at the refinery, lead 0
        ("[{type: lane_cut, lanes: [ore-au-jp], severity: 1, start: 2026-03}]", STOCK / 72),
    ],
)
def test_events_shape_time_to_survive_by_hand(tiny, events: str, tts: float) -> None:
    """TTS of losing the CN mine (banned anyway, so the intact network's TTS) under each kind of event."""
    sc = scenario(f"events: {events or '[]'}\n")
    g = from_network(tiny, at="2026-03", scenario=sc)
    assert survive_time(g, ["cn-mining"]) == pytest.approx(tts, rel=1e-9)


def test_invested_candidate_process_joins_after_its_lead_time(tiny) -> None:
    """jp-line-2 (substitute, lead 2) bought in 2026-01 lets candidate jp-assembly-2 run at 1 × its capacity 5 from 2026-03."""
    sc = scenario("events: [{type: invest, candidate: jp-line-2, start: 2026-01}]\n")
    assert "jp-assembly-2" not in from_network(tiny, at="2026-02", scenario=sc).processes.index
    assert from_network(tiny, at="2026-03", scenario=sc).processes.loc["jp-assembly-2", "capacity"] == 5.0
    assert "jp-assembly-2" not in from_network(tiny, at="2026-03").processes.index


def test_stockpile_release_rules(tmp_path) -> None:
    """S9: a stockpile with release `scenario` counts only what release events have moved out; `never` counts nothing."""
    pack = tmp_path / "tiny"
    shutil.copytree(TINY, pack)
    stocks = pack / "stocks.csv"
    text = stocks.read_text().replace("jp-refinery,ore,50,none,,on_shortfall", "jp-refinery,ore,50,stockpile,50,scenario")
    stocks.write_text(text)
    net = allyforge.load_pack(pack)
    assert survive_time(from_network(net, at="2026-03"), ["cn-mining"]) == 0.0
    sc = scenario("events: [{type: stockpile_release, site: jp-refinery, item: ore, quantity: 30, start: 2026-02}]\n")
    assert survive_time(from_network(net, at="2026-03", scenario=sc), ["cn-mining"]) == pytest.approx(30 / 52, rel=1e-9)
    stocks.write_text(text.replace(",scenario", ",on_shortfall"))
    assert survive_time(from_network(allyforge.load_pack(pack), at="2026-03"), ["cn-mining"]) == pytest.approx(50 / 52, rel=1e-9)


def test_at_defaults_to_the_horizons_first_period(tiny) -> None:
    assert allyforge.risk(tiny).at == tiny.periods[0] == "2026-01"
    sc = scenario("start: 2026-03\nperiods: 2\n")
    rep = allyforge.risk(tiny, scenario=sc)
    assert rep.at == "2026-03" and rep.horizon == 2 and rep.scenario == "test" and rep.sample == 0
    with pytest.raises(RiskInputError, match="outside scenario test's horizon 2026-03..2026-04"):
        from_network(tiny, at="2026-06", scenario=sc)
    with pytest.raises(RiskInputError, match="--sample"):
        from_network(tiny, scenario=sc, sample=500)


def test_scenario_by_name_or_path(tiny, tmp_path) -> None:
    p = tmp_path / "ban.yaml"
    p.write_text("name: ban\nrules: {disable: ['*']}\n")
    rep = allyforge.risk(tiny, scenario=p, at="2026-03")
    assert rep.scenario == "ban" and rep.rules_applied == ()
    assert rep.exposure["blocked_share"].max() == 0.0


@pytest.mark.slow
def test_bundled_scenarios_agree_with_the_scenario_layer() -> None:
    """On a day no rule starts or ends near, risk's pass fractions equal resolve()'s open shares (S2.3) for every lane."""
    from allyforge.pack import bundled_packs
    from allyforge.scenario import load_scenario

    if "us-japan-2026" not in bundled_packs():
        pytest.skip("bundled pack us-japan-2026 not in this checkout")
    net = allyforge.load_pack("us-japan-2026")
    ban = load_scenario("china-export-ban-2026")
    g = from_network(net, at="2026-03-15", scenario=ban)
    d = resolve(net, ban, samples=np.array([0]))
    t = d.periods.index("2026-03")
    open_share = dict(zip(d.lanes, d.lane_open_at(t)[0]))
    np.testing.assert_allclose(g.lanes["passing"].to_numpy(), [open_share[l] for l in g.lanes.index], rtol=0, atol=1e-12)
    # China's own mine → refiner lanes are not exports: no rule touches them
    assert g.lanes.loc["gallium--cn-ga-primary--cn-ga-refiners", "passing"] == 1.0
    # as_of 2026-01-06 leaves out the rules that start later; the pack alone has them in force in December
    asof = load_scenario("as-of-2026-01")
    assert "y04-c2-us-resumes" in from_network(net, at="2026-12-15").rules_applied
    assert "y04-c2-us-resumes" not in from_network(net, at="2026-12-15", scenario=asof).rules_applied
    # the escalation closes exactly the CN → JP lanes of its items that the rules in force left open
    asof_g = from_network(net, at="2026-03-15", scenario=asof)
    items = set().union(*(net.items_in_group(i) for i in ban.events[0].items))
    cty = net.table("sites")["country"]
    closed = set(g.lanes.index[g.lanes["passing"] < asof_g.lanes["passing"].reindex(g.lanes.index)])
    want = {l for l, r in g.lanes.iterrows() if r["item"] in items and cty[r["origin"]] == "CN" and cty[r["destination"]] == "JP" and asof_g.lanes.loc[l, "passing"] > 0}
    assert closed == want and len(want) > 0
    assert (g.lanes.loc[sorted(want), "passing"] == 0).all()
