"""Scenario files: validation names file, line and field (DESIGN: Scenarios; issue 3 deliverable 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from allyforge.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from allyforge.scenario.model import json_schema_text

ROOT = Path(__file__).resolve().parents[2]


def test_design_example_parses():
    # the YAML block of DESIGN.md's Scenarios section, verbatim
    text = """\
name: china-export-ban-2026
pack: us-japan-2026
start: 2026-01            # periods of the pack's calendar
periods: 36
samples: 500              # CLI flags override the file
seed: 2026
rules: {as_of: 2026-01-06, disable: [], add: []}
events:
  - type: export_ban
    origin: CN
    destination: JP
    items: [gallium, germanium, antimony, heavy_ree]
    end_use: any
    start: 2026-02
    duration: {uniform: [6, 24]}   # periods, rounded to whole periods
"""
    sc = parse_scenario(text, "x.yaml")
    assert sc.samples == 500 and sc.seed == 2026 and sc.periods == 36 and sc.start == "2026-01"
    assert str(sc.rules.as_of) == "2026-01-06"
    ev = sc.events[0]
    assert ev.type == "export_ban" and ev.duration.uniform == (6, 24)
    assert sc.line_of("events", 0, "duration") == 15


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("name: a\nsamples: 0\n", 2, "samples", "greater than or equal to 1"),
        ("name: a\nevents:\n  - type: site_outage\n    site: x\n    severity: {uniform: [0.9, 0.1]}\n", 5, "events[0].severity", "lo <= hi"),
        ("name: a\nevents:\n  - type: volcano\n    site: x\n", 3, "events[0]", "volcano"),
        ("name: a\nevents:\n  - type: site_outage\n    sight: x\n", 4, "events[0].sight", "Extra inputs"),
        ("name: a\nevents:\n  - type: site_outage\n    start: 2026-02\n", 3, "events[0].site", "Field required"),
        ("samples: 5\n", 1, "name", "Field required"),
    ],
)
def test_problems_name_line_and_field(text, line, field, words):
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text, "bad.yaml")
    probs = e.value.problems
    assert any(p.file == "bad.yaml" and p.line == line and p.field == field and words in p.message for p in probs), probs


def test_every_problem_at_once():
    text = "name: a\nsamples: -1\nseed: x\nevents:\n  - {type: lane_cut}\n"
    with pytest.raises(ScenarioError) as e:
        parse_scenario(text, "bad.yaml")
    fields = {p.field for p in e.value.problems}
    assert {"samples", "seed", "events[0]"} <= fields


def test_not_yaml_names_line():
    with pytest.raises(ScenarioError) as e:
        parse_scenario("name: a\nevents: [\n", "bad.yaml")
    assert e.value.problems[0].line is not None


def test_overrides_replace_file_values_and_are_checked():
    sc = parse_scenario("name: a\nsamples: 10\nseed: 4\n")
    o = sc.with_overrides(samples=3, seed=9)
    assert (o.samples, o.seed, sc.samples) == (3, 9, 10)
    with pytest.raises(ValueError):
        sc.with_overrides(samples=0)


def test_bundled_lookup_beside_a_pack():
    sc = load_scenario("baseline", pack_dir=ROOT / "tests" / "fixtures" / "tiny")
    assert sc.name == "baseline" and sc.pack == "tiny"
    with pytest.raises(ScenarioError, match="not a bundled scenario"):
        load_scenario("nope", pack_dir=ROOT / "tests" / "fixtures" / "tiny")


def test_json_schema_is_current():
    """docs/scenario.schema.json is generated from the model (`python -m allyforge.scenario`)."""
    published = (ROOT / "docs" / "scenario.schema.json").read_text()
    assert published == json_schema_text(), "regenerate: python -m allyforge.scenario > docs/scenario.schema.json"


def test_one_documented_example_per_event_type():
    from allyforge.scenario import EVENT_TYPES

    files = {p.stem: p for p in (ROOT / "docs" / "scenarios").glob("*.yaml")}
    assert set(EVENT_TYPES) <= set(files)
    for name in EVENT_TYPES:
        sc = load_scenario(files[name])
        assert isinstance(sc, Scenario) and sc.events[0].type == name
