from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, SHARED, shared_path  # noqa: F401  (one oracle rule for all tests)


@pytest.fixture(scope="session")
def tiny():
    import allyforge

    return allyforge.load_pack(FIXTURES / "tiny")


ALL_EVENTS = """\
name: all-events
seed: 3
samples: 4
rules: {as_of: 2026-12-31, add: [{id: x, origin_country: AU, destination_country: JP, items: [ore], start: 2026-03-16, end: 2026-04-15, effect: license, fraction: 0.5},
                                 {id: y, origin_country: JP, destination_country: US, items: [metal], start: 2026-05-20, end: 2026-06-10, effect: delay, delay: 1}]}
events:
  - {type: export_ban, origin: CN, destination: JP, items: [dual_use], start: 2026-07, duration: {uniform: [2, 5]}}
  - {type: site_outage, site: au-mine, start: 2026-05, duration: 2, severity: {triangular: [0.2, 0.5, 0.9]}, occurs: {bernoulli: 0.5}}
  - {type: capacity_change, processes: [us-assembly], start: 2026-06, factor: 1.5}
  - {type: demand_surge, items: [missile], parties: [US], start: 2026-03, duration: 2, factor: {lognormal: {median: 1.2, sigma: 0.1}}}
  - {type: demand_noise, items: [missile], noise: {normal: [0, 1]}}
  - {type: lane_cut, origin: jp-refinery, destination: us-plant, start: 2026-04, duration: 1}
  - {type: second_source, lane: ore-au-jp, start: 2026-03, capacity: 50}
  - {type: invest, candidate: jp-line-2, start: 2026-02}
  - {type: invest, candidate: ore-stockpile, start: 2026-02}
  - {type: stockpile_release, site: jp-refinery, item: ore, start: 2026-04, quantity: 20}
"""


@pytest.fixture
def stockpile_scenario_pack(tmp_path: Path):
    """The tiny pack with a scenario-released ore stockpile, and a scenario using every event type."""
    import allyforge
    from allyforge.scenario import parse_scenario

    dst = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", dst)
    (dst / "stocks.csv").write_text(
        "site,item,initial,policy,level,release,holding_cost,source\n"
        "jp-refinery,ore,50,stockpile,50,scenario,,s-assume\n"
        "us-plant,metal,10,none,,,,s-assume\n"
    )
    return allyforge.load_pack(dst), parse_scenario(ALL_EVENTS, "all-events.yaml")
