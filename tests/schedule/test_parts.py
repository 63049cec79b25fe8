"""Independent parts: found by shared yards, and solving them apart loses nothing."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from allyforge.schedule import EligibilityRules, SolverSettings, Weights, from_network, schedule
from allyforge.schedule.eligibility import Eligibility, YardOption, eligibility
from allyforge.schedule.model import SCALE, build_model
from allyforge.schedule.parts import Budget, components


def test_parts_join_through_any_shared_yard() -> None:
    e = Eligibility(options={"a": [YardOption("x")], "b": [YardOption("y")], "c": [YardOption("x"), YardOption("z")], "d": [YardOption("z")], "e": [YardOption("w")]})
    assert components(e, ["a", "b", "c", "d", "e"]) == [["b"], ["e"], ["a", "c", "d"]]


def test_budget_gives_unused_time_to_the_parts_after() -> None:
    b = Budget(60.0, [10, 20, 30])
    assert b.share(0) == 10.0
    b.spend(1.0)  # the first part needed 1 of its 10
    assert b.share(1) == 59.0 * 20 / 50
    b.spend(5.0)
    assert b.share(2) == 54.0  # the last part gets all that is left


def test_parts_solved_apart_give_the_optimum_of_the_whole(maintenance_net) -> None:
    """The fixture's ships, aircraft and engines are three parts; one CP-SAT model of the
    whole year, solved to optimality, has the same optimum as the sum of the parts."""
    s = schedule(maintenance_net, settings=SolverSettings(num_workers=1, time_limit=20.0))
    assert s.status == "optimal" and len(s.parts) == 3
    assert sorted(tuple(p["yards"]) for p in s.parts) == [("mizuho",), ("nagoya",), ("sasebo", "yokohama", "yokosuka")]
    d = from_network(maintenance_net)
    origin = dt.date(2026, 1, 1)
    elig = eligibility(d, EligibilityRules(), origin, 730)
    whole = build_model(d, elig, list(d.availabilities["id"]), origin, 730, Weights())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 60.0
    assert solver.Solve(whole.core.model) == cp_model.OPTIMAL
    assert solver.ObjectiveValue() / SCALE == s.objective
