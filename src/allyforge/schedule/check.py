"""An independent checker: does a schedule obey the data, day by day?

Written apart from the model on purpose: it works in dates straight from the
maintenance tables, walks every day of every package (counting its working days
and its crew only on them: work pauses over a yard's holidays, closures with no
workforce, while the dock stays held), and re-reads the statute
(10 U.S.C. §8680) itself rather than calling the eligibility module, so a bug in
the model or in the eligibility code shows up here as a violation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pandas as pd

from allyforge.schedule.data import MaintenanceData, given
from allyforge.schedule.eligibility import EligibilityRules
from allyforge.schedule.result import Schedule

_HOME = ("US", "GU")  # 10 U.S.C. §8680(a): "homeported in the United States or Guam"


def _days(a: dt.date, b: dt.date):
    d = a
    while d < b:
        yield d
        d += dt.timedelta(days=1)


def _holidays(closures: pd.DataFrame, yard: str) -> set[dt.date]:
    """Days the yard does no work: closures with no workforce (work in progress pauses)."""
    out: set[dt.date] = set()
    for c in closures[closures["yard"] == yard].itertuples(index=False):
        if int(c.workforce) == 0:
            out.update(_days(c.start, c.end + dt.timedelta(days=1)))
    return out


def _longest_chain(pk: pd.DataFrame) -> int:
    dur = dict(zip(pk["id"], pk["duration"]))
    after = dict(zip(pk["id"], pk["after"]))
    memo: dict[str, int] = {}

    def fin(n: str) -> int:
        if n not in memo:
            memo[n] = int(dur[n]) + max((fin(p) for p in after[n]), default=0)
        return memo[n]

    return max((fin(n) for n in dur), default=0)


def check_schedule(schedule: Schedule, data: MaintenanceData | None = None, rules: EligibilityRules | None = None) -> list[str]:
    """Every violation found (empty list: the schedule is valid)."""
    data = data if data is not None else schedule.data
    if data is None:
        raise ValueError("check_schedule needs the maintenance data the schedule was made from")
    if not schedule.ok:
        return []
    rules = rules if rules is not None else EligibilityRules(**schedule.rules)
    bad: list[str] = []
    P, A = schedule.packages, schedule.availabilities
    yards = data.yards.set_index("id")
    docks = data.docks.set_index("id")
    assets = data.assets.set_index("id")
    avs = data.availabilities.set_index("id")
    end_of_horizon = schedule.origin + dt.timedelta(days=schedule.horizon_days)

    # every availability released in the year is placed, and nothing else
    due_in_year = {a for a, r in zip(avs.index, avs["release"]) if r.year == schedule.year}
    for a in sorted(due_in_year - set(A["availability"])):
        bad.append(f"{a}: released in {schedule.year} but not scheduled")
    for a in sorted(set(A["availability"]) - due_in_year):
        bad.append(f"{a}: scheduled, but not an availability released in {schedule.year}")
    # every package of every scheduled availability, once, with its own duration
    for a in A["availability"]:
        want = data.work_packages[data.work_packages["availability"] == a]
        got = P[P["availability"] == a]
        c = Counter(got["package"])
        for p in want["id"]:
            if c[p] != 1:
                bad.append(f"{a}/{p}: scheduled {c[p]} times")
        for p in set(c) - set(want["id"]):
            bad.append(f"{a}/{p}: not a package of the availability")
    wp = data.work_packages.set_index(["availability", "id"])
    holidays = {y: _holidays(data.yard_closures, y) for y in yards.index}
    placed = {}
    for r in P.itertuples(index=False):
        key = (r.availability, r.package)
        if key not in wp.index:
            continue
        w = wp.loc[key]
        placed[key] = r
        off = holidays.get(r.yard, set())
        worked = sum(1 for d in _days(r.start, r.end) if d not in off)
        if worked != int(w["duration"]):
            bad.append(f"{r.availability}/{r.package}: runs {worked} working days, its duration is {int(w['duration'])}")
        if int(w["duration"]) > 0 and (r.start in off or (r.end - dt.timedelta(days=1)) in off):
            bad.append(f"{r.availability}/{r.package}: {r.start}..{r.end} begins or ends on a holiday at {r.yard}")
        if r.start < avs.loc[r.availability, "release"]:
            bad.append(f"{r.availability}/{r.package}: starts {r.start}, before the release on {avs.loc[r.availability, 'release']}")
        if r.end > end_of_horizon or r.start < schedule.origin:
            bad.append(f"{r.availability}/{r.package}: outside the horizon {schedule.origin}..{end_of_horizon}")
        for p in w["after"]:
            prev = P[(P["availability"] == r.availability) & (P["package"] == p)]
            if len(prev) and r.start < prev["end"].iloc[0]:
                bad.append(f"{r.availability}/{r.package}: starts {r.start} before {p} ends on {prev['end'].iloc[0]}")
        # the dock it holds
        asset = assets.loc[avs.loc[r.availability, "asset"]]
        if not given(w["needs"]):
            if r.dock is not None and not pd.isna(r.dock):
                bad.append(f"{r.availability}/{r.package}: holds dock {r.dock} it does not need")
        elif r.dock is None or pd.isna(r.dock) or r.dock not in docks.index:
            bad.append(f"{r.availability}/{r.package}: needs a {w['needs']} but holds none")
        else:
            dkr = docks.loc[r.dock]
            if dkr["yard"] != r.yard:
                bad.append(f"{r.availability}/{r.package}: dock {r.dock} is at {dkr['yard']}, not {r.yard}")
            if dkr["kind"] != w["needs"]:
                bad.append(f"{r.availability}/{r.package}: dock {r.dock} is a {dkr['kind']}, the package needs a {w['needs']}")
            if int(dkr["size_class"]) < int(asset["size_class"]):
                bad.append(f"{r.availability}/{r.package}: dock {r.dock} (size class {dkr['size_class']}) is too small for size class {asset['size_class']}")

    # one yard per availability; the yard takes the asset; the statute
    for a, got in P.groupby("availability"):
        ys = set(got["yard"])
        if len(ys) != 1:
            bad.append(f"{a}: split over yards {sorted(ys)}")
            continue
        (y,) = ys
        if y not in yards.index:
            bad.append(f"{a}: unknown yard {y}")
            continue
        av = avs.loc[a]
        asset = assets.loc[av["asset"]]
        if asset["kind"] not in yards.loc[y, "serves"]:
            bad.append(f"{a}: yard {y} does not serve {asset['kind']}s")
        if av["yards"] and y not in av["yards"]:
            bad.append(f"{a}: yard {y} is not among its allowed yards {list(av['yards'])}")
        if asset["kind"] != "ship":
            continue
        if rules.nuclear_excluded_from_commercial and bool(asset["nuclear"]) and bool(yards.loc[y, "commercial"]):
            bad.append(f"{a}: nuclear-powered {av['asset']} placed at commercial yard {y}")
        country = data.countries.get(yards.loc[y, "site"], "")
        if country in _HOME:
            continue
        start = min(got["start"])
        voyage = av["work"] == "voyage_repair"
        R = asset["reassignment"]
        homeported_home = asset["homeport_country"] in _HOME or (given(R) and start >= R)
        if rules.us_homeport_voyage_repairs_only and homeported_home and not voyage:
            bad.append(f"{a}: {av['asset']} is homeported in the US or Guam on {start} and gets non-voyage work abroad at {y}")
        if given(R) and rules.reassignment_window_months is not None:
            pk = data.work_packages[data.work_packages["availability"] == a]
            planned = int(av["planned_days"]) if given(av["planned_days"]) else _longest_chain(pk)
            is_long = planned * 12 / 365.25 > rules.long_work_months
            m = R.month - rules.reassignment_window_months
            yy, mm = R.year + (m - 1) // 12, (m - 1) % 12 + 1
            last = (dt.date(yy + (mm == 12), mm % 12 + 1, 1) - dt.timedelta(days=1)).day
            window_from = dt.date(yy, mm, min(R.day, last))
            if is_long and window_from <= start < R:
                bad.append(f"{a}: work planned for {planned} days begins {start}, within {rules.reassignment_window_months} months before {av['asset']}'s reassignment on {R}")

    # per day: a dock holds one package; a yard's workforce is not exceeded
    dock_use: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    crew: dict[tuple[str, dt.date], int] = defaultdict(int)
    for r in P.itertuples(index=False):
        w = wp.loc[(r.availability, r.package)] if (r.availability, r.package) in wp.index else None
        need = int(w["workforce"]) if w is not None else 0
        off = holidays.get(r.yard, set())
        for d in _days(r.start, r.end):
            if r.dock is not None and not pd.isna(r.dock):
                dock_use[(r.dock, d)].append(f"{r.availability}/{r.package}")  # held while paused too
            if d not in off:
                crew[(r.yard, d)] += need
    for (k, d), who in sorted(dock_use.items()):
        if len(who) > 1:
            bad.append(f"dock {k} on {d}: holds {', '.join(who)} at once")
    closures = data.yard_closures
    for (y, d), n in sorted(crew.items()):
        if y not in yards.index:
            continue
        cap = int(yards.loc[y, "workforce"])
        for c in closures[closures["yard"] == y].itertuples(index=False):
            if c.start <= d <= c.end and int(c.workforce) > 0:  # a reduced shift (holidays do no work)
                cap = min(cap, int(c.workforce))
        if n > cap:
            bad.append(f"yard {y} on {d}: {n} workers needed, {cap} available")

    # the reported figures follow from the placements
    for r in A.itertuples(index=False):
        got = P[P["availability"] == r.availability]
        s, e = min(got["start"]), max(got["end"])
        if (r.start, r.end) != (s, e):
            bad.append(f"{r.availability}: reported span {r.start}..{r.end}, packages span {s}..{e}")
        late = max(0, (e - r.due).days)
        if r.days_late != late:
            bad.append(f"{r.availability}: reported {r.days_late} days late, actually {late}")
        # a ship is in service until its work begins; an aircraft or engine waits at the depot from its release
        out_from = s if assets.loc[avs.loc[r.availability, "asset"], "kind"] == "ship" else max(avs.loc[r.availability, "release"], schedule.origin)
        if r.lost_ready_days != (e - out_from).days:
            bad.append(f"{r.availability}: reported {r.lost_ready_days} ready-days lost, actually {(e - out_from).days}")
    # the objective: sum of weight x (tardiness weight x days late + ready-day weight x
    # ready-days lost), each weight product kept to 1/100 as docs/schedule.md says
    if schedule.objective is not None and len(A):
        w = schedule.weights
        total = 0.0
        for r in A.itertuples(index=False):
            cents = round(float(avs.loc[r.availability, "weight"]) * 100)
            total += (round(cents * w["tardiness"]) * r.days_late + round(cents * w["lost_ready_day"]) * r.lost_ready_days) / 100
        if abs(total - schedule.objective) > 1e-6 * max(1.0, abs(total)):
            bad.append(f"objective {schedule.objective} reported, the placements give {total}")
    return bad


def check_project(project, starts: dict[str, int]) -> list[str]:
    """Check a core Project's schedule (single-mode tasks): precedence and resources per day."""
    bad = []
    dur = {t.id: t.duration for t in project.tasks}
    for t in project.tasks:
        if t.id not in starts:
            bad.append(f"task {t.id} not scheduled")
        elif starts[t.id] < t.release:
            bad.append(f"task {t.id} starts before its release")
    for a, b in project.precedences:
        if a in starts and b in starts and starts[b] < starts[a] + dur[a]:
            bad.append(f"task {b} starts at {starts[b]} before {a} ends at {starts[a] + dur[a]}")
    load: dict[tuple[str, int], int] = defaultdict(int)
    for t in project.tasks:
        if len(t.modes) != 1 or t.id not in starts:
            continue
        for r, q in t.modes[0].demands.items():
            for day in range(starts[t.id], starts[t.id] + t.duration):
                load[(r, day)] += q
    cap = {r.id: r.capacity for r in project.resources}
    for (r, day), q in sorted(load.items()):
        if q > cap[r]:
            bad.append(f"resource {r} on day {day}: {q} used, capacity {cap[r]}")
    return bad
