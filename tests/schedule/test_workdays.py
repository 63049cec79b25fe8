"""Work pauses over a yard's holidays: calendars, the model, the checker.

Expected spans are counted by hand on the 2026 calendar (day 0 = 1 January 2026):
20 April = day 109, 2 May = day 121, 6 May = day 125, 7 May = day 126, 15 May =
day 134. A Golden Week holiday 2-6 May is five days; 20 working days from 20 April
are 20 April-1 May (12 days) and 7-14 May (8 days), so the work ends (exclusive) on
15 May, 25 calendar days after it began. The brute-force test enumerates every start
on tiny instances with the rules written out again from the text (crew counted on
working days only, the dock held the whole span).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allyforge.schedule import MaintenanceData, SolverSettings, Weights, check_schedule, schedule
from allyforge.schedule.workdays import WorkCalendar

FAST = SolverSettings(num_workers=1, time_limit=10.0)
D = lambda s: dt.date.fromisoformat(s)  # noqa: E731
GOLDEN_WEEK = frozenset(range(121, 126))


def test_calendar_end_and_stretch_by_hand() -> None:
    cal = WorkCalendar(200, GOLDEN_WEEK)
    assert cal.end(109, 20) == 134  # pauses five days
    assert cal.end(100, 20) == 120
    assert cal.end(101, 20) == 121  # 101..120 are 20 working days: ends the day before the holiday
    assert cal.end(102, 20) == 127  # 102..120 (19) + 126: the 20th working day is 7 May
    assert cal.end(121, 20) is None  # no start on a holiday
    assert cal.end(126, 20) == 146
    assert cal.end(190, 20) is None  # past the horizon
    # starts grouped by the holidays their span covers
    assert cal.stretch(20, 95, 140) == {0: [(95, 101), (126, 140)], 5: [(102, 120)]}
    assert WorkCalendar(50).every_day and not cal.every_day


def _data(jobs: list[dict], *, workforce: int = 100, docks: int = 1, holidays: list[tuple[str, str]] = (), reduced: list[tuple[str, str, int]] = (), kind: str = "aircraft") -> MaintenanceData:
    """One yard; each job one package on a dock of the yard's pool."""
    yards = pd.DataFrame([{"id": "y", "site": "jp", "name": "y", "commercial": False, "serves": (kind,), "workforce": workforce, "source": (), "_row": 2}])
    dk = pd.DataFrame([{"id": f"d{i}", "yard": "y", "kind": "hangar", "size_class": 1, "name": "", "source": (), "_row": 2 + i} for i in range(docks)])
    assets = pd.DataFrame([{"id": j["id"], "name": j["id"], "kind": kind, "class": "X", "party": "US", "homeport_country": "JP", "size_class": 1,
                            "nuclear": False, "reassignment": None, "source": (), "_row": 2 + i} for i, j in enumerate(jobs)])
    av = pd.DataFrame([{"id": j["id"], "asset": j["id"], "work": "maintenance", "release": j["release"], "due": j["due"], "weight": 1.0, "yards": (),
                        "planned_days": None, "source": (), "_row": 2 + i} for i, j in enumerate(jobs)])
    wp = pd.DataFrame([{"availability": j["id"], "id": "work", "duration": j["days"], "needs": "hangar" if docks else None, "workforce": j.get("crew", 10),
                        "after": (), "source": (), "_row": 2 + i} for i, j in enumerate(jobs)])
    cl = [{"yard": "y", "start": D(a), "end": D(b), "workforce": 0, "source": (), "_row": 2 + i} for i, (a, b) in enumerate(holidays)]
    cl += [{"yard": "y", "start": D(a), "end": D(b), "workforce": w, "source": (), "_row": 20 + i} for i, (a, b, w) in enumerate(reduced)]
    closures = pd.DataFrame(cl, columns=["yard", "start", "end", "workforce", "source", "_row"])
    files = {t: f"{t}.csv" for t in ("yards", "yard_closures", "docks", "assets", "availabilities", "work_packages")}
    return MaintenanceData(yards, closures, dk, assets, av, wp, {"jp": "JP"}, files)


GW = [("2026-05-02", "2026-05-06")]


def test_aircraft_pauses_over_golden_week() -> None:
    s = schedule(_data([{"id": "a", "release": D("2026-04-20"), "due": D("2026-12-01"), "days": 20}], holidays=GW), settings=FAST, horizon_days=365)
    assert s.status == "optimal" and check_schedule(s) == []
    p = s.packages.iloc[0]
    assert (p["start"], p["end"], p["paused_days"]) == (D("2026-04-20"), D("2026-05-15"), 5)
    assert s.availabilities.iloc[0]["lost_ready_days"] == 25  # waits at the depot while the work pauses


def test_ship_due_soon_pauses_and_ship_due_late_waits_for_the_holiday_to_pass() -> None:
    # due 10 May: beginning on release costs 4 x 5 late + 25 out of service = 45; beginning
    # after the holiday costs 4 x 17 + 20 = 88; it cannot end before 2 May. So it pauses.
    soon = schedule(_data([{"id": "s", "release": D("2026-04-20"), "due": D("2026-05-10"), "days": 20}], holidays=GW, kind="ship"), settings=FAST, horizon_days=365)
    r = soon.availabilities.iloc[0]
    assert (r["start"], r["end"], r["days_late"], r["lost_ready_days"]) == (D("2026-04-20"), D("2026-05-15"), 5, 25)
    assert soon.objective == 45 and check_schedule(soon) == []
    # due in December: a ship is in service until it enters work, so starting on 7 May
    # keeps it out of service 20 days instead of 25
    late = schedule(_data([{"id": "s", "release": D("2026-04-20"), "due": D("2026-12-01"), "days": 20}], holidays=GW, kind="ship"), settings=FAST, horizon_days=365)
    r = late.availabilities.iloc[0]
    assert (r["start"], r["end"], r["lost_ready_days"]) == (D("2026-05-07"), D("2026-05-27"), 20)
    assert check_schedule(late) == []


