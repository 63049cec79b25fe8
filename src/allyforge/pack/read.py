"""Readers: a pack folder (pack.yaml + CSV or Parquet tables) or one XLSX workbook.

Readers only turn bytes into string cells with their row numbers; types, references
and rules are the validator's. Anything unreadable becomes a Problem, never a crash.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from allyforge.pack.errors import PackError, Problem
from allyforge.schema import schema

from allyforge.schema import ROW  # noqa: E402,F401  (re-exported)


@dataclass
class RawPack:
    """A pack as read: metadata plus, per table, string cells and row numbers."""

    source: str
    meta: dict[str, Any]
    meta_label: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # table -> file or sheet name
    problems: list[Problem] = field(default_factory=list)


def read_pack(path: str | Path) -> RawPack:
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _read_xlsx(path)
    raise PackError([Problem(str(path), None, None, "not a pack folder (with pack.yaml) or an .xlsx workbook")], str(path))


# --- cells -----------------------------------------------------------------------
def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        return repr(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def _frame(header: list[str], records: list[tuple[int, list[str]]]) -> pd.DataFrame:
    header = [h.strip() for h in header]
    width = len(header)
    data = {h: [r[i] if i < len(r) else "" for _, r in records] for i, h in enumerate(header) if h}
    df = pd.DataFrame(data, dtype=object)
    df[ROW] = [n for n, _ in records]
    df.attrs["extra_cells"] = [(n, len(r)) for n, r in records if len(r) > width and any(c.strip() for c in r[width:])]
    df.attrs["header"] = header
    return df


# --- folder ----------------------------------------------------------------------
def _read_meta_yaml(p: Path, problems: list[Problem]) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        problems.append(Problem(p.name, getattr(getattr(e, "problem_mark", None), "line", -1) + 1 or None, None, f"cannot read: {e}"))
        return {}
    if not isinstance(meta, dict):
        problems.append(Problem(p.name, None, None, "must be a mapping of pack fields"))
        return {}
    return meta


def _read_folder(path: Path) -> RawPack:
    problems: list[Problem] = []
    meta_path = path / "pack.yaml"
    meta = _read_meta_yaml(meta_path, problems) if meta_path.exists() else {}
    if not meta_path.exists():
        problems.append(Problem("pack.yaml", None, None, "missing: a pack folder needs pack.yaml"))
    raw = RawPack(str(path), meta, "pack.yaml", problems=problems)
    for name in schema():
        csv_p, pq_p = path / f"{name}.csv", path / f"{name}.parquet"
        if csv_p.exists() and pq_p.exists():
            problems.append(Problem(csv_p.name, None, None, f"both {csv_p.name} and {pq_p.name} exist; keep one"))
        if csv_p.exists():
            raw.labels[name] = csv_p.name
            df = _read_csv(csv_p, problems)
        elif pq_p.exists():
            raw.labels[name] = pq_p.name
            df = _read_parquet(pq_p, problems)
        else:
            continue
        if df is not None:
            raw.tables[name] = df
    known = {f"{n}.{ext}" for n in schema() for ext in ("csv", "parquet")} | {"pack.yaml"}
    for p in sorted(path.iterdir()):
        if p.suffix in (".csv", ".parquet") and p.name not in known:
            problems.append(Problem(p.name, None, None, "not a table of the schema (see `allyforge schema`)"))
    return raw


def _read_csv(p: Path, problems: list[Problem]) -> pd.DataFrame | None:
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(p.name, None, None, f"cannot read as UTF-8 text: {e}"))
        return None
    return parse_csv_text(text, p.name, problems)


def parse_csv_text(text: str, label: str, problems: list[Problem]) -> pd.DataFrame | None:
    if "\x00" in text:
        problems.append(Problem(label, None, None, "contains NUL bytes; not a text CSV"))
        return None
    fast = _parse_simple_csv(text)
    if fast is not None:
        return fast
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    try:
        line = 1
        for rec in reader:
            start = line
            line = reader.line_num + 1
            cells = [c.strip() for c in rec]
            if not any(cells):
                continue  # blank line
            if header is None:
                header = cells
                if start != 1:
                    problems.append(Problem(label, start, None, "header must be row 1 (blank lines before it)"))
                continue
            records.append((start, cells))
    except csv.Error as e:
        problems.append(Problem(label, reader.line_num, None, f"malformed CSV: {e}"))
        return None
    if header is None:
        problems.append(Problem(label, 1, None, "empty file: no header row"))
        return None
    return _frame(header, records)


def _parse_simple_csv(text: str) -> pd.DataFrame | None:
    """Fast path for the common file: no quotes, header on line 1, no ragged rows.

    Without quote characters every record is one line, so row numbers are line numbers;
    anything else goes to the careful reader, which reports what is wrong where.
    """
    if '"' in text or "\r" in text or not text.strip() or not text.split("\n", 1)[0].strip():
        return None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, engine="c", quoting=csv.QUOTE_NONE)
    except (pd.errors.ParserError, ValueError):
        return None
    header = [str(c).strip() for c in df.columns]
    if any(h.startswith("Unnamed: ") for h in header) or len(set(header)) != len(header):
        return None
    df.columns = header
    df = df.fillna("")
    for c in header:
        df[c] = df[c].str.strip()
    rows = np.arange(2, len(df) + 2)
    keep = (df != "").any(axis=1).to_numpy() if header else np.zeros(len(df), bool)
    df = df[keep].reset_index(drop=True)
    df[ROW] = rows[keep]
    df.attrs["header"] = header
    df.attrs["extra_cells"] = []
    return df


def _read_parquet(p: Path, problems: list[Problem]) -> pd.DataFrame | None:
    try:
        df = pd.read_parquet(p)
    except Exception as e:  # noqa: BLE001 - any unreadable file is a Problem
        problems.append(Problem(p.name, None, None, f"cannot read Parquet: {type(e).__name__}: {e}"))
        return None
    records = [(i + 1, [_cell(v) for v in row]) for i, row in enumerate(df.itertuples(index=False, name=None))]
    return _frame([str(c) for c in df.columns], records)


# --- workbook --------------------------------------------------------------------
def _read_xlsx(path: Path) -> RawPack:
    problems: list[Problem] = []
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - zip/xml garbage of any kind
        raise PackError([Problem(path.name, None, None, f"cannot open workbook: {type(e).__name__}: {e}")], str(path)) from None
    try:
        raw = RawPack(str(path), {}, "sheet _pack", problems=problems)
        sheets = wb.sheetnames
        if "_pack" not in sheets:
            problems.append(Problem("sheet _pack", None, None, "missing: the workbook needs a _pack sheet of pack fields"))
        for name in sheets:
            label = f"sheet {name}"
            try:
                rows = [[_cell(v) for v in r] for r in wb[name].iter_rows(values_only=True)]
            except Exception as e:  # noqa: BLE001
                problems.append(Problem(label, None, None, f"cannot read sheet: {type(e).__name__}: {e}"))
                continue
            if name == "_pack":
                raw.meta = _meta_from_rows(rows, label, problems)
                continue
            if name not in schema():
                problems.append(Problem(label, None, None, "not a table of the schema (see `allyforge schema`)"))
                continue
            raw.labels[name] = label
            numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c for c in r)]
            if not numbered:
                problems.append(Problem(label, 1, None, "empty sheet: no header row"))
                continue
            (hrow, header), *records = numbered
            if hrow != 1:
                problems.append(Problem(label, hrow, None, "header must be row 1"))
            while header and not header[-1]:
                header.pop()
            raw.tables[name] = _frame(header, records)
        return raw
    finally:
        wb.close()


def _meta_from_rows(rows: list[list[str]], label: str, problems: list[Problem]) -> dict[str, Any]:
    """`_pack` sheet: key/value rows; a 'calendar' given as 'calendar.kind' etc. or YAML text."""
    meta: dict[str, Any] = {}
    for i, r in enumerate(rows, start=1):
        if not r or not r[0]:
            continue
        key, value = r[0], (r[1] if len(r) > 1 else "")
        if i == 1 and key.lower() in ("key", "field"):
            continue
        if "." in key:
            outer, inner = key.split(".", 1)
            meta.setdefault(outer, {})[inner] = value
        else:
            meta[key] = value
    return meta
