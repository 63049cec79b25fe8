"""Bundled scenarios (DESIGN: Scenarios): each resolves against the pack it sits beside."""

from __future__ import annotations

import allyforge
from allyforge.pack import bundled_packs
from allyforge.scenario import bundled_scenarios, load_scenario, resolve

EXPECTED = {"no-controls", "as-of-2026-01", "china-export-ban-2026"}


def test_every_bundled_scenario_resolves_against_its_pack():
    packs = bundled_packs()
    for name, folder in packs.items():
        net = allyforge.load_pack(folder)
        for sname, path in bundled_scenarios(folder).items():
            sc = load_scenario(path)
            assert sc.name == sname and sc.pack == name
            d = resolve(net, sc, samples=2)
            assert d.horizon == sc.periods
        if name == "us-japan-2026":
            assert EXPECTED <= set(bundled_scenarios(folder))
            assert net.meta.default_scenario in bundled_scenarios(folder)
