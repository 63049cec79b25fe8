"""Benders decomposition of the SAA portfolio against two references written another way: the
extensive-form MILP (one linopy model, every sample at once) and brute-force enumeration of every
affordable subset (tests/optimize/test_portfolio.py's reference). Also: every cut it keeps is a
valid lower bound of the recourse (the subgradient sign), checked at every binary point."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import allyforge
from allyforge.optimize.benders import BendersSAA
from allyforge.optimize.data import PlanningData
from allyforge.optimize.portfolio import brute_force_portfolio, budget_table, purchase_options, solve_portfolio
from allyforge.scenario import parse_scenario, resolve
from tests.optimize.conftest import write_serial_with_candidates

OUTAGE = "events:\n  - {type: site_outage, site: mine, start: 2026-02, duration: {uniform: [1, 4]}, severity: 1}\n"


def _instance(tmp_path, budget: float, samples: int = 6):
    net = allyforge.load_pack(write_serial_with_candidates(tmp_path / "s", budget))
    sc = parse_scenario(f"name: t\npack: serial\nsamples: {samples}\nseed: 11\n{OUTAGE}")
    drv = resolve(net, sc)
    opts = purchase_options(net, drv)
    data = PlanningData(drv, drv.sample_ids, extra_stockpiles=tuple(sorted({f"{o.site}/{o.target}" for o in opts if o.kind == "stockpile"})))
    return data, opts, budget_table(net, drv)


@pytest.mark.parametrize("budget", [0, 900, 1500, 2600])
def test_benders_equals_extensive_and_brute_force(tmp_path, budget) -> None:
    data, opts, budgets = _instance(tmp_path, budget)
    benders = solve_portfolio(data, opts, budgets, method="benders", mip_gap=1e-9)
    extensive = solve_portfolio(data, opts, budgets, method="extensive", mip_gap=1e-9)
    best, labels = brute_force_portfolio(data, opts, budgets)
    assert benders.solver["method"] == "benders" and benders.solver["condition"] == "optimal"
    assert benders.objective == pytest.approx(best, rel=1e-8)
    assert extensive.objective == pytest.approx(best, rel=1e-8)
    assert sorted(benders.chosen["candidate"] + "@FY" + benders.chosen["fiscal_year"].astype(str)) == sorted(labels)
    # in-sample shortfall per sample: the same recourse, so the same figures
    np.testing.assert_allclose(benders.in_sample_unit_periods, extensive.in_sample_unit_periods, rtol=1e-7, atol=1e-7)


def test_every_cut_bounds_the_recourse_from_below(tmp_path) -> None:
    # Q_g is convex in the purchases; a cut a + s.x must lie below Q_g at every point and touch it where it was taken
    data, opts, budgets = _instance(tmp_path, 2600)
    saa = BendersSAA(data, opts, seed=3)
    saa.solve(budgets, mip_gap=1e-9)
    points = [np.array(p, float) for p in itertools.product([0, 1], repeat=len(opts))]
    value = {p.tobytes(): np.array([saa._solve_sub(g, p)[0] for g in range(len(saa.subs))]) for p in points}
    assert len(saa.cuts) >= len(saa.subs)
    for g, a, s in saa.cuts:
        for p in points:
            q = value[p.tobytes()][g]
            assert a + s @ p <= q + 1e-7 * max(1.0, abs(q))


def test_cuts_are_shared_across_budgets(tmp_path) -> None:
    # the Pareto curve solves one SAA at several budgets: the answers do not depend on the order
    data, opts, budgets = _instance(tmp_path, 1500)
    up, down = BendersSAA(data, opts), BendersSAA(data, opts)
    scales = (0.0, 0.6, 1.0, 2.0)
    a = [up.solve(budgets.assign(budget=budgets["budget"] * s), mip_gap=1e-9).objective for s in scales]
    b = [down.solve(budgets.assign(budget=budgets["budget"] * s), mip_gap=1e-9).objective for s in reversed(scales)][::-1]
    assert a == pytest.approx(b, rel=1e-9)
    assert a == sorted(a, reverse=True)  # more budget never costs shortfall
    for s, obj in zip(scales, a):
        fresh = solve_portfolio(data, opts, budgets.assign(budget=budgets["budget"] * s), method="extensive", mip_gap=1e-9)
        assert obj == pytest.approx(fresh.objective, rel=1e-8)


def test_deterministic(tmp_path) -> None:
    data, opts, budgets = _instance(tmp_path, 2600)
    x = solve_portfolio(data, opts, budgets)
    y = solve_portfolio(data, opts, budgets)
    assert x.objective == y.objective and x.chosen.equals(y.chosen)
    assert x.solver["threads"] == 1 and "random_seed" in x.solver
