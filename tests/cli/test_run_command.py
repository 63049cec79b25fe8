"""`allyforge run` (issue 3 deliverable 5; DESIGN: Errors and exit codes): answer first, exit 2 on bad input
with file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from allyforge.cli import app

ROOT = Path(__file__).resolve().parents[2]
TINY = str(ROOT / "tests" / "fixtures" / "tiny")
runner = CliRunner()


def test_run_prints_the_answer_then_where_results_went(tmp_path):
    r = runner.invoke(app, ["run", "baseline", "--pack", TINY, "--samples", "5", "--seed", "1", "--out", str(tmp_path / "o"), "--no-sensitivity"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    out = r.output
    assert out.index("missile-us") < out.index("results:")
    assert "delivered P50 [P10–P90]" in out and "binding" in out
    assert "5 samples leave 0 beyond P10/P90" in out
    demand = pd.read_parquet(tmp_path / "o" / "demand.parquet")
    assert set(demand["sample"]) == set(range(5)) and {"due", "delivered", "backlog", "lost"} <= set(demand.columns)
    assert (tmp_path / "o" / "summary.json").exists()


def test_run_json_with_overrides_is_deterministic():
    args = ["run", "baseline", "--pack", TINY, "--samples", "3", "--seed", "9", "--format", "json", "--sensitivity"]
    a, b = runner.invoke(app, args), runner.invoke(app, args)
    assert a.exit_code == 0, a.output
    da, db = json.loads(a.output), json.loads(b.output)
    assert da.pop("run_id") != db.pop("run_id")  # each run is stored under its own id; the results are identical
    assert da == db
    assert da["samples"] == 3 and da["seed"] == 9
    assert {p["program"] for p in da["programs"]} == {"missile-us", "missile-jp"}
    assert len(da["sensitivity"]) == 2


def test_default_scenario_of_the_pack():
    r = runner.invoke(app, ["run", "--pack", TINY, "--samples", "2", "--format", "json", "--no-sensitivity"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["scenario"] == "baseline"


def test_bad_scenario_exits_2_naming_file_line_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nevents:\n  - type: site_outage\n    site: tiny-mine\n    severity: {uniform: [1, 0]}\n")
    r = runner.invoke(app, ["run", str(bad), "--pack", TINY])
    assert r.exit_code == 2
    assert f"{bad}, line 5, field events[0].severity" in r.output


def test_unknown_site_exits_2_naming_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nevents:\n  - {type: site_outage, site: atlantis}\n")
    r = runner.invoke(app, ["run", str(bad), "--pack", TINY])
    assert r.exit_code == 2
    assert "line 3, field events[0].site: unknown site 'atlantis'" in r.output


def test_unknown_scenario_and_bad_samples_exit_2():
    assert runner.invoke(app, ["run", "nope", "--pack", TINY]).exit_code == 2
    assert runner.invoke(app, ["run", "baseline", "--pack", TINY, "--samples", "0"]).exit_code == 2
    assert runner.invoke(app, ["run", "baseline", "--pack", TINY, "--format", "xml"]).exit_code == 2
