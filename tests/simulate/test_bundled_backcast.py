"""Backcast of the bundled pack against what happened in 2025 (a calibration check, not an
independent validation: the REE licence fraction y06 was set partly to meet it; see the pack's
a-licence-fractions source row).

fb-M-12 (WSJ via Newsmax, 2026-01-06): Lockheed Martin delivered 620 PAC-3 MSE in 2025, ~20%
more than in 2024, under China's controls then in force (fb-Y-04 ban on dual-use items to US
military users from Dec 2024, fb-Y-06 REE licensing from April 2025). A pack whose rules of
2025 starve the Camden line contradicts that record. The pack's planned deliveries are 90% of
the line's public rate (a-delivery-profile), so the check is that the 2025 plan is met, and
that the plan itself is of the order of the 620 delivered.
"""

from __future__ import annotations

import numpy as np
import pytest

import allyforge
from allyforge.pack import bundled_packs
from allyforge.scenario import parse_scenario

BACKCAST = """name: backcast-2025
pack: us-japan-2026
start: 2024-01
periods: 36
samples: 1
seed: 1
rules: {as_of: 2025-12-31, disable: [], add: []}
events: []
"""


@pytest.fixture(scope="module")
def year_2025():
    if "us-japan-2026" not in bundled_packs():
        pytest.skip("the bundled pack us-japan-2026 is not in this checkout")
    r = allyforge.simulate(allyforge.load_pack("us-japan-2026"), parse_scenario(BACKCAST))
    in_2025 = np.array([str(p).startswith("2025") for p in r.periods])
    st = r.demands
    k = np.flatnonzero((st["item"] == "pac3-mse").to_numpy() & (st["party"] == "US").to_numpy())
    required = r._new_demand()[0][k][:, in_2025].sum()
    delivered = r.out.demand["delivered"][0][k][:, in_2025].sum()
    return required, delivered


def test_the_2025_plan_is_of_the_order_of_what_was_delivered(year_2025):
    required, _ = year_2025
    assert 0.8 * 620 <= required <= 620


def test_the_rules_of_2025_let_camden_meet_its_2025_plan(year_2025):
    required, delivered = year_2025
    assert delivered >= 0.9 * required, f"{delivered:.0f} of {required:.0f} PAC-3 MSE planned for 2025"
