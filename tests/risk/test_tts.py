"""Time-to-survive and performance impact against the reference cases and a brute-force run.

Reference: ../shared/oracles/tts_cases.md — cases derived in closed form from
Simchi-Levi, Schmidt, Wei et al. (2015), Interfaces 45(5):375–390,
doi:10.1287/inte.2015.0804. Each case is also re-run by `stepped.stepped_run`,
a time-stepped simulation that shares no code with the LP.
"""

from __future__ import annotations

import re

import pytest

from allyforge.risk.tts import performance_impact, survive_time, time_to_survive

from .cases import chain_a, magnets_c, parallel_b
from .conftest import shared_file
from .stepped import stepped_run

# case id -> (graph builder, disrupted processes, quantity, TTR or None)
CASES = {
    "A1": (chain_a, ["pr"], "TTS", None),
    "A2": (chain_a, ["pr"], "PI", 8.0),
    "A3": (chain_a, ["pm"], "TTS", None),
    "B1": (parallel_b, ["p1"], "TTS", None),
    "B2": (parallel_b, ["p1"], "PI", 10.0),
    "C1": (magnets_c, ["pmag"], "TTS", None),
}


def oracle_values() -> dict[str, float]:
    """Expected values read from the oracle's table (`| A1 | ... | R | TTS = 5 |`)."""
    text = shared_file("oracles/tts_cases.md").read_text(encoding="utf-8")
    found = {}
    for m in re.finditer(r"^\|\s*([ABC]\d)\s*\|.*\|\s*(TTS|PI)\s*=\s*([0-9.]+)\s*\|\s*$", text, re.M):
        found[m.group(1)] = (m.group(2), float(m.group(3)))
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_reference_case_exact(case: str) -> None:
    expected = oracle_values()
    assert case in expected, f"case {case} not found in the oracle table"
    what, value = expected[case]
    build, down, mine, ttr = CASES[case]
    assert what == mine
    g = build()
    got = survive_time(g, down) if what == "TTS" else performance_impact(g, down, ttr)
    assert got == pytest.approx(value, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("case", sorted(CASES))
def test_reference_case_matches_time_stepped_run(case: str) -> None:
    build, down, what, ttr = CASES[case]
    g = build()
    dt = 1 / 64
    if what == "TTS":
        lp = survive_time(g, down)
        short_at, _ = stepped_run(g, set(down), until=lp + 2, dt=dt)
        assert abs(short_at - lp) <= dt + 1e-9
    else:
        lp = performance_impact(g, down, ttr)
        _, lost = stepped_run(g, set(down), until=ttr, dt=dt)
        assert lost == pytest.approx(lp, abs=1e-6)


def test_every_node_table_on_chain() -> None:
    """The bulk path (one model, bound changes, warm starts) agrees with single solves."""
    g = chain_a()
    g.sites["ttr"] = 8.0
    t = time_to_survive(g).set_index("node")
    assert t.loc["R", "tts"] == pytest.approx(5.0)
    assert t.loc["M", "tts"] == pytest.approx(5.0)
    assert t.loc["R", "pi"] == pytest.approx(30.0)
    assert t.loc["I", "tts"] == pytest.approx(2.0)  # the integrator's own stock of 20 at d = 10
    assert bool(t.loc["R", "flagged"]) and t["rei"].max() == pytest.approx(1.0)


def test_workers_give_identical_answers() -> None:
    """212 nodes = 5 chunks of 48, so 2 and 3 workers really share them out; every answer equals
    a fresh single-node solve (no warm start, no skipped solve)."""
    from allyforge.risk.graph import node_table
    from allyforge.risk.tts import CHUNK

    from .random_nets import random_graph

    g = random_graph(seed=3, layers=5, width=30)
    g.sites["ttr"] = 4.0
    assert len(node_table(g)) > 2 * CHUNK
    a = time_to_survive(g, workers=1)
    for w in (2, 3):
        b = time_to_survive(g, workers=w)
        assert a["tts"].tolist() == b["tts"].tolist()
        assert a["pi"].tolist() == b["pi"].tolist()
    assert (a["tts"] < g.horizon).sum() > 10 and (a["pi"] > 0).sum() > 10  # not a table of defaults
    for k in range(0, len(a), 7):
        procs = list(node_table(g)["processes"].iloc[k])
        assert a["tts"].iloc[k] == pytest.approx(survive_time(g, procs), rel=1e-9, abs=1e-9)
        assert a["pi"].iloc[k] == pytest.approx(performance_impact(g, procs, 4.0), rel=1e-9, abs=1e-7)


def test_tts_reported_at_least_horizon() -> None:
    """A loss that never binds within the horizon is capped there and marked, and the CLI prints "≥ horizon"."""
    g = chain_a()
    g = type(g)(**{**g.__dict__, "horizon": 4.0})  # A1's TTS of 5 periods lies beyond a 4-period horizon
    t = time_to_survive(g).set_index("node")
    assert t.loc["R", "tts"] == 4.0 and bool(t.loc["R", "tts_at_least_horizon"])
    assert t.loc["I", "tts"] == pytest.approx(2.0) and not bool(t.loc["I", "tts_at_least_horizon"])
