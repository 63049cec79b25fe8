"""Eligibility from the statute text, property-tested.

Reference: 10 U.S.C. §8680 (formerly §7310), as corrected in the fact base §8:
(a) a vessel homeported in the United States or Guam may not be overhauled,
repaired or maintained abroad other than for voyage repairs; (b) for a vessel
homeported abroad, work scheduled for more than six months may not begin in the
15 months before its planned reassignment to a US homeport. Nuclear-powered ships
are excluded from Japanese commercial yards (fact base A-07).

The oracle below is written from that text alone. With ample docks and workers,
eligibility and the release/horizon window are the only limits, so: every
availability the oracle allows somewhere is scheduled (no eligible one is
excluded), every placement is allowed by the oracle and the independent checker,
and when the oracle allows none the result is an infeasibility naming it.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from allyforge.schedule import MaintenanceData, SolverSettings, check_schedule, schedule

ORIGIN = dt.date(2026, 1, 1)
HORIZON = 730
FAST = SolverSettings(num_workers=1, time_limit=10.0)
YARDS = {"navy": False, "commercial": True}  # id -> commercial; both in Japan


def _minus_months(d: dt.date, months: int) -> dt.date:
    k = d.year * 12 + (d.month - 1) - months
    y, m = divmod(k, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def oracle_allows(ship: dict, av: dict, commercial: bool, start: dt.date) -> bool:
    """Straight from the statute text; all yards here are outside the US and Guam."""
    if ship["nuclear"] and commercial:
        return False
    R = ship["reassignment"]
    homeported_in_us = ship["homeport"] in ("US", "GU") or (R is not None and start >= R)
    if homeported_in_us and av["work"] != "voyage_repair":
        return False
    more_than_six_months = av["days"] / (365.25 / 12) > 6
    if R is not None and more_than_six_months and _minus_months(R, 15) <= start < R:
        return False
    return True


def allowed_somewhere(ship: dict, av: dict) -> bool:
    first = av["release"]
    last = ORIGIN + dt.timedelta(days=HORIZON - av["days"])
    d = first
    while d <= last:
        if any(oracle_allows(ship, av, c, d) for c in YARDS.values()):
            return True
        d += dt.timedelta(days=1)
    return False


def data_for(ships: list[dict], avs: list[dict]) -> MaintenanceData:
    n = len(ships)
    yards = pd.DataFrame({"id": list(YARDS), "site": ["jp-site"] * 2, "name": list(YARDS), "commercial": list(YARDS.values()),
                          "serves": [("ship",)] * 2, "workforce": [1000] * 2, "source": [()] * 2, "_row": [2, 3]})
    docks = pd.DataFrame([{"id": f"{y}-b{i}", "yard": y, "kind": "berth", "size_class": 1, "name": "", "source": (), "_row": 2} for y in YARDS for i in range(n)])
    assets = pd.DataFrame([{"id": s["id"], "name": s["id"], "kind": "ship", "class": "DDG", "party": "US", "homeport_country": s["homeport"], "size_class": 1,
                            "nuclear": s["nuclear"], "reassignment": s["reassignment"], "source": (), "_row": i + 2} for i, s in enumerate(ships)])
    av = pd.DataFrame([{"id": a["id"], "asset": a["asset"], "work": a["work"], "release": a["release"], "due": a["release"] + dt.timedelta(days=a["days"] + 30),
                        "weight": 1.0, "yards": (), "planned_days": None, "source": (), "_row": i + 2} for i, a in enumerate(avs)])
    wp = pd.DataFrame([{"availability": a["id"], "id": "work", "duration": a["days"], "needs": "berth", "workforce": 10, "after": (), "source": (), "_row": i + 2} for i, a in enumerate(avs)])
    closures = pd.DataFrame(columns=["yard", "start", "end", "workforce", "source", "_row"])
    files = {t: f"{t}.csv" for t in ("yards", "yard_closures", "docks", "assets", "availabilities", "work_packages")}
    return MaintenanceData(yards, closures, docks, assets, av, wp, {"jp-site": "JP"}, files)


dates = st.integers(0, 900).map(lambda k: dt.date(2026, 1, 1) + dt.timedelta(days=k))
ship_st = st.fixed_dictionaries({
    "homeport": st.sampled_from(["JP"] * 6 + ["US", "GU"]),
    "nuclear": st.sampled_from([False, False, False, True]),
    "reassignment": st.one_of(st.none(), dates),
})
av_st = st.fixed_dictionaries({
    "work": st.sampled_from(["maintenance", "maintenance", "voyage_repair"]),
    "days": st.sampled_from([10, 60, 150, 182, 183, 184, 200, 300]),
    "release": st.integers(0, 364).map(lambda k: ORIGIN + dt.timedelta(days=k)),
})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ship_st, av_st), min_size=1, max_size=4))
def test_no_ineligible_placement_and_no_eligible_one_excluded(pairs) -> None:
    ships = [{**s, "id": f"ship{i}"} for i, (s, _) in enumerate(pairs)]
    avs = [{**a, "id": f"av{i}", "asset": f"ship{i}"} for i, (_, a) in enumerate(pairs)]
    s = schedule(data_for(ships, avs), horizon_days=HORIZON, settings=FAST)
    possible = {a["id"]: allowed_somewhere(ship, a) for ship, a in zip(ships, avs)}
    event("all placeable" if all(possible.values()) else "some barred")
    if all(possible.values()):
        assert s.ok, f"eligible availabilities excluded: {s.explanation}"
        assert check_schedule(s) == []
        for r in s.availabilities.itertuples(index=False):
            i = int(r.availability[2:])
            assert oracle_allows(ships[i], avs[i], YARDS[r.yard], r.start), (r, ships[i], avs[i])
    else:
        assert s.status == "infeasible"
        text = " ".join(s.explanation)
        for a, ok in possible.items():
            if not ok:
                assert f"availability {a} can go nowhere" in text


def test_short_availability_for_a_ship_due_home_within_a_year_is_placed() -> None:
    """Miguel Keith's case (fact base A-09): under six months, so the 15-month window does not bar it."""
    ship = {"id": "esb", "homeport": "JP", "nuclear": False, "reassignment": dt.date(2026, 11, 1)}
    av = {"id": "ovh", "asset": "esb", "work": "maintenance", "days": 60, "release": dt.date(2026, 2, 1)}
    s = schedule(data_for([ship], [av]), horizon_days=HORIZON, settings=FAST)
    assert s.ok and check_schedule(s) == []
    assert s.availabilities["start"].iloc[0] == dt.date(2026, 2, 1)


