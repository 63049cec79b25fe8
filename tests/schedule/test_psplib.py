"""The core solves RCPSP: PSPLIB J30 optimal makespans.

Reference: Kolisch, R. and Sprecher, A. (1996), "PSPLIB - a project scheduling
problem library", EJOR 96:205-216; optimal makespans in
../shared/oracles/psplib-j30/optimal.csv. A fixed sample of 40 instances (every
12th, J30_1, J30_13, ...) runs on every test run; benchmarks/schedule_j30.py runs
all 480. Reaching the proven optimum is the claim; it is also checked as a valid
schedule by the independent project checker.
"""

from __future__ import annotations

import csv

import pytest

from allyforge.schedule.check import check_project
from allyforge.schedule.core import SolverSettings, solve_rcpsp
from allyforge.schedule.patterson import PattersonError, read_patterson

from tests.conftest import shared_path

SAMPLE = [f"J30_{k}.txt" for k in range(1, 481, 12)]  # 40 instances, all 48 parameter sets x ~1


def _optima() -> dict[str, int]:
    with shared_path("oracles", "psplib-j30", "optimal.csv").open() as f:
        return {r["instance"]: int(r["optimal_makespan"]) for r in csv.DictReader(f)}


def test_sample_is_fixed_and_large_enough() -> None:
    assert len(SAMPLE) >= 40 and len(set(SAMPLE)) == len(SAMPLE)


@pytest.mark.parametrize("name", SAMPLE)
def test_j30_reaches_proven_optimum(name: str) -> None:
    opt = _optima()[name]
    project = read_patterson(shared_path("oracles", "psplib-j30", name))
    assert len(project.tasks) == 32 and len(project.resources) == 4  # 30 jobs + 2 dummies, 4 resources
    res = solve_rcpsp(project, SolverSettings(num_workers=1, time_limit=10.0))
    assert res.makespan == opt, f"{name}: makespan {res.makespan}, proven optimum {opt} ({res.status})"
    assert res.bound is not None and res.bound <= opt  # the bound never claims more than the truth
    assert check_project(project, res.starts) == []


def test_patterson_reader_rejects_truncated_file(tmp_path) -> None:
    src = shared_path("oracles", "psplib-j30", "J30_1.txt").read_text().split()
    p = tmp_path / "cut.txt"
    p.write_text(" ".join(src[: len(src) // 2]))
    with pytest.raises(PattersonError, match="ends early"):
        read_patterson(p)


def test_project_checker_catches_a_violation() -> None:
    project = read_patterson(shared_path("oracles", "psplib-j30", "J30_1.txt"))
    res = solve_rcpsp(project, SolverSettings(num_workers=1, time_limit=10.0))
    starts = dict(res.starts)
    succ = next(b for a, b in project.precedences if a == "2")
    starts[succ] = starts["2"]  # start a successor with its predecessor
    assert any("before 2 ends" in v for v in check_project(project, starts))
