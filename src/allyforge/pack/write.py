"""Writers: a Network back to a pack folder (CSV or Parquet tables) or one XLSX workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from allyforge.network import Network
from allyforge.schema import schema


def _meta_dict(net: Network) -> dict[str, Any]:
    m = net.meta
    d: dict[str, Any] = {
        "name": m.name,
        "version": m.version,
        "description": m.description,
        "calendar": {"kind": m.calendar.kind, "start": m.calendar.start, "end": m.calendar.end},
        "base_currency": m.base_currency,
    }
    if m.default_scenario:
        d["default_scenario"] = m.default_scenario
    return d


def _text(v: Any, dtype: str) -> str:
    if v is None or (not isinstance(v, tuple) and pd.isna(v)):
        return ""
    if dtype == "list":
        return ";".join(v)
    if dtype == "bool":
        return "true" if v else "false"
    if dtype == "date":
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    if dtype == "float":
        f = float(v)
        return repr(int(f)) if f.is_integer() and abs(f) < 2**53 else repr(f)
    return str(v)


def table_as_text(net: Network, name: str) -> pd.DataFrame:
    """A table as the strings a pack file holds (columns in schema order, keys first)."""
    t = schema()[name]
    df = net.table(name).reset_index()
    out = pd.DataFrame({c.name: [_text(v, c.dtype) for v in df[c.name]] for c in t.columns}, dtype=object)
    return out


def write_pack(net: Network, path: str | Path, fmt: str = "csv") -> Path:
    """Write `net` as a folder of CSV or Parquet tables, or as one .xlsx workbook."""
    path = Path(path)
    if fmt == "xlsx" or path.suffix.lower() == ".xlsx":
        return _write_xlsx(net, path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx"))
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown pack format {fmt!r}: csv, parquet or xlsx")
    path.mkdir(parents=True, exist_ok=True)
    (path / "pack.yaml").write_text(yaml.safe_dump(_meta_dict(net), sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name in schema():
        df = table_as_text(net, name)
        if df.empty and not schema()[name].required:
            continue
        if fmt == "csv":
            df.to_csv(path / f"{name}.csv", index=False, lineterminator="\n")
        else:
            df.astype(str).to_parquet(path / f"{name}.parquet", index=False)
    return path


def _write_xlsx(net: Network, path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("_pack")
    ws.append(["key", "value"])
    for k, v in _meta_dict(net).items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                ws.append([f"{k}.{k2}", str(v2)])
        else:
            ws.append([k, str(v)])
    for name in schema():
        df = table_as_text(net, name)
        if df.empty and not schema()[name].required:
            continue
        ws = wb.create_sheet(name)
        ws.append(list(df.columns))
        for row in df.itertuples(index=False, name=None):
            ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
