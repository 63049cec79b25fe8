"""The planning LP: conservation, trade rules, an independent formulation, infeasibility in names.

References: the simulator's physical rules (docs/simulation.md S1-S3, S9-S11) and an LP
for the serial chain written here independently, index by index, solved by scipy's
`linprog` (HiGHS through SciPy, not linopy).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

import allyforge
from allyforge.optimize.solve import InfeasibleError, solve_planning
from allyforge.scenario import parse_scenario
from tests.optimize.conftest import write_serial_pack


def _sc(pack: str, extra: str = "") -> object:
    return parse_scenario(f"name: t\npack: {pack}\nsamples: 1\nseed: 3\n{extra}")


def _pivot(plan, name: str, entity: str):
    f = plan.flows[name]
    return f.pivot_table(index=entity, columns="period", values="value")


def _serial_lp_by_hand(demand, mine_cap, make_cap) -> float:
    """Serial chain LP written from the rules alone (no allyforge code).

    Per period t: mine[t] (runs, output 1 ore at t+1), make[t] (2 ore in at t, 1 widget at t+1),
    ore[t] shipped mine->plant arriving t+1, wid[t] shipped plant->base arriving t,
    stocks: Im (mine ore), Ip (plant ore), Iw (plant widget), Ib (base widget); deliveries D;
    backlog B[t] = B[t-1] + d[t] - D[t]. Costs: backlog 1000/unit/period, making 10/run,
    ore transport 2/unit, holding ore 0.5 and widgets 5 per unit per period on hand, ore in
    transit at the mine's 0.5 for each period end it is on the way (lead 1: one, except in
    the last period when it arrives after the horizon).
    """
    T = len(demand)
    names = ["mine", "make", "ore", "wid", "Im", "Ip", "Iw", "Ib", "D", "B"]
    col = {n: i for i, n in enumerate(names)}
    nv = len(names) * T

    def v(n, t):
        return col[n] * T + t

    c = np.zeros(nv)
    for t in range(T):
        c[v("B", t)] = 1000
        c[v("make", t)] = 10
        c[v("ore", t)] = 2 + 0.5 * min(1, T - t)
        c[v("Im", t)] = c[v("Ip", t)] = 0.5
        c[v("Iw", t)] = c[v("Ib", t)] = 5
    A, b = [], []

    def row(terms, rhs):
        r = np.zeros(nv)
        for (n, t), k in terms.items():
            if 0 <= t < T:
                r[v(n, t)] += k
        A.append(r)
        b.append(rhs)

    for t in range(T):
        row({("Im", t): 1, ("Im", t - 1): -1, ("mine", t - 1): -1, ("ore", t): 1}, 0)
        row({("Ip", t): 1, ("Ip", t - 1): -1, ("ore", t - 1): -1, ("make", t): 2}, 0)
        row({("Iw", t): 1, ("Iw", t - 1): -1, ("make", t - 1): -1, ("wid", t): 1}, 0)
        row({("Ib", t): 1, ("Ib", t - 1): -1, ("wid", t): -1, ("D", t): 1}, 0)
        row({("B", t): 1, ("B", t - 1): -1, ("D", t): 1}, demand[t])
    bounds = [(0, None)] * nv
    for t in range(T):
        bounds[v("mine", t)] = (0, mine_cap)
        bounds[v("make", t)] = (0, make_cap)
    res = linprog(c, A_eq=np.array(A), b_eq=np.array(b), bounds=bounds, method="highs")
    assert res.status == 0
    return float(res.fun)


@pytest.mark.parametrize(("mine_cap", "make_cap", "demand"), [(4, 2, (0, 0, 1, 2, 3, 2)), (10, 1, (1, 0, 0, 4, 0, 3)), (1, 5, (0, 0, 0, 0, 2, 2))])
def test_serial_lp_matches_independent_linprog(tmp_path, mine_cap, make_cap, demand) -> None:
    net = allyforge.load_pack(write_serial_pack(tmp_path / "s", mine_cap, make_cap, demand))
    plan = solve_planning(net, _sc("serial"))
    assert plan.objective == pytest.approx(_serial_lp_by_hand(demand, mine_cap, make_cap), rel=1e-6, abs=1e-6)


def test_ample_capacity_no_events_zero_shortfall(tmp_path) -> None:
    # demand only once the lead-time chain (mine 1 + lane 1 + make 1) can reach it
    net = allyforge.load_pack(write_serial_pack(tmp_path / "s", 1e6, 1e6, (0, 0, 0, 5, 7, 9)))
    plan = solve_planning(net, _sc("serial"))
    assert plan.total_shortfall == pytest.approx(0, abs=1e-9)
    assert plan.summary["delivered"].sum() == pytest.approx(21)


def test_tiny_conservation(tiny) -> None:
    # every unit produced or received is consumed, shipped, delivered or still on hand (S13.1)
    plan = solve_planning(tiny, _sc("tiny", "rules: {disable: ['*']}\n"))
    runs = _pivot(plan, "runs", "process")
    mined = runs.loc["cn-mining"].sum() + runs.loc["au-mining"].sum()
    refined = runs.loc["jp-refining"].sum()
    ore_end = _pivot(plan, "stock", "node").filter(like="/ore", axis=0).iloc[:, -1].sum()
    ship = _pivot(plan, "ship", "lane")
    in_transit_ore = ship.loc["ore-cn-jp"].iloc[-1:].sum() + ship.loc["ore-au-jp"].iloc[-2:].sum()
    # ore: 50 initial + mined (the last period's output arrives after the horizon) = 2 x refining + on hand + in transit
    last_mined = runs.loc[["cn-mining", "au-mining"]].iloc[:, -1].sum()
    assert 50 + mined - last_mined == pytest.approx(2 * refined + ore_end + in_transit_ore, abs=1e-6)


def test_ban_never_uses_banned_lane(tiny) -> None:
    # the tiny pack's CN->JP ban on dual-use items runs 2026-02-10..2026-06-30 (tiny trade_rules.csv)
    plan = solve_planning(tiny, _sc("tiny"))
    ship = _pivot(plan, "ship", "lane").loc["ore-cn-jp"]
    assert (ship[["2026-03", "2026-04", "2026-05", "2026-06"]].abs() < 1e-9).all()
    # a scenario ban over whole periods zeroes the lane in every period of its window
    ev = "events:\n  - {type: export_ban, origin: CN, destination: JP, items: [ore], start: 2026-01, duration: 12}\n"
    plan2 = solve_planning(tiny, _sc("tiny", ev))
    assert (_pivot(plan2, "ship", "lane").loc["ore-cn-jp"].abs() < 1e-9).all()
    assert plan2.total_shortfall >= plan.total_shortfall - 1e-9


def test_ban_binds_when_it_matters(tiny) -> None:
    # without the rule the cheaper, bigger CN mine is used during what would be the ban window
    free = solve_planning(tiny, _sc("tiny", "rules: {disable: ['*']}\n"))
    banned = solve_planning(tiny, _sc("tiny"))
    assert banned.total_shortfall > free.total_shortfall + 1e-6


def test_licence_passes_its_fraction(tiny) -> None:
    ev = "events:\n  - {type: export_ban, origin: CN, destination: JP, items: [ore], start: 2026-01, duration: 12, fraction: 0.25}\n"
    base = solve_planning(tiny, _sc("tiny", "rules: {disable: ['*']}\n"))
    lic = solve_planning(tiny, _sc("tiny", "rules: {disable: ['*']}\n" + ev))
    s0 = _pivot(base, "ship", "lane").loc["ore-cn-jp"]
    s1 = _pivot(lic, "ship", "lane").loc["ore-cn-jp"]
    assert (s1 <= 0.25 * s0 + 1e-6).all()


def test_infeasible_explained_in_business_names(tiny) -> None:
    # every priority-1 unit on time is impossible (the lead-time chain is longer than March)
    with pytest.raises(InfeasibleError) as e:
        solve_planning(tiny, _sc("tiny"), must_meet_priority=1)
    names = e.value.explanation
    assert any(n.startswith("Demand-must-meet[") and "2026-03" in n for n in names)
    families = {"Demand-must-meet", "Demand-balance", "Stock-balance", "Process-capacity", "Lane-flow-upper"}
    rows = [n for n in names if "[" in n]
    assert rows and all(n.split("[")[0] in families for n in rows)
    # the subset runs from the US Army's March requirement back through the US plant's stock
    assert any(n.startswith("Stock-balance[us-plant/missile") for n in rows)


def test_deterministic_and_solver_recorded(tiny) -> None:
    a = solve_planning(tiny, _sc("tiny"))
    b = solve_planning(tiny, _sc("tiny"))
    assert a.objective == b.objective
    assert a.solver["threads"] == 1 and "random_seed" in a.solver
    with pytest.raises(ValueError, match="not installed"):
        solve_planning(tiny, _sc("tiny"), solver="no-such-solver")
