"""The independent checker fails when a schedule breaks a rule (it is not a rubber stamp)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from allyforge.schedule import SolverSettings, check_schedule, schedule


@pytest.fixture(scope="module")
def base(maintenance_net):
    s = schedule(maintenance_net, settings=SolverSettings(num_workers=1, time_limit=10.0))
    assert check_schedule(s) == []
    return s


def _edit(s, availability: str, package: str, **changes):
    p = s.packages.copy()
    i = p.index[(p["availability"] == availability) & (p["package"] == package)][0]
    for k, v in changes.items():
        p.at[i, k] = v
    return dataclasses.replace(s, packages=p)


def _shift(s, availability: str, package: str, days: int):
    r = s.packages[(s.packages["availability"] == availability) & (s.packages["package"] == package)].iloc[0]
    d = dt.timedelta(days=days)
    return _edit(s, availability, package, start=r["start"] + d, end=r["end"] + d)


def test_before_release(base) -> None:
    v = check_schedule(_shift(base, "ddg-1-sra", "dock", -30))
    assert any("before the release" in x for x in v)


def test_precedence(base) -> None:
    v = check_schedule(_shift(base, "ddg-1-sra", "pier", -20))
    assert any("before dock ends" in x for x in v)


def test_dock_double_booked(base) -> None:
    r = base.packages[(base.packages["availability"] == "f35-1-pdm")].iloc[0]
    other = base.packages[(base.packages["availability"] == "f35-2-pdm")].iloc[0]
    s = _edit(base, "f35-2-pdm", "airframe", dock=r["dock"], start=r["start"], end=r["end"]) if other["dock"] != r["dock"] else _shift(base, "f35-2-pdm", "airframe", (r["start"] - other["start"]).days)
    v = check_schedule(s)
    assert any(x.startswith(f"dock {r['dock']} on") and "at once" in x for x in v)


def test_nuclear_at_commercial_yard(base) -> None:
    p = base.packages.copy()
    p.loc[p["availability"] == "cvn-1-sra", ["yard", "dock"]] = ["yokohama", "yh-b1"]
    v = check_schedule(dataclasses.replace(base, packages=p))
    assert any("nuclear-powered cvn-1 placed at commercial yard yokohama" in x for x in v)
    assert any("size class" in x for x in v)  # yh-b1 takes class 3, the carrier is 4


def test_workforce_exceeded(base) -> None:
    d = base.data.with_workforce("mizuho", 5)  # packages there need 10 a day
    v = check_schedule(base, d)
    assert any(x.startswith("yard mizuho on") and "workers needed" in x for x in v)


def test_reported_lateness_must_match(base) -> None:
    a = base.availabilities.copy()
    a.loc[a["availability"] == "f35-3-pdm", "days_late"] = 0
    v = check_schedule(dataclasses.replace(base, availabilities=a))
    assert any("f35-3-pdm: reported 0 days late" in x for x in v)


def test_wrong_duration_and_missing_package(base) -> None:
    r = base.packages[(base.packages["availability"] == "lsd-1-ra")].iloc[0]
    v = check_schedule(_edit(base, "lsd-1-ra", "pier", end=r["end"] - dt.timedelta(days=5)))
    assert any("runs 65 working days, its duration is 70" in x for x in v)
    p = base.packages[~((base.packages["availability"] == "cg-1-dsra") & (base.packages["package"] == "combat"))]
    v = check_schedule(dataclasses.replace(base, packages=p))
    assert any("cg-1-dsra/combat: scheduled 0 times" in x for x in v)


def test_missing_availability_and_wrong_figures(base) -> None:
    s = dataclasses.replace(base, availabilities=base.availabilities[base.availabilities["availability"] != "lsd-1-ra"], packages=base.packages[base.packages["availability"] != "lsd-1-ra"])
    assert any("lsd-1-ra: released in 2026 but not scheduled" in x for x in check_schedule(s))
    a = base.availabilities.copy()
    a.loc[a["availability"] == "f35-1-pdm", "lost_ready_days"] += 3
    v = check_schedule(dataclasses.replace(base, availabilities=a))
    assert any("f35-1-pdm: reported" in x and "ready-days lost" in x for x in v)
    assert any(x.startswith("objective ") for x in check_schedule(dataclasses.replace(base, objective=base.objective + 1)))