def test_long_availability_inside_the_window_is_barred_and_explained() -> None:
    ship = {"id": "ddg", "homeport": "JP", "nuclear": False, "reassignment": dt.date(2027, 3, 1)}
    av = {"id": "drsra", "asset": "ddg", "work": "maintenance", "days": 200, "release": dt.date(2026, 1, 5)}
    s = schedule(data_for([ship], [av]), horizon_days=HORIZON, settings=FAST)
    assert s.status == "infeasible"
    assert "§8680(b)" in " ".join(s.explanation) and "2025-12-01" in " ".join(s.explanation)
    # released before the window opens, it must begin before 2025-12-01: impossible here.
    # Reassignment a month later moves the window's start to 2026-01-01... still barred;
    # two months later (2027-05-01) the window opens 2026-02-01 and the work begins in January.
    ship2 = {**ship, "reassignment": dt.date(2027, 5, 1)}
    s2 = schedule(data_for([ship2], [av]), horizon_days=HORIZON, settings=FAST)
    assert s2.ok and s2.availabilities["start"].iloc[0] < dt.date(2026, 2, 1)
    assert check_schedule(s2) == []


def test_nuclear_ship_goes_to_the_navy_yard_only() -> None:
    ship = {"id": "cvn", "homeport": "JP", "nuclear": True, "reassignment": None}
    av = {"id": "sra", "asset": "cvn", "work": "maintenance", "days": 120, "release": dt.date(2026, 1, 10)}
    s = schedule(data_for([ship], [av]), horizon_days=HORIZON, settings=FAST)
    assert s.ok and s.availabilities["yard"].iloc[0] == "navy"
