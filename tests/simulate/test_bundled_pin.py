"""Regression guard (not a truth): the bundled china-export-ban-2026 scenario's P50 summary for a
fixed seed. Pinned on pack content hash d0266e9d6d574259 (us-japan-2026 as of 2026-12-01);
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
    "pac3-mse-us": [1610.735118, 10262.077127], "pac3-mse-jp": [32.031999, 819.155354], "amraam-jp": [91.645108, 647.76918],
    "amraam-us": [2898.086729, 18382.870762], "sm6-us": [512.860107, 2065.950588], "sm3-iia-jp": [12.334808, 247.691357],
    "sm3-iia-us": [58.687948, 1095.390551], "tomahawk-v-us": [257.462, 475.134568], "jassm-er-us": [1400.520527, 8861.57731],
    "jsm-jp": [31.7215, 192.136261], "tomahawk-iv-jp": [200.002, 816.964], "type12-jp": [44.386428, 1540.896591],
    "sm6-jp": [11.38885, 34.09478], "jassm-er-jp": [40.398178, 196.720796], "tomahawk-v-jp": [174.993, 186.216432],
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
