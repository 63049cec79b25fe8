"""A serial list schedule used as CP-SAT's first hint when no previous schedule is given.

Availabilities in release order (heavier first on ties) go, one by one, to the
eligible yard where they would cost least; each package takes the earliest working
day from which, over its span (its working days plus the holidays it pauses over),
its crew fits under the yard's remaining workforce and a dock of its kind and size
is free. Feasibility masks are numpy sliding windows, so a year of ~200
availabilities is placed in well under a second. CP-SAT only uses the result as a
hint: correctness never rests on it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from allyforge.schedule.data import MaintenanceData, given
from allyforge.schedule.eligibility import Eligibility
from allyforge.schedule.model import Weights, holidays_and_shifts
from allyforge.schedule.workdays import WorkCalendar


def _fits(free: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """ok[t] is True when free[t:ends[t]] is all True (ends[t] > len: no such span)."""
    H = len(free)
    bad = np.concatenate([[0], np.cumsum(~free)])
    valid = ends <= H
    e = np.where(valid, ends, H)
    return valid & ((bad[e] - bad[np.arange(H)]) == 0)


def greedy(d: MaintenanceData, elig: Eligibility, selected: list[str], origin: dt.date, horizon: int, weights: Weights) -> dict:
    """{availability: (yard, {package: (start, dock or None)})} for those it could place."""
    H = horizon
    cap, used, cal = {}, {}, {}
    for y in d.yards.itertuples(index=False):
        # holidays keep the full crew here: a package paused over one is also in work on
        # the working day before it, where its crew is counted (docs/schedule.md)
        holidays, windows = holidays_and_shifts(d, y.id, int(y.workforce), origin, H)
        c = np.full(H, int(y.workforce))
        for lo, hi, w in windows:
            c[lo:hi] = w
        cap[y.id], used[y.id], cal[y.id] = c, np.zeros(H, dtype=int), WorkCalendar(H, holidays)
    busy = {k: np.zeros(H, dtype=bool) for k in d.docks["id"]}
    docks = d.docks
    av = d.availabilities.set_index("id")
    size = dict(zip(d.assets["id"], d.assets["size_class"]))
    kind = dict(zip(d.assets["id"], d.assets["kind"]))
    order = sorted(selected, key=lambda a: (av.loc[a, "release"], -float(av.loc[a, "weight"]), a))
    out = {}
    for a in order:
        asset = av.loc[a, "asset"]
        release = max(0, (av.loc[a, "release"] - origin).days)
        due = (av.loc[a, "due"] - origin).days
        pk = d.work_packages[d.work_packages["availability"] == a]
        topo = _topo(pk)
        best = None
        for opt in elig.options[a]:
            windows = opt.start_windows or ((release, H),)
            for lo, hi in windows:
                plan = _place(pk, topo, max(lo, release), hi, opt.yard, cap, used, busy, docks, size[asset], cal[opt.yard])
                if plan is None:
                    continue
                s = min(p[0] for p in plan.values())
                e = max(p[1] for p in plan.values())
                lost = e - (s if kind[asset] == "ship" else release)
                cost = float(av.loc[a, "weight"]) * (weights.tardiness * max(0, e - due) + weights.lost_ready_day * lost)
                if best is None or cost < best[0]:
                    best = (cost, opt.yard, plan)
                break  # the earliest window that works is the best for this yard
        if best is None:
            continue
        _, yard, plan = best
        for n, (t, end, dock) in plan.items():
            r = pk[pk["id"] == n].iloc[0]
            used[yard][t:end] += int(r["workforce"])
            if dock is not None:
                busy[dock][t:end] = True
        out[a] = (yard, plan)
    return out


def _topo(pk: pd.DataFrame) -> list[str]:
    after = dict(zip(pk["id"], pk["after"]))
    done: list[str] = []
    while len(done) < len(after):
        for n, ps in after.items():
            if n not in done and all(p in done for p in ps):
                done.append(n)
    return done


def _place(pk, topo, lo, hi, yard, cap, used, busy, docks, size, cal: WorkCalendar) -> dict | None:
    """Packages of one availability at one yard, earliest first; the first start in [lo, hi).
    {package: (start, end exclusive, dock or None)}."""
    H = len(cap[yard])
    plan: dict[str, tuple[int, int, str | None]] = {}
    extra = np.zeros(H, dtype=int)  # this availability's own crews already placed
    taken: dict[str, np.ndarray] = {}
    for n in topo:
        r = pk[pk["id"] == n].iloc[0]
        dur, w = int(r["duration"]), int(r["workforce"])
        earliest = max([lo] + [plan[p][1] for p in r["after"]])
        if not r["after"] and earliest >= hi:
            return None
        ends = cal.ends(dur)
        ok = _fits(cap[yard] - used[yard] - extra >= w, ends)
        choices = [None]
        if given(r["needs"]):
            cands = docks[(docks["yard"] == yard) & (docks["kind"] == r["needs"]) & (docks["size_class"] >= size)]["id"]
            choices = list(cands)
        best_t, best_dock = None, None
        for k in choices:
            m = ok if k is None else ok & _fits(~(busy[k] | taken.get(k, np.zeros(H, dtype=bool))), ends)
            last = H - 1 if r["after"] else min(H - 1, hi - 1)
            idx = np.flatnonzero(m[earliest : last + 1]) if last >= earliest else []
            if len(idx) and (best_t is None or earliest + idx[0] < best_t):
                best_t, best_dock = earliest + int(idx[0]), k
        if best_t is None:
            return None
        end = int(ends[best_t])
        plan[n] = (best_t, end, best_dock)
        extra[best_t:end] += w
        if best_dock is not None:
            taken.setdefault(best_dock, np.zeros(H, dtype=bool))[best_t:end] = True
    return plan
