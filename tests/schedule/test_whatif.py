"""What-if: a dock or workers added or removed moves lateness and ready-days the expected way."""

from __future__ import annotations

import pytest

from allyforge.schedule import EligibilityRules, SolverSettings, check_schedule, compare, schedule


@pytest.fixture(scope="module")
def base(maintenance_net):
    return schedule(maintenance_net, settings=SolverSettings(num_workers=1, time_limit=10.0))


def test_added_hangar_removes_the_aircraft_queue(base) -> None:
    assert base.availabilities.set_index("availability").loc["f35-3-pdm", "days_late"] > 0
    # a third bay alone buys nothing: 60 workers a day at Nagoya run only two 25-worker jobs
    only_bay = compare(base, add_docks=[{"id": "ng-h3", "yard": "nagoya", "kind": "hangar"}])
    assert only_bay.variant.objective == base.objective, "a bay without workers should change nothing"
    c = compare(base, add_docks=[{"id": "ng-h3", "yard": "nagoya", "kind": "hangar"}], workforce={"nagoya": 75})
    assert c.variant.ok and check_schedule(c.variant) == []
    late = c.lateness().set_index("availability")
    assert late.loc["f35-3-pdm", "days_late_variant"] == 0
    assert c.variant.objective < c.baseline.objective
    rd = c.ready_days()
    assert rd["change"].sum() > 0  # the fleet gains ready-days
    assert c.variant.settings == c.baseline.settings  # same solver settings recorded


def test_removed_drydock_never_helps(base) -> None:
    c = compare(base, remove_docks=["yh-dd1"])
    assert c.variant.ok and check_schedule(c.variant) == []
    assert c.variant.objective >= c.baseline.objective
    assert "yh-dd1" not in set(c.variant.packages["dock"].dropna())


def test_shift_workforce_and_rule_change(base) -> None:
    c = compare(base, shift_workforce=[("yokosuka", "sasebo", 100)])
    assert c.variant.ok and check_schedule(c.variant) == []
    assert c.variant.data.yards.set_index("id").loc["sasebo", "workforce"] == 200
    # dropping the nuclear exclusion can only widen the choices: never worse
    r = compare(base, rules=EligibilityRules(nuclear_excluded_from_commercial=False))
    assert r.variant.objective <= r.baseline.objective
    assert r.summary()["variant_status"] == "optimal"


def test_bad_edit_is_a_clear_error(base) -> None:
    with pytest.raises(ValueError, match="unknown dock 'nope'"):
        compare(base, remove_docks=["nope"])
    with pytest.raises(ValueError, match="only 100 workers"):
        compare(base, shift_workforce=[("sasebo", "yokosuka", 500)])
    with pytest.raises(ValueError, match="unknown dock kind 'hangr'"):
        compare(base, add_docks=[{"id": "ng-h3", "yard": "nagoya", "kind": "hangr"}])
