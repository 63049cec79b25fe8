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


def test_progress_reports_every_stage(tiny) -> None:
    """The progress hook (the CLI's bar) gets each stage with its total, and ticks add up to it."""
    seen: dict[str, list[int]] = {}

    def stage(name: str, total: int):
        seen[name] = [total, 0]

        def tick(n: int) -> None:
            seen[name][1] += n

        return tick

    r = allyforge.risk(tiny, at="2026-03", progress=stage)
    assert seen == {"paths": [2, 2], "time to survive": [len(r.tts), len(r.tts)], "single points": [2, 2]}


def test_tts_scatter_shades_the_flagged_region(tiny) -> None:
    """The shaded triangle is TTS < TTR (x = TTR, y = TTS); flagged points lie inside it, the others on or above the diagonal."""
    r = allyforge.risk(tiny, at="2026-03", ttr={"*": 4.0, "cn-mine": 0.5})
    assert r.tts["flagged"].any() and not r.tts["flagged"].all()
    fig = tts_ttr_scatter(r.tts, r.horizon)
    (shape,) = fig.layout.shapes
    top = fig.layout.xaxis.range[1]
    assert shape.path == f"M 0 0 L {top} 0 L {top} {top} Z"  # vertices (0,0), (top,0), (top,top): below y = x
    for tr in fig.data:
        if tr.name == "flagged: TTS < TTR":
            assert all(y < x for x, y in zip(tr.x, tr.y))
        elif tr.name == "survives recovery":
            assert all(y >= x for x, y in zip(tr.x, tr.y))
