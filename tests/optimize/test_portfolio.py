"""Mitigation portfolio: the SAA MILP against brute-force enumeration of every subset, budgets per
party and fiscal year, and the exported invest events run by the simulator."""

from __future__ import annotations

import numpy as np
import pytest

import allyforge
from allyforge.optimize.data import PlanningData
from allyforge.optimize.portfolio import brute_force_portfolio, budget_table, purchase_options, solve_portfolio
from allyforge.scenario import parse_scenario, resolve
from tests.optimize.conftest import write_serial_with_candidates

OUTAGE = "events:\n  - {type: site_outage, site: mine, start: 2026-02, duration: {uniform: [1, 4]}, severity: 1}\n"


def _serial_with_candidates(tmp_path, budget: float):
    return allyforge.load_pack(write_serial_with_candidates(tmp_path / "s", budget))


def _setup(net, samples: int = 3, extra: str = OUTAGE, pack: str = "serial"):
    sc = parse_scenario(f"name: t\npack: {pack}\nsamples: {samples}\nseed: 11\n{extra}")
    drv = resolve(net, sc)
    opts = purchase_options(net, drv)
    data = PlanningData(drv, drv.sample_ids, extra_stockpiles=tuple(sorted({f"{o.site}/{o.target}" for o in opts if o.kind == "stockpile"})))
    return data, opts, budget_table(net, drv)


@pytest.mark.parametrize("budget", [0, 1500, 2600])
def test_portfolio_equals_brute_force(tmp_path, budget) -> None:
    net = _serial_with_candidates(tmp_path, budget)
    data, opts, budgets = _setup(net)
    sol = solve_portfolio(data, opts, budgets)
    best, labels = brute_force_portfolio(data, opts, budgets)
    assert sol.objective == pytest.approx(best, rel=1e-6)
    spent = sol.chosen["cost"].sum()
    assert spent <= budget + 1e-9
    if budget == 0:
        assert sol.chosen.empty


def test_budget_fiscal_years_and_currencies(tiny) -> None:
    # tiny: JP's fiscal year starts in April (FY named by its start), US's in October (named by its end);
    # JP's budget is 1e9 JPY for FY2026 only, so JP can buy nothing in Jan-Mar 2026 (FY2025).
    data, opts, budgets = _setup(tiny, samples=2, extra="rules: {disable: ['*']}\n", pack="tiny")
    b = budgets.set_index(["party", "fiscal_year"])
    assert b.loc[("JP", 2025), "budget"] == 0 and b.loc[("JP", 2026), "budget"] == 1e9
    assert b.loc[("US", 2026), "budget"] == 5e6 and b.loc[("US", 2026), "currency"] == "USD"
    labels = {o.label for o in opts}
    assert {"jp-line-2@FY2025", "jp-line-2@FY2026", "ore-stockpile@FY2026"} <= labels
    sol = solve_portfolio(data, opts, budgets)
    assert (sol.chosen["fiscal_year"] == 2026).all()
    # 500M JPY line and the 2,000 USD stockpile (= 300,000 JPY at 150/USD) both fit JP's 1e9 JPY
    assert (sol.chosen["period"] >= "2026-04").all()


def test_exported_invest_events_run_in_the_simulator(tmp_path) -> None:
    from allyforge.optimize import scenario_yaml, with_investments
    from allyforge.scenario import parse_scenario as parse

    net = _serial_with_candidates(tmp_path, 2600)
    data, opts, budgets = _setup(net)
    sol = solve_portfolio(data, opts, budgets)
    assert len(sol.chosen)
    sc = parse_scenario(f"name: t\npack: serial\nsamples: 3\nseed: 11\n{OUTAGE}")
    text = scenario_yaml(with_investments(sc, sol.chosen))
    again = parse(text)
    invest = [e for e in again.events if e.type == "invest"]
    assert sorted(e.candidate for e in invest) == sorted(sol.chosen["candidate"])
    res = allyforge.simulate(net, again, samples=5, seed=3)
    base = allyforge.simulate(net, sc, samples=5, seed=3)
    assert res.total_shortfall().shape == (5,)
    assert (res.out.demand["backlog"].sum() <= base.out.demand["backlog"].sum() + 1e-9)


def test_public_api_is_deterministic(tiny) -> None:
    import allyforge.optimize.portfolio  # noqa: F401  (importing the subpackage must not shadow the function)

    sc = parse_scenario("name: t\npack: tiny\nsamples: 2\nseed: 9\nrules: {disable: ['*']}\n"
                        "events:\n  - {type: export_ban, origin: CN, destination: JP, items: [ore], start: 2026-02, duration: {uniform: [2, 8]}}\n")
    a = allyforge.optimize(tiny, sc, samples=2, eval_samples=10, pareto=(1.0,))
    b = allyforge.optimize(tiny, sc, samples=2, eval_samples=10, pareto=(1.0,))
    assert a.objective == b.objective
    assert a.portfolio.equals(b.portfolio)
    assert a.evaluation.equals(b.evaluation)
    assert {"expected unit-periods short (backlog at each period's end plus lost units)"} <= set(a.evaluation["measure"])


def test_budgets_spend_from_mitigation_rows_when_a_party_year_has_them(tiny_copy) -> None:
    # a mitigation budget is part of the total (schema: budgets.purpose), so the two are never added
    (tiny_copy / "budgets.csv").write_text(
        "party,fiscal_year,amount,currency,purpose,source\n"
        "JP,2026,9000000000000,JPY,total,s-assume\nJP,2026,1000000000,JPY,mitigation,s-assume\n"
        "US,2026,8000000,USD,,s-assume\n"
    )
    net = allyforge.load_pack(tiny_copy)
    drv = resolve(net, parse_scenario("name: t\npack: tiny\nsamples: 1\nseed: 1\n"))
    b = budget_table(net, drv).set_index(["party", "fiscal_year"])
    assert b.loc[("JP", 2026), "budget"] == 1e9 and b.loc[("JP", 2026), "source"] == "mitigation"
    assert b.loc[("US", 2026), "budget"] == 8e6 and b.loc[("US", 2026), "source"] == "total"  # blank purpose = total
    assert b.loc[("JP", 2025), "budget"] == 0 and b.loc[("JP", 2025), "source"] == "none"
    o = budget_table(net, drv, override={"US": 5.0}).set_index(["party", "fiscal_year"])
    assert o.loc[("US", 2026), "budget"] == 5.0 and o.loc[("US", 2026), "source"] == "override"
