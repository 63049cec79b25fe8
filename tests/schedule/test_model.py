"""The maintenance model on the small fixture pack: valid, deterministic, explained."""

from __future__ import annotations

import dataclasses
import shutil

import pandas as pd
import pytest

import allyforge
from allyforge import PackError, load_pack
from allyforge.schedule import EligibilityRules, SolverSettings, check_schedule, from_network, schedule

FAST = SolverSettings(num_workers=1, time_limit=10.0)


@pytest.fixture(scope="module")
def base(maintenance_net):
    return schedule(maintenance_net, settings=FAST)


def test_public_api_is_callable(maintenance_net) -> None:
    s = allyforge.schedule(maintenance_net, settings=FAST)
    assert s.ok


def test_schedule_is_optimal_and_passes_the_checker(base) -> None:
    assert base.status == "optimal" and base.gap == 0.0
    assert check_schedule(base) == []
    assert len(base.availabilities) == 11
    assert set(base.packages["availability"]) == set(base.availabilities["availability"])


def test_statute_and_yard_rules_hold(base) -> None:
    yard = dict(zip(base.availabilities["availability"], base.availabilities["yard"]))
    assert yard["cvn-1-sra"] != "yokohama"  # nuclear: no commercial yard
    assert yard["f35-1-pdm"] == "nagoya" and yard["f135-1-ovh"] == "mizuho"  # yards serve kinds


def test_objective_is_weighted_tardiness_plus_lost_ready_days(base) -> None:
    av = base.availabilities
    w = base.weights
    expect = float((av["weight"] * (w["tardiness"] * av["days_late"] + w["lost_ready_day"] * av["lost_ready_days"])).sum())
    assert base.objective == pytest.approx(expect)
    # ships lose the days they are in work; aircraft and engines also the days they wait
    for r in av.itertuples(index=False):
        start = r.start if r.kind == "ship" else r.release
        assert r.lost_ready_days == (r.end - start).days


def test_gap_definition(base) -> None:
    from allyforge.schedule.core import gap

    assert gap(110.0, 100.0) == pytest.approx(10 / 110)
    assert gap(0.5, 0.0) == pytest.approx(0.5)  # max(UB, 1) in the denominator
    assert base.gap == gap(base.objective, base.bound)


def test_deterministic_with_two_workers(maintenance_net) -> None:
    s2 = SolverSettings(num_workers=2, time_limit=5.0)
    a, b = schedule(maintenance_net, settings=s2), schedule(maintenance_net, settings=s2)
    pd.testing.assert_frame_equal(a.packages, b.packages)
    assert a.settings == b.settings and a.settings["num_workers"] == 2 and a.settings["interleave_search"]


def test_warm_start_from_previous_schedule(maintenance_net, base) -> None:
    s = schedule(maintenance_net, settings=FAST, warm_start=base)
    assert s.status == "optimal" and s.objective == base.objective
    assert check_schedule(s) == []


def test_ready_days_add_up(base) -> None:
    r = base.ready_days()
    allk = r[r["kind"] == "all"]
    assert (allk["ready_days"] + allk["out_of_service_days"] == allk["calendar_days"]).all()
    assert allk["calendar_days"].iloc[0] == 11 * 31  # January, 11 assets
    assert int(allk["out_of_service_days"].sum()) == int(base.availabilities["lost_ready_days"].sum())


def test_unplaceable_availability_is_explained(maintenance_net) -> None:
    d = from_network(maintenance_net)
    av = d.availabilities.copy()
    av.loc[av["id"] == "ddg-us-vr", "work"] = "maintenance"  # a US-homeported ship, not a voyage repair
    s = schedule(dataclasses.replace(d, availabilities=av), settings=FAST)
    assert s.status == "infeasible"
    text = " ".join(s.explanation)
    assert "ddg-us-vr can go nowhere" in text and "§8680(a)" in text
    # and the rule switched off, it fits
    s2 = schedule(dataclasses.replace(d, availabilities=av), settings=FAST, rules=EligibilityRules(us_homeport_voyage_repairs_only=False))
    assert s2.ok and check_schedule(s2) == []


