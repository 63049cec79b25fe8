"""The vectorized engine agrees with the slow reference simulator within 1e-9 relative
(DESIGN: Testing, "agree exactly"; both written from docs/simulation.md; the reference
shares no code with the engine) on hypothesis-generated small networks and scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import allyforge
from allyforge.scenario import parse_scenario, resolve
from allyforge.simulate.reference import reference_run

from . import test_hand_worked as hw
from .compare import assert_matches_engine
from .gen import draw_case
from .packgen import load

ROOT = Path(__file__).resolve().parents[2]


def assert_agree(net, sc) -> None:
    drv = resolve(net, sc)
    res = allyforge.simulate(net, sc, drivers=drv)
    for s in range(drv.samples):
        assert_matches_engine(res, reference_run(net, drv, s), s, "reference")


def test_tiny_with_every_event_type(stockpile_scenario_pack):
    net, sc = stockpile_scenario_pack
    assert_agree(net, sc)


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_networks_agree(data):
    assert_agree(*draw_case(data))


@pytest.mark.parametrize("case", ["planned share", "room"])
def test_hand_worked_second_sources_agree(case, tmp_path):
    """The reference gives the hand-worked S4.7 cases' numbers too (tests/simulate/test_hand_worked.py)."""
    tables, text = {"planned share": (hw.second_source_tables(), hw.SECOND_SOURCE_SCENARIO),
                    "room": (hw.second_source_room_tables(), hw.ROOM_SCENARIO)}[case]
    assert_agree(load(tmp_path / "hw", tables, start="2026-01", end="2026-06"), parse_scenario(text))


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_second_sources_agree(data):
    """Candidate lanes opened by second_source and invest events, fixed or drawn by sample (S4.7)."""
    assert_agree(*draw_case(data, second_sources=True))


def test_reference_shares_no_code_with_the_engine():
    """The reference imports nothing from the engine's modules (issue 3: "sharing no code")."""
    import ast

    src = (ROOT / "src" / "allyforge" / "simulate" / "reference.py").read_text()
    mods = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.ImportFrom) and node.module:
            mods.add(node.module)
        elif isinstance(node, ast.Import):
            mods |= {a.name for a in node.names}
    assert not {m for m in mods if m.startswith("allyforge.simulate")}, mods
