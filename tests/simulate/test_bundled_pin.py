"""Regression guard (not a truth): the bundled china-export-ban-2026 scenario's P50 summary for a
fixed seed. Pinned on pack content hash a6d80791f2c1bf89 (us-japan-2026 as of 2026-11-22);
when the pack or docs/simulation.md change on purpose, regenerate with

    .venv/bin/python -c "import allyforge; from allyforge.scenario import load_scenario; \\
      r = allyforge.simulate(allyforge.load_pack('us-japan-2026'), load_scenario('china-export-ban-2026'), samples=20, seed=2026); \\
      print({p['program']: [round(p['delivered_p50'], 6), round(p['short_unit_periods_p50'], 6)] for p in r.summary(sensitivity=False)['programs']})"
"""

from __future__ import annotations

import pytest

import allyforge
from allyforge.pack import bundled_packs
from allyforge.scenario import load_scenario

PINNED = {
    "pac3-mse-us": [86.785297, 30661.430405], "pac3-mse-jp": [9.257794, 1252.055149], "amraam-jp": [6.564626, 1831.080679],
    "amraam-us": [153.308647, 57090.554799], "sm6-us": [23.911425, 7718.922361], "sm3-iia-jp": [6.025485, 304.890467],
    "sm3-iia-us": [24.653607, 1379.400304], "tomahawk-v-us": [257.007, 476.913745], "jassm-er-us": [78.309554, 27085.306484],
    "jsm-jp": [2.60062, 605.066361], "tomahawk-iv-jp": [200.002, 819.027], "type12-jp": [4.01247, 2396.733908],
    "sm6-jp": [0.069566, 148.342378], "jassm-er-jp": [0.0, 624.9], "tomahawk-v-jp": [174.993, 186.411255],
}


def test_bundled_scenario_p50_summary_is_pinned():
    if "us-japan-2026" not in bundled_packs():
        pytest.skip("the bundled pack us-japan-2026 is not in this checkout")
    net = allyforge.load_pack("us-japan-2026")
    r = allyforge.simulate(net, load_scenario("china-export-ban-2026"), samples=20, seed=2026)
    got = {p["program"]: [round(p["delivered_p50"], 6), round(p["short_unit_periods_p50"], 6)] for p in r.summary(sensitivity=False)["programs"]}
    assert set(got) == set(PINNED), f"pack hash now {net.content_hash}; see the module docstring to regenerate"
    for program, values in PINNED.items():
        assert got[program] == pytest.approx(values, rel=1e-6, abs=1e-6), f"{program}: pack hash now {net.content_hash}; see the module docstring to regenerate"
