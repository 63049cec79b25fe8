"""Readers and writers: tolerant of BOMs, blank lines and spaces; formats round-trip exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from allyforge import load_pack, write_pack
from allyforge.pack import read_pack


def test_bom_blank_lines_and_trailing_spaces(tiny_copy: Path) -> None:
    p = tiny_copy / "sites.csv"
    lines = p.read_text().splitlines()
    messy = [lines[0], "", lines[1] + "   ", "  ", *[ln.replace(",", " , ") for ln in lines[2:]], "", ""]
    p.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(messy).encode())
    clean = load_pack(tiny_copy)
    ref = load_pack(Path(__file__).resolve().parents[1] / "fixtures" / "tiny")
    assert clean == ref
    # row numbers count the file's real lines: blank line 2 is skipped, first site is row 3
    assert clean.row_of("sites", "cn-mine") == 3
    assert clean.row_of("sites", "au-mine") == 5


def test_csv_xlsx_csv_round_trip(tiny_path: Path, tmp_path: Path) -> None:
    net = load_pack(tiny_path)
    book = write_pack(net, tmp_path / "tiny.xlsx", fmt="xlsx")
    from_book = load_pack(book)
    assert from_book == net
    back = write_pack(from_book, tmp_path / "again", fmt="csv")
    assert load_pack(back) == net
    assert load_pack(back).content_hash == net.content_hash


def test_parquet_round_trip(tiny_path: Path, tmp_path: Path) -> None:
    net = load_pack(tiny_path)
    folder = write_pack(net, tmp_path / "pq", fmt="parquet")
    assert any(folder.glob("*.parquet")) and not any(folder.glob("*.csv"))
    assert load_pack(folder) == net


def test_xlsx_problems_name_the_sheet(tiny_path: Path, tmp_path: Path) -> None:
    import openpyxl

    book = write_pack(load_pack(tiny_path), tmp_path / "t.xlsx", fmt="xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["processes"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("capacity") + 1, value=-5)
    wb.save(book)
    from allyforge import PackError

    try:
        load_pack(book)
    except PackError as e:
        assert any(p.file == "sheet processes" and p.row == 3 and p.column == "capacity" for p in e.problems), e
    else:
        raise AssertionError("negative capacity in a workbook was accepted")


def test_reader_keeps_strings_and_rows(tiny_path: Path) -> None:
    raw = read_pack(tiny_path)
    df = raw.tables["lanes"]
    assert df["_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert (df.drop(columns="_row").map(type) == str).all().all()


def test_network_is_immutable(tiny_path: Path) -> None:
    net = load_pack(tiny_path)
    t = net.table("processes")
    t.loc["us-assembly", "capacity"] = 0.0
    assert net.table("processes").loc["us-assembly", "capacity"] == 10.0
    cap = net.capacity_array()
    assert not cap.values.flags.writeable


def test_capacity_override_holds_until_next(tiny_path: Path) -> None:
    cap = load_pack(tiny_path).capacity_array().sel(process="us-assembly")
    assert cap.sel(period="2026-06").item() == 10.0
    assert cap.sel(period="2026-07").item() == 12.0 and cap.sel(period="2026-12").item() == 12.0
    assert "jp-assembly-2" not in cap.coords["process"].values  # candidates are not active


def test_demand_array_sums(tiny_path: Path) -> None:
    net = load_pack(tiny_path)
    d = net.demand_array()
    assert float(d.sum()) == float(net.table("demands")["quantity"].sum()) == 24.0
    us = d.where(d.party == "US", drop=True)
    assert us.sel(period="2026-03").sum().item() == 8.0


def test_labelled_join_raises_on_mismatch(tiny_path: Path) -> None:
    import xarray as xr
    import pytest

    net = load_pack(tiny_path)
    cap = net.capacity_array()
    other = xr.DataArray([1.0, 2.0], dims="process", coords={"process": ["nope", "us-assembly"]})
    with xr.set_options(arithmetic_join="exact"), pytest.raises(ValueError):
        _ = cap * other


def test_fiscal_years(tiny_path: Path) -> None:
    net = load_pack(tiny_path)
    # US FY2026 runs Oct 2025 - Sep 2026 (named by the year it ends); JP FY2026 Apr 2026 - Mar 2027.
    assert net.fiscal_year_of("US", "2026-09") == 2026 and net.fiscal_year_of("US", "2026-10") == 2027
    assert net.fiscal_year_of("JP", "2026-03") == 2025 and net.fiscal_year_of("JP", "2026-04") == 2026
    assert net.rate("JPY", 2026) == 150.0 and net.rate("USD", 2030) == 1.0


def test_items_in_group(tiny_path: Path) -> None:
    net = load_pack(tiny_path)
    assert net.items_in_group("dual_use") == {"ore", "metal"}
    assert net.items_in_group("heavy_ree") == {"ore"}
    assert net.items_in_group("missile") == {"missile"}
    assert net.items_in_group("*") == set(pd.Index(["ore", "metal", "missile"]))
