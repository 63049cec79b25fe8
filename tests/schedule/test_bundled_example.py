"""The bundled us-japan-2026 maintenance example: sites from the pack, cited, schedulable."""

from __future__ import annotations

import pytest

import allyforge
from allyforge import load_pack
from allyforge.schedule import SolverSettings, check_schedule, from_network


@pytest.fixture(scope="module")
def net():
    return load_pack("us-japan-2026")


def test_yards_sit_at_the_fact_base_sites(net) -> None:
    yards = net.table("yards")
    sites = net.table("sites")
    assert set(yards["site"]) <= set(sites.index)
    assert sites.loc[yards.loc["srf-yokosuka", "site"], "country"] == "JP"
    # Yokosuka's six dry docks (fact base A-02), No. 6 the carrier dock
    docks = net.table("docks")
    dd = docks[(docks["yard"] == "srf-yokosuka") & (docks["kind"] == "drydock")]
    assert len(dd) == 6 and dd["size_class"].max() == docks.loc["yokosuka-dd6", "size_class"]


def test_every_figure_cites_a_source_and_assumptions_are_labelled(net) -> None:
    src = net.table("sources")
    for t in ("yards", "work_packages", "yard_closures"):
        df = net.table(t)
        assert df["source"].map(len).gt(0).all(), t
    kinds = {s for cited in net.table("work_packages")["source"] for s in cited}
    assert all(src.loc[s, "kind"] == "assumption" for s in kinds)  # durations and crews are assumptions
    a = net.assumptions()
    assert {"work_packages", "yards"} <= set(a["table"])


def test_example_schedules_and_obeys_the_statute(net) -> None:
    s = allyforge.schedule(net, year=2026, settings=SolverSettings(num_workers=1, time_limit=20.0))
    assert s.ok and check_schedule(s) == []
    d = from_network(net)
    yard = dict(zip(s.availabilities["availability"], s.availabilities["yard"]))
    commercial = dict(zip(d.yards["id"], d.yards["commercial"]))
    assert not commercial[yard["cvn-sra-2026"]]  # nuclear carrier stays at SRF-JRMC
    assert yard["f35a-1-pdm-2026"] == "mhi-nagoya" and yard["f135-1-ovh-2026"] == "ihi-mizuho"
    # the DDG due home on 2027-09-01 has >6-month work: it must begin before 2026-06-01
    r = s.availabilities.set_index("availability").loc["ddg-5-dsra-2026"]
    assert str(r["start"]) < "2026-06-01"
