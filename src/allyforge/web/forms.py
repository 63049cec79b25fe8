"""The scenario builder's form fields -> DESIGN's scenario format (a dict dumped as YAML)."""

from __future__ import annotations

from typing import Any

import yaml

EVENT_TYPES = ("export_ban", "site_outage", "demand_surge")


class FormProblem(ValueError):
    pass


def _num(form: dict[str, str], key: str, kind=float) -> Any:
    v = (form.get(key) or "").strip()
    if v == "":
        return None
    try:
        return kind(v)
    except ValueError:
        raise FormProblem(f"{key.replace('_', ' ')}: {v!r} is not a {'whole number' if kind is int else 'number'}") from None


def _list(form: dict[str, str], key: str) -> list[str]:
    return [s.strip() for s in (form.get(key) or "").replace(";", ",").split(",") if s.strip()]


def _param(form: dict[str, str], lo_key: str, hi_key: str) -> Any:
    lo, hi = _num(form, lo_key), _num(form, hi_key)
    if lo is None:
        return None
    if hi is None or hi == lo:
        return lo
    return {"uniform": [lo, hi]}


def scenario_from_form(form: dict[str, str]) -> dict[str, Any]:
    """Build the scenario mapping; FormProblem names the field a value could not be read from."""
    d: dict[str, Any] = {"name": (form.get("name") or "").strip(), "pack": (form.get("pack") or "").strip()}
    if form.get("description"):
        d["description"] = form["description"].strip()
    for key, kind in (("start", str), ("periods", int), ("samples", int), ("seed", int)):
        v = (form.get(key) or "").strip()
        if v:
            d[key] = v if kind is str else _num(form, key, int)
    rules: dict[str, Any] = {}
    if (form.get("as_of") or "").strip():
        rules["as_of"] = form["as_of"].strip()
    if _list(form, "disable"):
        rules["disable"] = _list(form, "disable")
    if rules:
        d["rules"] = rules
    events: list[dict[str, Any]] = []
    if form.get("ban_on"):
        ev: dict[str, Any] = {"type": "export_ban", "origin": (form.get("ban_origin") or "").strip().upper(), "destination": (form.get("ban_destination") or "*").strip().upper() or "*"}
        ev["items"] = _list(form, "ban_items") or ["*"]
        ev["end_use"] = form.get("ban_end_use") or "any"
        _timing(form, "ban", ev)
        frac = _num(form, "ban_fraction")
        if frac:
            ev["fraction"] = frac
        events.append(ev)
    if form.get("outage_on"):
        ev = {"type": "site_outage", "site": (form.get("outage_site") or "").strip()}
        sev = _param(form, "outage_severity_lo", "outage_severity_hi")
        if sev is not None:
            ev["severity"] = sev
        _timing(form, "outage", ev)
        events.append(ev)
    if form.get("surge_on"):
        ev = {"type": "demand_surge", "items": _list(form, "surge_items") or ["*"]}
        if _list(form, "surge_parties"):
            ev["parties"] = _list(form, "surge_parties")
        f = _param(form, "surge_factor_lo", "surge_factor_hi")
        if f is not None:
            ev["factor"] = f
        _timing(form, "surge", ev)
        events.append(ev)
    extra = (form.get("more_events") or "").strip()
    if extra:
        try:
            more = yaml.safe_load(extra)
        except yaml.YAMLError as e:
            raise FormProblem(f"more events: not valid YAML ({getattr(e, 'problem', e)})") from None
        if not isinstance(more, list) or not all(isinstance(m, dict) for m in more):
            raise FormProblem("more events: write a YAML list of events, each a mapping with a type")
        events += more
    d["events"] = events
    return d


def _timing(form: dict[str, str], prefix: str, ev: dict[str, Any]) -> None:
    start = (form.get(f"{prefix}_start") or "").strip()
    if start:
        ev["start"] = start
    dur = _param(form, f"{prefix}_duration_lo", f"{prefix}_duration_hi")
    if dur is not None:
        ev["duration"] = dur


def to_yaml(d: dict[str, Any]) -> str:
    return yaml.safe_dump(d, sort_keys=False, allow_unicode=True, default_flow_style=None)
