"""CLI exit codes and output for the pack verbs (DESIGN: 0 ok, 2 bad input)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from allyforge import __version__
from allyforge.cli import app

runner = CliRunner()


def test_version() -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output


def test_validate_clean_pack(tiny_path: Path) -> None:
    r = runner.invoke(app, ["validate", str(tiny_path)])
    assert r.exit_code == 0, r.output
    assert "valid" in r.output


def test_validate_broken_pack_exits_2_and_lists_every_problem(tiny_copy: Path) -> None:
    p = tiny_copy / "processes.csv"
    p.write_text(p.read_text().replace("us-assembly,us-plant,10,", "us-assembly,us-plant,-10,"))
    s = tiny_copy / "sites.csv"
    s.write_text(s.read_text().replace("cn-mine,Mine CN,CN,mine", "cn-mine,Mine CN,CN,quarry"))
    r = runner.invoke(app, ["validate", str(tiny_copy)])
    assert r.exit_code == 2
    assert "processes.csv, row 5, column capacity" in r.output
    assert "sites.csv, row 2, column kind" in r.output


def test_unknown_pack_exits_2() -> None:
    r = runner.invoke(app, ["validate", "no-such-pack"])
    assert r.exit_code == 2 and "no-such-pack" in r.output


def test_show_sections(tiny_path: Path) -> None:
    r = runner.invoke(app, ["show", str(tiny_path)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    for title in ("Programs", "Tiers", "Countries", "Critical materials", "Trade rules", "Budgets", "Assumptions", "uncertain"):
        assert title in r.output
    assert "cn-ban-jp" in r.output and "missile-jp" in r.output


def test_show_unknown_section_exits_2(tiny_path: Path) -> None:
    r = runner.invoke(app, ["show", str(tiny_path), "--section", "nope"])
    assert r.exit_code == 2


def test_schema_json_and_unknown_table() -> None:
    r = runner.invoke(app, ["schema", "lanes", "--format", "json"])
    assert r.exit_code == 0
    rows = json.loads(r.output)
    assert {x["attribute"] for x in rows} >= {"id", "item", "origin", "destination", "lead_time", "share"}
    assert runner.invoke(app, ["schema", "nope"]).exit_code == 2


def test_console_script_runs(tiny_path: Path) -> None:
    exe = Path(sys.executable).parent / "allyforge"
    r = subprocess.run([str(exe), "validate", str(tiny_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
