"""Reading scenario YAML: every problem with its file, line and field; bundled-scenario lookup.

Bundled scenarios live beside their pack: `pack/data/<pack>/scenarios/<name>.yaml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from allyforge.scenario.errors import ScenarioError, ScenarioProblem
from allyforge.scenario.model import Scenario

SCENARIO_DIR = "scenarios"


def _line_map(node: yaml.Node, path: tuple = (), out: dict[tuple, int] | None = None) -> dict[tuple, int]:
    """Field path -> 1-based line, for every node of a composed YAML document."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            out[(*path, key)] = k.start_mark.line + 1
            _line_map(v, (*path, key), out)
            out[(*path, key)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_map(v, (*path, i), out)
    return out


def _data_path(loc: tuple, data: Any) -> tuple:
    """The part of a pydantic error location that exists in the data (drops union tags)."""
    out: list = []
    cur = data
    for part in loc:
        if isinstance(cur, dict) and part in cur:
            out.append(part)
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            out.append(part)
            cur = cur[part]
    return tuple(out)


def _field_name(path: tuple) -> str | None:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[") or None


def parse_scenario(text: str, label: str = "<scenario>") -> Scenario:
    """A Scenario from YAML text, or a ScenarioError naming line and field of every problem."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ScenarioError([ScenarioProblem(label, mark.line + 1 if mark else None, None, f"not valid YAML: {getattr(e, 'problem', e)}")], label) from None
    if not isinstance(data, dict) or node is None:
        raise ScenarioError([ScenarioProblem(label, 1, None, "a scenario is a mapping of fields (name, pack, start, periods, samples, seed, rules, events)")], label)
    lines = _line_map(node)
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as e:
        problems = []
        seen = set()
        for err in e.errors():
            path = _data_path(err["loc"], data)
            extra = err["type"] == "extra_forbidden" or len(path) == len(err["loc"])
            msg = err["msg"]
            if not extra and len(err["loc"]) > len(path):
                missing = [p for p in err["loc"][len(path):] if isinstance(p, str) and p[:1].islower() and "[" not in p]
                if err["type"] == "missing" and missing:
                    path_s = _field_name((*path, missing[-1]))
                    key = (path_s, msg)
                    if key not in seen:
                        seen.add(key)
                        problems.append(ScenarioProblem(label, lines.get(path), path_s, msg))
                    continue
            key = (path, msg)
            if key in seen:
                continue
            seen.add(key)
            problems.append(ScenarioProblem(label, lines.get(path), _field_name(path), msg))
        raise ScenarioError(problems, label) from None
    sc._source, sc._lines = label, lines
    return sc


def bundled_scenarios(pack_dir: str | Path | None = None) -> dict[str, Path]:
    """Name -> file of the scenarios beside one pack (or beside every bundled pack)."""
    if pack_dir is not None:
        dirs = [Path(pack_dir) / SCENARIO_DIR]
    else:
        from allyforge.pack import bundled_packs

        dirs = [p / SCENARIO_DIR for p in bundled_packs().values()]
    out: dict[str, Path] = {}
    for d in dirs:
        if d.is_dir():
            for f in sorted(d.glob("*.yaml")):
                out.setdefault(f.stem, f)
    return out


def load_scenario(name_or_path: str | Path, pack_dir: str | Path | None = None) -> Scenario:
    """A scenario YAML path, or a bundled scenario's name (beside `pack_dir`, else beside any bundled pack)."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.is_file():
            raise ScenarioError([ScenarioProblem(str(p), None, None, "no such scenario file")], str(p))
        try:
            text = p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise ScenarioError([ScenarioProblem(str(p), None, None, f"cannot read: {e}")], str(p)) from None
        return parse_scenario(text, str(p))
    known = bundled_scenarios(pack_dir)
    if str(name_or_path) in known:
        return load_scenario(known[str(name_or_path)])
    names = ", ".join(known) or "none"
    raise ScenarioError([ScenarioProblem(str(name_or_path), None, None, f"no such scenario file, and not a bundled scenario (known: {names})")], str(name_or_path))


def default_scenario(network: Any, pack_dir: str | Path | None = None) -> Scenario:
    """The pack's default scenario (pack.yaml `default_scenario`), or the whole calendar with no events."""
    name = getattr(network.meta, "default_scenario", None)
    if name and str(name) in bundled_scenarios(pack_dir):
        return load_scenario(str(name), pack_dir)
    return Scenario(name=str(name or "baseline"), pack=network.name)
