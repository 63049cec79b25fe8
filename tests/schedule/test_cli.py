"""`allyforge schedule`: outputs and exit codes (0 ok, 1 no schedule in the limit, 2 data)."""

from __future__ import annotations

import json
import re
import shutil

from typer.testing import CliRunner

from allyforge.cli import app

runner = CliRunner()


def test_schedule_writes_tables_and_charts(maintenance_path, tmp_path) -> None:
    out = tmp_path / "out"
    r = runner.invoke(app, ["schedule", str(maintenance_path), "--time-limit", "10", "--workers", "1", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "optimal" in r.output and "Fleet ready-days per month" in r.output
    for f in ("schedule.csv", "availabilities.csv", "ready_days.csv", "run.json", "gantt.html", "utilization.html", "ready_days.html"):
        assert (out / f).stat().st_size > 0, f
    run = json.loads((out / "run.json").read_text())
    assert run["solver_settings"]["num_workers"] == 1 and run["solver_settings"]["max_deterministic_time"] == 10.0
    for f in ("gantt.html", "utilization.html", "ready_days.html"):
        html = (out / f).read_text()
        assert "Plotly.newPlot" in html and not re.search(r"<script[^>]*\bsrc=", html), f  # JS embedded, works offline


def test_json_format(maintenance_path) -> None:
    r = runner.invoke(app, ["schedule", str(maintenance_path), "--time-limit", "10", "--workers", "1", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["status"] == "optimal" and len(doc["availabilities"]) == 11


def test_bad_data_exits_2_with_file_row_column(maintenance_path, tmp_path) -> None:
    dst = tmp_path / "p"
    shutil.copytree(maintenance_path, dst)
    f = dst / "work_packages.csv"
    f.write_text(f.read_text().replace("lsd-1-ra,pier,70,", "lsd-1-ra,pier,900,"))
    r = runner.invoke(app, ["schedule", str(dst), "--workers", "1"])
    assert r.exit_code == 2
    assert "availabilities.csv, row 6, column release" in r.output and "Traceback" not in r.output


def test_infeasible_data_exits_2_with_explanation(maintenance_path, tmp_path) -> None:
    dst = tmp_path / "p"
    shutil.copytree(maintenance_path, dst)
    f = dst / "availabilities.csv"
    f.write_text(f.read_text().replace("ddg-us-vr,ddg-us,voyage_repair", "ddg-us-vr,ddg-us,maintenance"))
    r = runner.invoke(app, ["schedule", str(dst), "--workers", "1"])
    assert r.exit_code == 2
    assert "can go nowhere" in r.output and "8680(a)" in r.output


def test_no_schedule_within_the_limit_exits_1(maintenance_path) -> None:
    r = runner.invoke(app, ["schedule", str(maintenance_path), "--time-limit", "0.000001", "--workers", "1"])
    assert r.exit_code == 1, r.output
    assert "no schedule within the limit" in r.output


def test_unknown_year_and_bad_options_exit_2(maintenance_path) -> None:
    assert runner.invoke(app, ["schedule", str(maintenance_path), "--year", "2031"]).exit_code == 2
    assert runner.invoke(app, ["schedule", str(maintenance_path), "--workers", "0"]).exit_code == 2
    assert runner.invoke(app, ["schedule", "no-such-pack"]).exit_code == 2


def test_what_if_compares_with_the_baseline(maintenance_path, tmp_path) -> None:
    """The third hangar plus crews that tests/schedule/test_whatif.py shows clear the aircraft queue."""
    out = tmp_path / "out"
    args = ["schedule", str(maintenance_path), "--time-limit", "10", "--workers", "1", "--out", str(out),
            "--add-dock", "ng-h3:nagoya:hangar", "--workforce", "nagoya=75"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "What-if: fleet ready-days per month" in r.output and "f35-3-pdm" in r.output
    doc = json.loads((out / "whatif.json").read_text())
    assert doc["variant_status"] == "optimal" and doc["objective"][1] < doc["objective"][0]
    assert doc["edits"]["add_docks"] == [{"id": "ng-h3", "yard": "nagoya", "kind": "hangar"}]
    j = runner.invoke(app, args[:-6] + ["--format", "json", "--rule", "nuclear_excluded_from_commercial=false"])
    assert j.exit_code == 0, j.output
    assert json.loads(j.output)["what_if"]["variant"]["eligibility_rules"]["nuclear_excluded_from_commercial"] is False


def test_bad_what_if_options_exit_2(maintenance_path) -> None:
    base = ["schedule", str(maintenance_path), "--time-limit", "10", "--workers", "1"]
    for extra, msg in ((["--add-dock", "x:nagoya"], "ID:YARD:KIND"), (["--remove-dock", "nope"], "unknown dock 'nope'"),
                       (["--rule", "speed=3"], "unknown rule"), (["--workforce", "nagoya=lots"], "YARD=WORKERS")):
        r = runner.invoke(app, base + extra)
        assert r.exit_code == 2 and msg in r.output and "Traceback" not in r.output, (extra, r.output)
