"""Regression guard (not a truth): the bundled china-export-ban-2026 scenario's P50 summary for a
fixed seed. Pinned on pack content hash a6d80791f2c1bf89 (us-japan-2026 as of 2026-12-01);
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
    "pac3-mse-us": [721.036093, 20956.398864], "pac3-mse-jp": [12.675355, 1187.348028], "amraam-jp": [45.129519, 1265.261212],
    "amraam-us": [1299.912076, 39506.125819], "sm6-us": [228.730933, 4841.027483], "sm3-iia-jp": [6.03751, 304.827604],
    "sm3-iia-us": [24.778021, 1378.897057], "tomahawk-v-us": [257.007, 476.913745], "jassm-er-us": [643.356511, 18345.441535],
    "jsm-jp": [16.494947, 421.640015], "tomahawk-iv-jp": [200.002, 819.027], "type12-jp": [10.085716, 2285.56434],
    "sm6-jp": [4.807592, 91.972269], "jassm-er-jp": [14.752745, 441.805541], "tomahawk-v-jp": [174.993, 186.411255],
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