def test_conflict_is_explained(maintenance_net) -> None:
    d = from_network(maintenance_net)
    # two engines, one test cell, and a horizon that leaves room for only one after the other
    av = d.availabilities[d.availabilities["id"].isin(["f135-1-ovh", "f135-2-ovh"])].copy()
    av["release"] = pd.Timestamp("2026-12-01").date()
    av["due"] = pd.Timestamp("2026-12-31").date()
    s = schedule(dataclasses.replace(d, availabilities=av), settings=FAST, horizon_days=334 + 45)  # each needs 40 days from 1 Dec (day 334)
    assert s.status == "infeasible"
    text = "\n".join(s.explanation)
    assert "f135-1-ovh" in text and "f135-2-ovh" in text and "cannot all be placed" in text


def _broken(maintenance_path, tmp_path, file: str, old: str, new: str):
    dst = tmp_path / "p"
    shutil.copytree(maintenance_path, dst)
    p = dst / file
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new))
    return dst


def test_package_needing_a_dock_no_yard_has(maintenance_path, tmp_path) -> None:
    dst = _broken(maintenance_path, tmp_path, "work_packages.csv", "cvn-1-sra,pier,120,berth", "cvn-1-sra,pier,120,drydock")
    # the only size-4 drydock is at Yokosuka... make the carrier bigger than any drydock
    a = dst / "assets.csv"
    a.write_text(a.read_text().replace("cvn-1,CVN one,ship,CVN,US,JP,4", "cvn-1,CVN one,ship,CVN,US,JP,5"))
    with pytest.raises(PackError) as e:
        schedule(load_pack(dst), settings=FAST)
    msgs = [str(p) for p in e.value.problems]
    assert any("work_packages.csv, row 9, column needs" in m and "drydock of size class >= 5" in m for m in msgs), msgs


def test_availability_longer_than_horizon(maintenance_path, tmp_path) -> None:
    dst = _broken(maintenance_path, tmp_path, "work_packages.csv", "lsd-1-ra,pier,70,", "lsd-1-ra,pier,900,")
    with pytest.raises(PackError) as e:
        schedule(load_pack(dst), settings=FAST)
    (p,) = e.value.problems
    assert p.file == "availabilities.csv" and p.row == 6 and p.column == "release" and "900 days" in p.message


def test_precedence_cycle_and_unknown_package(maintenance_path, tmp_path) -> None:
    dst = _broken(maintenance_path, tmp_path, "work_packages.csv", "ddg-1-sra,dock,40,drydock,80,,", "ddg-1-sra,dock,40,drydock,80,pier,")
    p = dst / "work_packages.csv"
    p.write_text(p.read_text().replace("ddg-2-sra,pier,45,berth,40,dock", "ddg-2-sra,pier,45,berth,40,hull"))
    with pytest.raises(PackError) as e:
        from_network(load_pack(dst))
    msgs = [str(x) for x in e.value.problems]
    assert any("precedence cycle in availability 'ddg-1-sra'" in m for m in msgs)
    assert any("row 5, column after: unknown package 'hull'" in m for m in msgs)


def test_generic_validator_checks_the_new_tables(maintenance_path, tmp_path) -> None:
    dst = _broken(maintenance_path, tmp_path, "docks.csv", "yk-dd4,yokosuka,drydock,2", "yk-dd4,yokosuka-x,floating,2")
    with pytest.raises(PackError) as e:
        load_pack(dst)
    msgs = [str(x) for x in e.value.problems]
    assert any("docks.csv, row 2, column yard: unknown yard 'yokosuka-x'" in m for m in msgs)
    assert any("docks.csv, row 2, column kind" in m for m in msgs)


def test_tables_built_in_code_get_the_pack_checks(maintenance_net) -> None:
    d = from_network(maintenance_net)
    wp = d.work_packages.copy()
    i = wp.index[(wp["availability"] == "ddg-1-sra") & (wp["id"] == "dock")][0]
    wp.at[i, "after"] = ("pier",)  # dock after pier, pier after dock
    with pytest.raises(PackError) as e:
        schedule(dataclasses.replace(d, work_packages=wp), settings=FAST)
    assert any("precedence cycle in availability 'ddg-1-sra'" in str(p) for p in e.value.problems)
