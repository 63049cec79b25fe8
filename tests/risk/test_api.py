"""`allyforge.risk(network, ...) -> RiskReport`, on the tiny pack and the bundled pack."""

from __future__ import annotations

import numpy as np
import pytest

import allyforge
from allyforge.risk import RiskReport
from allyforge.risk.charts import exposure_heatmap, material_sankey, tts_ttr_scatter


def test_public_entry_point(tiny) -> None:
    from allyforge import risk

    a = allyforge.risk(tiny, at="2026-03", ttr=4.0)
    b = risk(tiny, at="2026-03", ttr=4.0)  # the name works whether it resolves to the function or the package
    assert isinstance(a, RiskReport) and isinstance(b, RiskReport)
    for name, df in a.tables().items():
        assert df.equals(b.tables()[name]), name  # deterministic


def test_charts_are_figures(tiny) -> None:
    r = allyforge.risk(tiny, at="2026-03", ttr=4.0)
    hm = exposure_heatmap(r.exposure, r.programs)
    z = np.asarray(hm.data[0].z)
    np.testing.assert_allclose(z.sum(axis=1), 1.0)  # each program's mean country shares sum to 1
    sc = tts_ttr_scatter(r.tts, r.horizon)
    flagged = [t for t in sc.data if t.name == "flagged: TTS < TTR"]
    assert flagged and len(flagged[0].x) == int(r.tts["flagged"].sum())
    sk = material_sankey(r.exposure, r.programs)
    assert sum(sk.data[0].link.value) == pytest.approx(2 * r.exposure.query("kind in ['mineral', 'material']").groupby(["program", "material"]).ngroups)


@pytest.mark.slow
def test_bundled_pack_report() -> None:
    from allyforge.pack import bundled_packs

    if "us-japan-2026" not in bundled_packs():
        pytest.skip("bundled pack us-japan-2026 not in this checkout")
    net = allyforge.load_pack("us-japan-2026")
    r = allyforge.risk(net, at="2026-01-15")
    assert "y09-jp-military" in r.rules_applied  # China's 2026-01-06 ban on Japanese military end users
    sums = r.exposure.groupby(["program", "material"])["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, rtol=1e-9)
    sp = r.single_points
    # the LP and the AND/OR structure agree, up to HiGHS's feasibility tolerance (1e-7)
    assert ((sp["drop"] > 1 - 1e-6) == sp["single_point"]).all()
    assert len(r.top_risks()) > 0 and len(r.paths) > 0
