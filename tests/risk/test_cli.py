"""`allyforge risk`: top risks first, files written, bad input exits 2 with a message."""

from __future__ import annotations

import re

import pandas as pd
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
