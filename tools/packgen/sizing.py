"""Resolve capacity='auto' processes (120% of peak yearly need) and cap_frac lanes; check sufficiency."""
import math
from collections import defaultdict
from common import T, MONTHS, capacity as add_cap

HEAD = 1.2


def cap_series(pid):
    p = next(r for r in T["processes"] if r["id"] == pid)
    base = p["capacity"]
    ov = sorted((r["period"], r["capacity"]) for r in T["capacities"] if r["process"] == pid)
    out, cur = [], base
    for m in MONTHS:
        for per, c in ov:
            if per == m:
                cur = c
        out.append(cur)
    return out


def need_at(site, item, resolved):
    """monthly need of item at site from processes there consuming it."""
    need = [0.0] * len(MONTHS)
    for pi in T["process_inputs"]:
        if pi["item"] != item:
            continue
        p = next(r for r in T["processes"] if r["id"] == pi["process"])
        if p["site"] != site:
            continue
        if p["capacity"] == "auto" and p["id"] not in resolved:
            return None
        cs = cap_series(p["id"])
        for i, c in enumerate(cs):
            need[i] += c * pi["quantity"]
    return need


def supplier_need(pid, resolved):
    p = next(r for r in T["processes"] if r["id"] == pid)
    outs = [o for o in T["process_outputs"] if o["process"] == pid]
    assert len(outs) == 1
    it, q = outs[0]["item"], outs[0]["quantity"]
    total = [0.0] * len(MONTHS)
    for ln in T["lanes"]:
        if ln["origin"] == p["site"] and ln["item"] == it:
            n = need_at(ln["destination"], it, resolved)
            if n is None:
                return None
            total = [a + b for a, b in zip(total, n)]
    return [x / q for x in total]


def resolve():
    auto = [r["id"] for r in T["processes"] if r["capacity"] == "auto"]
    resolved = set()
    while len(resolved) < len(auto):
        progress = False
        for pid in auto:
            if pid in resolved:
                continue
            n = supplier_need(pid, resolved)
            if n is None:
                continue
            p = next(r for r in T["processes"] if r["id"] == pid)
            src = p["source"]
            years = sorted({m[:4] for m in MONTHS})
            vals = []
            for y in years:
                mx = max(v for m, v in zip(MONTHS, n) if m.startswith(y))
                vals.append(max(0.1, math.ceil(mx * HEAD * 100) / 100))
            p["capacity"] = vals[0]
            prev = vals[0]
            for y, v in zip(years[1:], vals[1:]):
                if v != prev:
                    add_cap(pid, f"{y}-01", v, src)
                    prev = v
            resolved.add(pid)
            progress = True
        assert progress, f"cannot resolve {set(auto) - resolved}"
    for ln in T["lanes"]:
        f = ln.pop("_cap_frac", None)
        if f:
            n = need_at(ln["destination"], ln["item"], resolved | set(auto))
            ln["capacity"] = round(f * max(n), 4) if n and max(n) > 0 else 0


def check():
    """Warn where a (site, item) need exceeds what its lanes' supplier processes can make (no rules)."""
    bad = 0
    for p in T["processes"]:
        if p["status"] != "active":
            continue
    for site_item in {(ln["destination"], ln["item"]) for ln in T["lanes"]}:
        site, it = site_item
        n = need_at(site, it, {r["id"] for r in T["processes"]})
        if not n or max(n) == 0:
            continue
        sup = [0.0] * len(MONTHS)
        for ln in T["lanes"]:
            if ln["destination"] == site and ln["item"] == it and ln["status"] == "active":
                o = ln["origin"]
                for p in T["processes"]:
                    if p["site"] == o and p["status"] == "active":
                        for po in T["process_outputs"]:
                            if po["process"] == p["id"] and po["item"] == it:
                                sup = [a + c * po["quantity"] for a, c in zip(sup, cap_series(p["id"]))]
                for s in T["stocks"]:
                    if s["site"] == o and s["item"] == it:
                        sup = [a + 1e9 for a in sup]
        short = [m for m, a, b in zip(MONTHS, sup, n) if a + 1e-9 < b]
        if short:
            bad += 1
            print(f"WARN capacity short: {site} {it} months {short[0]}..{short[-1]} need {max(n):.3g} supply {min(sup):.3g}")
    return bad
