"""Scenario text in, a validated Scenario out — or 422 with every problem's line and field."""

from __future__ import annotations

from pathlib import Path

from fastapi import HTTPException

from allyforge.store import Store, StoreError


def problems_json(e: Exception) -> list[dict]:
    return [{"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in getattr(e, "problems", [])]


def parse(text: str, label: str = "scenario"):
    from allyforge.scenario import ScenarioError, parse_scenario

    try:
        return parse_scenario(text, label)
    except ScenarioError as e:
        raise HTTPException(422, {"message": f"the scenario is not valid: {len(e.problems)} problem(s)", "problems": problems_json(e)}) from None


def check_against_pack(scn, net) -> None:
    """Problems only the pack can reveal (unknown sites, items, periods): resolve one sample against it."""
    from allyforge.scenario import ScenarioError, resolve

    try:
        resolve(net, scn, samples=1)
    except ScenarioError as e:
        raise HTTPException(422, {"message": f"the scenario does not fit pack {net.name}: {len(e.problems)} problem(s)", "problems": problems_json(e)}) from None


def text_of(store: Store, key: str, pack_location: str | None = None) -> tuple[str, str]:
    """(text, label) of a stored scenario (hash or name), one beside the given pack, or a bundled one (name)."""
    try:
        row = store.scenario(key)
        return row["body"], row["name"]  # canonical JSON (a YAML subset) or YAML text
    except StoreError:
        pass
    from allyforge.scenario.load import bundled_scenarios

    known = {**bundled_scenarios(), **(bundled_scenarios(pack_location) if pack_location and Path(pack_location).is_dir() else {})}
    if key in known:
        return known[key].read_text(encoding="utf-8-sig"), key
    raise HTTPException(422, {"message": f"unknown scenario {key!r}", "problems": [{"file": "request", "line": None, "field": "scenario", "message": f"no stored or bundled scenario {key!r}; bundled: {', '.join(known) or 'none'}"}]})

