"""One broken pack per validation rule; each asserts the file, row and column named.

The tiny pack (tests/fixtures/tiny) is valid; every test edits one cell or line of a
copy and checks that exactly that place is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from allyforge import PackError, load_pack
from allyforge.pack.errors import Problem


def edit(pack: Path, table: str, old: str, new: str) -> None:
    p = pack / f"{table}.csv"
    text = p.read_text()
    assert old in text, f"{old!r} not in {p.name}"
    p.write_text(text.replace(old, new, 1))


def problems_of(pack: Path) -> list[Problem]:
    with pytest.raises(PackError) as e:
        load_pack(pack)
    return e.value.problems


def assert_problem(pack: Path, file: str, row: int | None, column: str | None, *words: str) -> Problem:
    probs = problems_of(pack)
    for p in probs:
        if p.file == file and p.row == row and p.column == column and all(w.lower() in p.message.lower() for w in words):
            return p
    raise AssertionError(f"no problem at {file} row {row} column {column} with {words}; got:\n" + "\n".join(map(str, probs)))


def test_tiny_pack_is_valid(tiny_path: Path) -> None:
    net = load_pack(tiny_path)
    assert len(net.table("sites")) == 7 and len(net.table("lanes")) == 6


def test_missing_required_column(tiny_copy: Path) -> None:
    edit(tiny_copy, "sites", "id,name,country,kind", "id,name,nation,kind")
    assert_problem(tiny_copy, "sites.csv", 1, "country", "required column missing")
    assert_problem(tiny_copy, "sites.csv", 1, "nation", "unknown column")


def test_missing_required_value(tiny_copy: Path) -> None:
    edit(tiny_copy, "items", "metal,Refined metal,kg,material", "metal,,kg,material")
    assert_problem(tiny_copy, "items.csv", 3, "name", "required value missing")


def test_missing_required_table(tiny_copy: Path) -> None:
    (tiny_copy / "demands.csv").unlink()
    assert_problem(tiny_copy, "demands.csv", None, None, "required table")


def test_wrong_type(tiny_copy: Path) -> None:
    edit(tiny_copy, "processes", "us-assembly,us-plant,10,", "us-assembly,us-plant,ten,")
    assert_problem(tiny_copy, "processes.csv", 5, "capacity", "not a number")


def test_wrong_type_int(tiny_copy: Path) -> None:
    edit(tiny_copy, "lanes", "ore-cn-jp,ore,cn-mine,jp-refinery,1,", "ore-cn-jp,ore,cn-mine,jp-refinery,1.5,")
    assert_problem(tiny_copy, "lanes.csv", 2, "lead_time", "whole number")


def test_wrong_enum_and_bool(tiny_copy: Path) -> None:
    edit(tiny_copy, "sites", "cn-mine,Mine CN,CN,mine", "cn-mine,Mine CN,CN,quarry")
    edit(tiny_copy, "demands", "2026-03,8,1,true", "2026-03,8,1,maybe")
    assert_problem(tiny_copy, "sites.csv", 2, "kind", "not one of")
    assert_problem(tiny_copy, "demands.csv", 2, "backorder", "not a boolean")


@pytest.mark.parametrize(
    ("table", "old", "new", "row", "column"),
    [
        ("lanes", "ore-cn-jp,ore,cn-mine,", "ore-cn-jp,ore,cn-quarry,", 2, "origin"),  # site
        ("process_inputs", "jp-refining,ore,2", "jp-refining,oar,2", 2, "item"),  # item
        ("capacities", "us-assembly,2026-07", "us-assembli,2026-07", 2, "process"),  # process
        ("programs", "missile-jp,missile,JP", "missile-jp,missile,KR", 3, "party"),  # party
        ("items", "metal,Refined metal,kg,material,dual_use,50,USD,0.5,s-fact", "metal,Refined metal,kg,material,dual_use,50,USD,0.5,s-nope", 3, "source"),  # source
        ("trade_rules", "CN,JP,dual_use,", "CN,JP,dual_used,", 2, "items"),  # group
    ],
)
def test_unknown_reference(tiny_copy: Path, table: str, old: str, new: str, row: int, column: str) -> None:
    edit(tiny_copy, table, old, new)
    assert_problem(tiny_copy, f"{table}.csv", row, column, "unknown")


def test_duplicate_id(tiny_copy: Path) -> None:
    edit(tiny_copy, "sites", "au-mine,Mine AU", "cn-mine,Mine AU")
    p = assert_problem(tiny_copy, "sites.csv", 3, "id", "duplicate key")
    assert "row 2" in p.message


@pytest.mark.parametrize(
    ("table", "old", "new", "row", "column", "word"),
    [
        ("process_inputs", "jp-refining,ore,2", "jp-refining,ore,-2", 2, "quantity", "positive"),
        ("processes", "au-mining,au-mine,20,", "au-mining,au-mine,-20,", 3, "capacity", "negative"),
        ("processes", "au-mining,au-mine,20,", "au-mining,au-mine,nan,", 3, "capacity", "NaN or infinite"),
        ("processes", "au-mining,au-mine,20,", "au-mining,au-mine,inf,", 3, "capacity", "NaN or infinite"),
        ("items", "missile,Missile,each,end_item,,1000000", "missile,Missile,each,end_item,,-1000000", 4, "unit_value", "negative"),
        ("lanes", "ore-cn-jp,ore,cn-mine,jp-refinery,1,", "ore-cn-jp,ore,cn-mine,jp-refinery,-1,", 2, "lead_time", "negative"),
    ],
)
def test_bad_numbers(tiny_copy: Path, table: str, old: str, new: str, row: int, column: str, word: str) -> None:
    edit(tiny_copy, table, old, new)
    assert_problem(tiny_copy, f"{table}.csv", row, column, word)


@pytest.mark.parametrize("value", ["0", "1.2", "-0.5"])
def test_yield_outside_unit_interval(tiny_copy: Path, value: str) -> None:
    edit(tiny_copy, "processes", "jp-refining,jp-refinery,100,1,1,", f"jp-refining,jp-refinery,100,1,{value},")
    assert_problem(tiny_copy, "processes.csv", 4, "yield", "(0, 1]")


def test_bom_cycle_names_items(tiny_copy: Path) -> None:
    # metal is made from ore; now ore is also made from missile -> missile made from metal: a cycle
    with open(tiny_copy / "process_inputs.csv", "a") as f:
        f.write("cn-mining,missile,1,,,s-fact\n")
    p = assert_problem(tiny_copy, "process_inputs.csv", 2, "item", "cycle")
    for item in ("ore", "metal", "missile"):
        assert item in p.message


def test_lane_to_itself(tiny_copy: Path) -> None:
    edit(tiny_copy, "lanes", "metal-jp-jp,metal,jp-refinery,jp-plant", "metal-jp-jp,metal,jp-refinery,jp-refinery")
    assert_problem(tiny_copy, "lanes.csv", 5, "destination", "same site")


def test_lane_shares_must_sum_to_one(tiny_copy: Path) -> None:
    edit(tiny_copy, "lanes", ",0.2,2,", ",0.3,2,")
    p = assert_problem(tiny_copy, "lanes.csv", 2, "share", "sum to 1.1")
    assert "(jp-refinery, ore)" in p.message


def test_lane_shares_all_or_none(tiny_copy: Path) -> None:
    edit(tiny_copy, "lanes", ",0.2,2,", ",,2,")
    assert_problem(tiny_copy, "lanes.csv", 3, "share", "all given or all blank")


def test_demand_for_item_nothing_makes(tiny_copy: Path) -> None:
    with open(tiny_copy / "items.csv", "a") as f:
        f.write("drone,Drone,each,end_item,,,,,\n")
    with open(tiny_copy / "demands.csv", "a") as f:
        f.write("jsdf,drone,JP,2026-05,1,1,true,,,\n")
    assert_problem(tiny_copy, "demands.csv", 6, "item", "no process makes")


def test_figure_without_source(tiny_copy: Path) -> None:
    edit(tiny_copy, "processes", "us-assembly,us-plant,10,1,1,1,,,,,active,s-fact", "us-assembly,us-plant,10,1,1,1,,,,,active,")
    assert_problem(tiny_copy, "processes.csv", 5, "source", "figure capacity has no source")


def test_range_must_cite_an_assumption(tiny_copy: Path) -> None:
    edit(tiny_copy, "process_inputs", "us-assembly,metal,3,2,4,s-assume", "us-assembly,metal,3,2,4,s-fact")
    assert_problem(tiny_copy, "process_inputs.csv", 3, "source", "kind assumption")


def test_range_must_contain_value(tiny_copy: Path) -> None:
    edit(tiny_copy, "process_inputs", "us-assembly,metal,3,2,4,s-assume", "us-assembly,metal,5,2,4,s-assume")
    assert_problem(tiny_copy, "process_inputs.csv", 3, "low", "does not contain")


def test_period_outside_calendar(tiny_copy: Path) -> None:
    edit(tiny_copy, "demands", "us-army,missile,US,2026-04", "us-army,missile,US,2027-04")
    assert_problem(tiny_copy, "demands.csv", 3, "period", "outside the calendar")


def test_malformed_period(tiny_copy: Path) -> None:
    edit(tiny_copy, "capacities", "us-assembly,2026-07", "us-assembly,2026-13")
    assert_problem(tiny_copy, "capacities.csv", 2, "period", "not a month")


def test_date_outside_calendar(tiny_copy: Path) -> None:
    edit(tiny_copy, "trade_rules", "2026-02-10,ban,2026-06-30", "2022-02-10,ban,2022-06-30")
    assert_problem(tiny_copy, "trade_rules.csv", 2, "end", "outside the calendar")


def test_malformed_date_and_reversed_window(tiny_copy: Path) -> None:
    edit(tiny_copy, "trade_rules", "2026-02-10,ban,2026-06-30", "2026-02-10,ban,2026-01-30")
    assert_problem(tiny_copy, "trade_rules.csv", 2, "end", "precedes start")
    edit(tiny_copy, "trade_rules", "2026-02-10,", "10/02/2026,")
    assert_problem(tiny_copy, "trade_rules.csv", 2, "start", "not a date")


def test_unknown_currency(tiny_copy: Path) -> None:
    edit(tiny_copy, "items", "ore,Ore,kg,mineral,dual_use;heavy_ree,10,USD", "ore,Ore,kg,mineral,dual_use;heavy_ree,10,EUR")
    assert_problem(tiny_copy, "items.csv", 2, "currency", "unknown currency 'EUR'")


def test_fiscal_year_without_rate(tiny_copy: Path) -> None:
    edit(tiny_copy, "budgets", "JP,2026,1000000000,JPY", "JP,2029,1000000000,JPY")
    assert_problem(tiny_copy, "budgets.csv", 2, "fiscal_year", "no rate for JPY in fiscal year 2029")


def test_candidate_target_must_fit_kind(tiny_copy: Path) -> None:
    edit(tiny_copy, "candidates", "jp-line-2,substitute,jp-assembly-2", "jp-line-2,substitute,jp-assembly")
    assert_problem(tiny_copy, "candidates.csv", 2, "target", "status candidate")


def test_every_problem_reported_at_once(tiny_copy: Path) -> None:
    edit(tiny_copy, "processes", "us-assembly,us-plant,10,", "us-assembly,us-plant,ten,")
    edit(tiny_copy, "sites", "cn-mine,Mine CN,CN,mine", "cn-mine,Mine CN,CHN,mine")
    edit(tiny_copy, "lanes", ",0.2,2,", ",0.3,2,")
    files = {p.file for p in problems_of(tiny_copy)}
    assert {"processes.csv", "sites.csv", "lanes.csv"} <= files


def test_missing_pack_yaml(tiny_copy: Path) -> None:
    (tiny_copy / "pack.yaml").unlink()
    assert_problem(tiny_copy, "pack.yaml", None, None, "missing")


def test_bad_calendar(tiny_copy: Path) -> None:
    (tiny_copy / "pack.yaml").write_text("name: t\nversion: 1\ncalendar: {kind: month, start: 2026-13, end: 2026-12}\nbase_currency: USD\n")
    assert_problem(tiny_copy, "pack.yaml", None, "calendar", "not a month")
