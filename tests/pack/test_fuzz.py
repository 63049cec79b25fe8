"""Malformed bytes in any table, CSV or XLSX: the only outcome is a PackError (no crash, no hang)."""

from __future__ import annotations

import shutil
import zipfile
from io import BytesIO
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allyforge import PackError, load_pack, write_pack

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
TABLES = sorted(p.stem for p in TINY.glob("*.csv"))

csv_like = st.one_of(
    st.binary(max_size=400),
    st.text(alphabet=st.sampled_from(list('abc,;"\n\r -.0123456789eE\ufeff\x00x')), max_size=300).map(lambda s: s.encode("utf-8")),
)


def _outcome(path: Path) -> None:
    try:
        load_pack(path)
    except PackError as e:
        assert e.problems, "a PackError must carry problems"
        for p in e.problems:
            assert p.file and p.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(table=st.sampled_from(TABLES), data=csv_like, keep_header=st.booleans())
def test_malformed_csv(tmp_path_factory, table: str, data: bytes, keep_header: bool) -> None:
    d = tmp_path_factory.mktemp("fz") / "p"
    shutil.copytree(TINY, d)
    header = (TINY / f"{table}.csv").read_bytes().split(b"\n", 1)[0] + b"\n"
    (d / f"{table}.csv").write_bytes((header if keep_header else b"") + data)
    _outcome(d)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=2000), mode=st.sampled_from(["raw", "zip-garbage", "truncate"]))
def test_malformed_xlsx(tmp_path_factory, data: bytes, mode: str) -> None:
    d = tmp_path_factory.mktemp("fx")
    book = d / "p.xlsx"
    if mode == "raw":
        book.write_bytes(data)
    else:
        good = write_pack(load_pack(TINY), d / "good.xlsx", fmt="xlsx").read_bytes()
        if mode == "truncate":
            book.write_bytes(good[: max(1, len(data)) % len(good)])
        else:  # a valid zip whose sheet XML is garbage
            buf = BytesIO()
            with zipfile.ZipFile(BytesIO(good)) as zin, zipfile.ZipFile(buf, "w") as zout:
                for i, item in enumerate(zin.infolist()):
                    body = zin.read(item.filename)
                    if item.filename.startswith("xl/worksheets/") and i % 2 == len(data) % 2:
                        body = data
                    zout.writestr(item, body)
            book.write_bytes(buf.getvalue())
    _outcome(book)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(cell=st.text(max_size=30), column=st.integers(0, 8), row=st.integers(1, 3), table=st.sampled_from(TABLES))
def test_any_single_cell(tmp_path_factory, cell: str, column: int, row: int, table: str) -> None:
    """Replacing one cell with arbitrary text either still validates or names that place."""
    d = tmp_path_factory.mktemp("fc") / "p"
    shutil.copytree(TINY, d)
    lines = (TINY / f"{table}.csv").read_text().splitlines()
    if row >= len(lines):
        return
    import csv
    import io

    cells = next(csv.reader([lines[row]]))
    if column >= len(cells):
        return
    cells[column] = cell
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    lines[row] = buf.getvalue()
    (d / f"{table}.csv").write_text("\n".join(lines) + "\n")
    _outcome(d)