def test_dock_stays_held_while_the_work_pauses() -> None:
    jobs = [{"id": "a", "release": D("2026-04-20"), "due": D("2026-05-15"), "days": 20}, {"id": "b", "release": D("2026-05-02"), "due": D("2026-12-01"), "days": 10}]
    s = schedule(_data(jobs, holidays=GW), settings=FAST, horizon_days=365)
    assert s.status == "optimal" and check_schedule(s) == []
    p = s.packages.set_index("availability")
    assert p.loc["a", "end"] == D("2026-05-15")
    assert p.loc["b", "start"] == D("2026-05-15") and p.loc["b", "end"] == D("2026-05-25")  # one dock: b waits for a


def test_reduced_shift_still_stops_crews_that_do_not_fit() -> None:
    """A closure with workforce > 0 is a reduced shift, not a holiday: work goes on within it."""
    jobs = [{"id": "a", "release": D("2026-04-20"), "due": D("2026-12-01"), "days": 20, "crew": 30}]
    s = schedule(_data(jobs, workforce=40, reduced=[("2026-05-02", "2026-05-06", 20)]), settings=FAST, horizon_days=365)
    p = s.packages.iloc[0]
    # 20 days from 20 April would cross 2-6 May, when only 20 of its 30 workers are there
    assert p["start"] == D("2026-05-07") and p["paused_days"] == 0
    assert check_schedule(s) == []


def test_checker_catches_work_that_ignores_the_holiday() -> None:
    s = schedule(_data([{"id": "a", "release": D("2026-04-20"), "due": D("2026-12-01"), "days": 20}], holidays=GW), settings=FAST, horizon_days=365)
    p = s.packages.copy()
    p.loc[0, "end"] = D("2026-05-10")  # 20 calendar days, only 15 of them working days
    v = check_schedule(dataclasses.replace(s, packages=p))
    assert any("runs 15 working days, its duration is 20" in x for x in v), v
    p = s.packages.copy()
    p.loc[0, ["start", "end"]] = [D("2026-05-05"), D("2026-05-27")]  # begins on a holiday
    v = check_schedule(dataclasses.replace(s, packages=p))
    assert any("begins or ends on a holiday" in x for x in v), v


# --- brute force on tiny instances: every start, the rules written out again ----------
H = 30


def _brute(jobs: list[dict], holidays: set[int], workforce: int, docks: int, w: Weights) -> float:
    """Least objective over every combination of starts (aircraft: lost = end - release)."""

    def span(s: int, d: int) -> int | None:
        if s in holidays:
            return None
        t, left = s, d
        while left:
            if t >= H:
                return None
            if t not in holidays:
                left -= 1
            t += 1
        return t

    options = []
    for j in jobs:
        opts = [(s, e) for s in range(j["r"], H) if (e := span(s, j["d"])) is not None]
        options.append(opts)
    best = None
    for combo in itertools.product(*options):
        ok = True
        for t in range(H):
            active = [j for j, (s, e) in zip(jobs, combo) if s <= t < e]
            if len(active) > docks or (t not in holidays and sum(j["q"] for j in active) > workforce):
                ok = False
                break
        if not ok:
            continue
        cost = sum(w.tardiness * max(0, e - j["due"]) + w.lost_ready_day * (e - j["r"]) for j, (s, e) in zip(jobs, combo))
        best = cost if best is None else min(best, cost)
    return best


job = st.fixed_dictionaries({"r": st.integers(0, 8), "d": st.integers(1, 7), "q": st.integers(1, 6), "slack": st.integers(0, 6)})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs=st.lists(job, min_size=2, max_size=3), hol_start=st.integers(2, 14), hol_len=st.integers(0, 4), workforce=st.integers(6, 10), docks=st.integers(1, 2))
def test_optimum_matches_brute_force(jobs, hol_start, hol_len, workforce, docks) -> None:
    origin = dt.date(2026, 1, 1)
    for j in jobs:
        j["due"] = j["r"] + j["d"] + j["slack"]
    holidays = set(range(hol_start, hol_start + hol_len))
    best = _brute(jobs, holidays, workforce, docks, Weights())
    spec = [{"id": f"j{i}", "release": origin + dt.timedelta(days=j["r"]), "due": origin + dt.timedelta(days=j["due"]), "days": j["d"], "crew": j["q"]} for i, j in enumerate(jobs)]
    hol = [(str(origin + dt.timedelta(days=hol_start)), str(origin + dt.timedelta(days=hol_start + hol_len - 1)))] if hol_len else []
    s = schedule(_data(spec, workforce=workforce, docks=docks, holidays=hol), settings=FAST, horizon_days=H)
    if best is None:
        assert s.status == "infeasible"
        return
    assert s.status == "optimal", s.explanation
    assert check_schedule(s) == []
    assert s.objective == best


def test_work_that_the_holidays_push_past_the_horizon_is_a_data_error() -> None:
    import pytest

    from allyforge import PackError

    # 20 working days from 20 April end on 15 May (day 134); a horizon of 130 days holds
    # the 20 days but not the 5-day pause
    data = _data([{"id": "a", "release": D("2026-04-20"), "due": D("2026-12-01"), "days": 20}], holidays=GW)
    with pytest.raises(PackError) as e:
        schedule(data, settings=FAST, horizon_days=130)
    (p,) = e.value.problems
    assert (p.file, p.row, p.column) == ("availabilities.csv", 2, "release") and "holidays" in p.message
    assert schedule(data, settings=FAST, horizon_days=134).ok
