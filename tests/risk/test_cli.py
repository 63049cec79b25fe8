"""`allyforge risk`: top risks first, files written, bad input exits 2 with a message."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from allyforge.cli import app

from .conftest import TINY

runner = CliRunner(env={"COLUMNS": "220"})


def test_risk_tiny_writes_tables_and_charts(tmp_path) -> None:
    r = runner.invoke(app, ["risk", str(TINY), "--at", "2026-03-15", "--ttr", "4", "--ttr", "cn-mine=2", "--out", str(tmp_path), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert r.output.index("Top risks") < r.output.index("Exposure")
    assert "single point of failure" in r.output and "cn-ban-jp" in r.output
    tts = pd.read_csv(tmp_path / "risk_tts.csv").set_index("node")
    assert tts.loc["cn-mine", "ttr"] == 2 and tts.loc["au-mine", "ttr"] == 4
    for name in ("exposure_heatmap", "tts_vs_ttr", "material_sankey"):
        html = (tmp_path / f"risk_{name}.html").read_text(encoding="utf-8")
        assert len(html) > 1_000_000 and not re.search(r"<script[^>]+src=\"https?://", html)  # offline: plotly.js embedded
    ex = pd.read_csv(tmp_path / "risk_exposure.csv")
    assert ex.groupby(["program", "material"])["share"].sum().round(12).eq(1).all()


def test_risk_parquet_default(tmp_path) -> None:
    r = runner.invoke(app, ["risk", str(TINY), "--at", "2026-03", "--party", "JP", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    sp = pd.read_parquet(tmp_path / "risk_single_points.parquet")
    assert set(sp["program"]) == {"missile-jp"}


def test_risk_bad_input_exits_2() -> None:
    for args, words in (
        (["--at", "2031-01"], "outside"),
        (["--at", "soon"], "neither a period"),
        (["--program", "nope"], "unknown program"),
        (["--party", "XX"], "no program of party"),
        (["--ttr", "abc"], "--ttr"),
        (["--ttr", "nowhere=3"], "unknown site"),
        (["--format", "xml"], "format"),
    ):
        r = runner.invoke(app, ["risk", str(TINY), *args])
        assert r.exit_code == 2, (args, r.output)
        assert words in r.output, (args, r.output)
        assert "Traceback" not in r.output


def test_risk_bad_pack_exits_2(tmp_path) -> None:
    r = runner.invoke(app, ["risk", str(tmp_path / "missing")])
    assert r.exit_code == 2


def test_risk_default_at_is_the_packs_first_period(tiny) -> None:
    """One rule for the CLI and the API: no --at means the horizon's first period (here the pack's, 2026-01)."""
    import allyforge

    r = runner.invoke(app, ["risk", str(TINY)])
    assert r.exit_code == 0, r.output
    assert "risk as of 2026-01 " in r.output and "2026-01, the pack's first period" in r.output
    assert "the first period with demand is 2026-03" in r.output  # the no-demand note points to a better --at
    assert r.output.count("│ ≥ 12 │") == 5  # no demand: every node's TTS is the 12-period horizon, shown as at least it
    assert allyforge.risk(tiny).at == "2026-01"


def test_risk_scenario_applies_rules_and_events(tmp_path) -> None:
    sc = tmp_path / "ban.yaml"
    sc.write_text(
        "name: au-ban\nstart: 2026-03\nrules: {disable: [cn-ban-jp]}\n"
        "events:\n  - {type: export_ban, name: AU ore ban, origin: AU, destination: JP, items: [ore], start: 2026-03}\n"
        "  - {type: site_outage, site: cn-mine, start: 2026-09, duration: 6}\n"
    )
    r = runner.invoke(app, ["risk", str(TINY), "--scenario", str(sc), "--out", str(tmp_path), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert "risk as of 2026-03 under scenario au-ban (sample 0; events in force: AU ore ban)" in r.output
    assert "2026-03, the scenario's start" in r.output and "trade rules in force: none" in r.output
    ex = pd.read_csv(tmp_path / "risk_exposure.csv").set_index(["program", "material", "country"])
    assert ex.loc[("missile-jp", "ore", "AU"), "blocked_share"] == pytest.approx(0.2)  # AU's 20 % of the ore, banned
    assert ex.loc[("missile-jp", "ore", "CN"), "blocked_share"] == 0.0  # cn-ban-jp disabled
    tts = pd.read_csv(tmp_path / "risk_tts.csv").set_index("node")
    assert tts.loc["cn-mine", "ttr"] == 6 and tts.loc["au-mine", "ttr"] == 3  # the outage's duration; the pack's sites.ttr


def test_risk_scenario_by_name_beside_the_pack() -> None:
    r = runner.invoke(app, ["risk", str(TINY), "--scenario", "baseline", "--at", "2026-03"])
    assert r.exit_code == 0, r.output
    assert "under scenario baseline" in r.output


def test_risk_bad_scenario_exits_2(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nevents:\n  - {type: site_outage, site: nowhere}\n")
    r = runner.invoke(app, ["risk", str(TINY), "--scenario", str(bad)])
    assert r.exit_code == 2 and "line 3" in r.output and "unknown site 'nowhere'" in r.output and "Traceback" not in r.output
    short = tmp_path / "short.yaml"
    short.write_text("name: short\nstart: 2026-03\nperiods: 2\n")
    for args, words in ((["--scenario", str(short), "--at", "2026-06"], "outside scenario short's horizon"),
                        (["--scenario", str(short), "--sample", "500"], "--sample"),
                        (["--scenario", str(tmp_path / "none.yaml")], "no such scenario file")):
        r = runner.invoke(app, ["risk", str(TINY), *args])
        assert r.exit_code == 2 and words in r.output, (args, r.output)
