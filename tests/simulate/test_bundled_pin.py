"""Regression guard (not a truth): the bundled china-export-ban-2026 scenario's P50 summary for a
fixed seed. Pinned on pack content hash 42f7fcf4647e9648 (us-japan-2026 as of 2026-12-01);
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
    "pac3-mse-us": [1598.026891, 10397.546034], "pac3-mse-jp": [30.569291, 844.530145], "amraam-jp": [91.057164, 653.694775],
    "amraam-us": [2874.21758, 18643.894262], "sm6-us": [513.135821, 2063.880914], "sm3-iia-jp": [12.149694, 249.988514],
    "sm3-iia-us": [57.852884, 1106.809593], "tomahawk-v-us": [257.007, 476.913745], "jassm-er-us": [1390.08069, 8966.969074],
    "jsm-jp": [31.511811, 197.206426], "tomahawk-iv-jp": [200.002, 819.027], "type12-jp": [41.496032, 1596.418387],
    "sm6-jp": [11.399702, 34.000629], "jassm-er-jp": [40.019637, 199.335819], "tomahawk-v-jp": [174.993, 186.411255],
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
