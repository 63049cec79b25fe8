"""Generate a maintenance year: 70 ship availabilities and 100 aircraft inductions at 5 sites.

Shapes follow the fact base where it speaks (Yokosuka's six drydocks, one carrier
dock; SRF-JRMC ~2,000 workers with 230 at Sasebo; F-35 airframes at MHI Nagoya,
F135 engines at IHI Mizuho); counts, durations and workloads are drawn. Seeded, so
every run solves the same year. Used by benchmarks/schedule_year.py.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from allyforge.schedule import MaintenanceData

YEAR = 2026


def generate(seed: int = 2026, ships: int = 70, aircraft: int = 100, holidays: bool = False) -> MaintenanceData:
    """The year; with `holidays` the four closures are holidays (no workforce: work
    pauses over them) instead of reduced shifts."""
    rng = np.random.default_rng(seed)
    o = dt.date(YEAR, 1, 1)
    yards = pd.DataFrame(
        [
            ("yokosuka", "site-yokosuka", "SRF-JRMC Yokosuka", False, ("ship",), 1500),
            ("sasebo", "site-sasebo", "SRF-JRMC Sasebo", False, ("ship",), 400),
            ("yokohama", "site-yokohama", "Commercial yard Yokohama", True, ("ship",), 400),
            ("nagoya", "site-nagoya", "Airframe depot Nagoya", True, ("aircraft",), 600),
            ("mizuho", "site-mizuho", "Engine depot Mizuho", True, ("engine",), 90),
        ],
        columns=["id", "site", "name", "commercial", "serves", "workforce"],
    )
    yards["source"], yards["_row"] = [()] * len(yards), range(2, 2 + len(yards))
    docks = [("yk-dd1", "yokosuka", "drydock", 2), ("yk-dd2", "yokosuka", "drydock", 2), ("yk-dd3", "yokosuka", "drydock", 3),
             ("yk-dd4", "yokosuka", "drydock", 3), ("yk-dd5", "yokosuka", "drydock", 3), ("yk-dd6", "yokosuka", "drydock", 5)]
    docks += [(f"yk-b{i}", "yokosuka", "berth", 5 if i <= 2 else 4 if i <= 5 else 3) for i in range(1, 13)]
    docks += [(f"sb-b{i}", "sasebo", "berth", 4) for i in range(1, 6)] + [("sb-dd1", "sasebo", "drydock", 4)]
    docks += [("yh-dd1", "yokohama", "drydock", 4), ("yh-b1", "yokohama", "berth", 4), ("yh-b2", "yokohama", "berth", 4), ("yh-b3", "yokohama", "berth", 4)]
    docks += [(f"ng-h{i}", "nagoya", "hangar", 1) for i in range(1, 25)] + [(f"mz-c{i}", "mizuho", "test_cell", 1) for i in range(1, 3)]
    docks = pd.DataFrame(docks, columns=["id", "yard", "kind", "size_class"])
    docks["name"], docks["source"], docks["_row"] = docks["id"], [()] * len(docks), range(2, 2 + len(docks))
    closures = pd.DataFrame(
        [("yokosuka", dt.date(YEAR, 12, 29), dt.date(YEAR + 1, 1, 3), 300), ("yokohama", dt.date(YEAR, 8, 11), dt.date(YEAR, 8, 16), 100),
         ("nagoya", dt.date(YEAR, 5, 2), dt.date(YEAR, 5, 6), 120), ("mizuho", dt.date(YEAR, 5, 2), dt.date(YEAR, 5, 6), 40)],
        columns=["yard", "start", "end", "workforce"],
    )
    if holidays:
        closures["workforce"] = 0
    closures["source"], closures["_row"] = [()] * len(closures), range(2, 2 + len(closures))

    assets, avs, wps = [], [], []
    classes = [("DDG", 3, False, 0.55), ("CG", 3, False, 0.15), ("LSD", 4, False, 0.15), ("MCM", 2, False, 0.1), ("CVN", 5, True, 0.05)]
    names, sizes, nuc, p = zip(*classes)
    n_hulls = 40  # some hulls have two availabilities in the year
    for h in range(n_hulls):
        k = rng.choice(len(classes), p=np.array(p) / sum(p))
        reassign = o + dt.timedelta(days=int(rng.integers(200, 700))) if rng.random() < 0.15 else None
        home = "US" if rng.random() < 0.05 else "JP"
        assets.append((f"hull-{h:02d}", f"Hull {h:02d}", "ship", names[k], "US", home, int(sizes[k]), bool(nuc[k]), reassign))
    for i in range(ships):
        hull = assets[i % n_hulls]
        release = o + dt.timedelta(days=int(rng.integers(0, 330)))
        kind = rng.random()
        pk = []
        if hull[5] == "US":
            work = "voyage_repair"
            pk = [("fix", int(rng.integers(7, 21)), "berth", int(rng.integers(20, 60)), ())]
        elif kind < 0.3:  # docking selected restricted availability
            work = "maintenance"
            dd = int(rng.integers(30, 70))
            pk = [("dock", dd, "drydock", int(rng.integers(60, 140)), ()), ("pier", int(rng.integers(30, 80)), "berth", int(rng.integers(40, 100)), ("dock",)),
                  ("systems", int(rng.integers(20, 60)), None, int(rng.integers(10, 40)), ("dock",))]
        else:  # pierside selected restricted availability
            work = "maintenance"
            pk = [("pier", int(rng.integers(40, 100)), "berth", int(rng.integers(40, 110)), ()), ("test", int(rng.integers(5, 15)), None, int(rng.integers(10, 30)), ("pier",))]
        span = max(d for _, d, *_ in pk) + (pk[0][1] if len(pk) > 1 else 0)
        due = release + dt.timedelta(days=int(span * rng.uniform(1.0, 1.3)))
        aid = f"ship-av-{i:02d}"
        avs.append((aid, hull[0], work, release, due, float(rng.choice([1.0, 1.0, 1.5, 2.0])), (), None))
        wps += [(aid, n, d, needs, w, after) for n, d, needs, w, after in pk]
    for i in range(aircraft):
        engine = i % 10 < 3  # 30 engines at Mizuho, 70 airframes at Nagoya
        aid = f"{'eng' if engine else 'acft'}-{i:03d}"
        assets.append((aid, aid.upper(), "engine" if engine else "aircraft", "F135" if engine else "F-35A", "US", "JP", 1, False, None))
        release = o + dt.timedelta(days=int(rng.integers(0, 340)))
        if engine:
            pk = [("strip", int(rng.integers(20, 40)), None, int(rng.integers(8, 16)), ()), ("test", int(rng.integers(3, 8)), "test_cell", 6, ("strip",))]
        else:
            pk = [("airframe", int(rng.integers(60, 100)), "hangar", int(rng.integers(18, 30)), ())]
        span = sum(d for _, d, *_ in pk)
        av_id = f"ind-{i:03d}"
        avs.append((av_id, aid, "maintenance", release, release + dt.timedelta(days=int(span * rng.uniform(1.05, 1.4))), 1.0, (), None))
        wps += [(av_id, n, d, needs, w, after) for n, d, needs, w, after in pk]
    assets = pd.DataFrame(assets, columns=["id", "name", "kind", "class", "party", "homeport_country", "size_class", "nuclear", "reassignment"])
    assets["source"], assets["_row"] = [()] * len(assets), range(2, 2 + len(assets))
    avs = pd.DataFrame(avs, columns=["id", "asset", "work", "release", "due", "weight", "yards", "planned_days"])
    avs["source"], avs["_row"] = [()] * len(avs), range(2, 2 + len(avs))
    wps = pd.DataFrame(wps, columns=["availability", "id", "duration", "needs", "workforce", "after"])
    wps["source"], wps["_row"] = [()] * len(wps), range(2, 2 + len(wps))
    countries = {s: "JP" for s in yards["site"]}
    files = {t: f"{t}.csv" for t in ("yards", "yard_closures", "docks", "assets", "availabilities", "work_packages")}
    return MaintenanceData(yards, closures, docks, assets, avs, wps, countries, files)
