"""Network: the validated pack as component tables plus a labeled array view.

Tables are pandas frames indexed by their key (PyPSA's component tables). The
Network is immutable once loaded: table accessors hand out copy-on-write shallow
copies (pandas >= 3), arrays are read-only, and engines return new objects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from allyforge.schema import ROW
from allyforge.schema import schema

if TYPE_CHECKING:
    import xarray as xr

    from allyforge.calendar import Calendar
    from allyforge.pack.validate import PackMeta


class Network:
    """A validated supply network; build it with `allyforge.load_pack`."""

    def __init__(self, meta: PackMeta, tables: dict[str, pd.DataFrame], labels: dict[str, str] | None = None) -> None:
        self._meta = meta
        self._rows: dict[str, pd.Series] = {}
        self._tables: dict[str, pd.DataFrame] = {}
        for name, t in schema().items():
            df = tables[name].copy()
            rows = df.pop(ROW) if ROW in df else pd.Series(np.arange(2, len(df) + 2))
            key = list(t.key)
            df = df.set_index(key[0] if len(key) == 1 else key, drop=True)
            self._rows[name] = pd.Series(rows.to_numpy(), index=df.index)
            self._tables[name] = df
        self._labels = dict(labels or {n: f"{n}.csv" for n in schema()})

    # --- identity ------------------------------------------------------------------
    @property
    def meta(self) -> PackMeta:
        return self._meta

    @property
    def name(self) -> str:
        return self._meta.name

    @property
    def calendar(self) -> Calendar:
        return self._meta.calendar

    @property
    def periods(self) -> tuple[str, ...]:
        return self._meta.calendar.periods

    @property
    def base_currency(self) -> str:
        return self._meta.base_currency

    @cached_property
    def content_hash(self) -> str:
        """Hash of the pack's content (not of its files), stable across formats."""
        h = hashlib.sha256()
        m = self._meta
        h.update(repr((m.name, m.version, m.base_currency, m.calendar.kind, m.calendar.start, m.calendar.end)).encode())
        for name in schema():
            h.update(name.encode())
            h.update(pd.util.hash_pandas_object(self._tables[name].reset_index().astype(str), index=False).to_numpy().tobytes())
        return h.hexdigest()[:16]

    # --- component tables ---------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A table indexed by its key (a copy-on-write view: editing it never edits the Network)."""
        try:
            return self._tables[name].copy(deep=False)
        except KeyError:
            raise KeyError(f"no table {name!r}; tables are {', '.join(self._tables)}") from None

    def row_of(self, table: str, key: object) -> int:
        """Row number (header = 1) of a record in its source file, for messages."""
        return int(self._rows[table].loc[key])

    def file_of(self, table: str) -> str:
        return self._labels.get(table, f"{table}.csv")

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("_tables", {})
        if name in tables:
            return tables[name].copy(deep=False)
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        if self._meta != other._meta:
            return False
        return all(_frames_equal(self._tables[n], other._tables[n]) for n in self._tables)

    def __hash__(self) -> int:
        return hash(self.content_hash)

    def __repr__(self) -> str:
        counts = ", ".join(f"{n}={len(df)}" for n, df in self._tables.items() if len(df))
        return f"<Network {self.name} {self.calendar.start}..{self.calendar.end}: {counts}>"

    # --- derived views ---------------------------------------------------------------
    def active(self, name: str) -> pd.DataFrame:
        """Processes or lanes in effect without any investment (status active)."""
        df = self.table(name)
        return df[df["status"].eq("active")]

    def capacity_array(self, include_candidates: bool = False) -> xr.DataArray:
        """Runs per period, dims (process, period): base capacity, overrides held until the next."""
        import xarray as xr

        procs = self._tables["processes"]
        if not include_candidates:
            procs = procs[procs["status"].eq("active")]
        cap = np.repeat(procs["capacity"].to_numpy(float)[:, None], len(self.periods), axis=1)
        ov = self._tables["capacities"].reset_index()
        ov = ov[ov["process"].isin(procs.index)]
        if len(ov):
            pos = pd.Index(procs.index)
            pidx = pos.get_indexer(ov["process"])
            tidx = np.array([self.calendar.index(p) for p in ov["period"]])
            order = np.lexsort((tidx, pidx))
            for i in order:  # a handful of overrides per process; later ones overwrite
                cap[pidx[i], tidx[i]:] = ov["capacity"].iloc[i]
        cap.flags.writeable = False
        return xr.DataArray(cap, dims=("process", "period"), coords={"process": procs.index.to_numpy(), "period": list(self.periods)}, name="capacity")

    def demand_array(self) -> xr.DataArray:
        """Quantity due, dims (site, item, party, period) stacked as (demand, period)."""
        import xarray as xr

        d = self._tables["demands"].reset_index()
        keys = d[["site", "item", "party"]].drop_duplicates().reset_index(drop=True)
        k = pd.MultiIndex.from_frame(keys)
        arr = np.zeros((len(keys), len(self.periods)))
        ki = k.get_indexer(pd.MultiIndex.from_frame(d[["site", "item", "party"]]))
        ti = np.array([self.calendar.index(p) for p in d["period"]], dtype=int) if len(d) else np.zeros(0, int)
        np.add.at(arr, (ki, ti), d["quantity"].to_numpy(float))
        arr.flags.writeable = False
        da = xr.DataArray(arr, dims=("demand", "period"), coords={"demand": np.arange(len(keys)), "period": list(self.periods)}, name="demand")
        return da.assign_coords(site=("demand", keys["site"].to_numpy()), item=("demand", keys["item"].to_numpy()), party=("demand", keys["party"].to_numpy()))

    def recipe_array(self, kind: str = "inputs") -> xr.DataArray:
        """Quantity per run, dims (process, item), dense over the items a recipe touches."""
        import xarray as xr

        t = self._tables[f"process_{kind}"].reset_index()
        p_idx, procs = pd.factorize(t["process"])
        i_idx, items = pd.factorize(t["item"])
        arr = np.zeros((len(procs), len(items)))
        arr[p_idx, i_idx] = t["quantity"].to_numpy(float)
        arr.flags.writeable = False
        return xr.DataArray(arr, dims=("process", "item"), coords={"process": np.asarray(procs), "item": np.asarray(items)}, name=f"recipe_{kind}")

    def items_in_group(self, name_or_group: str) -> set[str]:
        """Item ids a trade-rule or scenario entry names: an id, a group, or '*'."""
        items = self._tables["items"]
        if name_or_group == "*":
            return set(items.index)
        if name_or_group in items.index:
            return {name_or_group}
        return {i for i, gs in zip(items.index, items["groups"]) if name_or_group in gs}

    def fiscal_year_of(self, party: str, period: str) -> int:
        p = self._tables["parties"].loc[party]
        return self.calendar.fiscal_year(period, int(p["fiscal_year_start_month"]), str(p["fiscal_year_named_by"]))

    def rate(self, currency: str, fiscal_year: int) -> float:
        """Units of `currency` per base currency in a fiscal year (nearest year when absent)."""
        if currency == self.base_currency:
            return 1.0
        r = self._tables["rates"]
        sub = r.xs(currency, level="currency") if currency in r.index.get_level_values("currency") else None
        if sub is None or sub.empty:
            raise KeyError(f"no rate for currency {currency}")
        years = sub.index.to_numpy()
        return float(sub["per_base"].iloc[int(np.argmin(np.abs(years - fiscal_year)))])

    # --- money (DESIGN: converted through `rates` per fiscal year; both engines call these) --
    def currency_or_base(self, currency: object) -> str:
        """A currency code, or the base currency for a blank one."""
        return currency if isinstance(currency, str) and currency else self.base_currency

    def base_fiscal_years(self, periods: Sequence[str]) -> np.ndarray:
        """Fiscal year of each period by the base currency's party, whose rates convert it (calendar year if none)."""
        parties = self._tables["parties"]
        own = parties.index[parties["currency"].eq(self.base_currency)]
        if len(own):
            return np.array([self.fiscal_year_of(own[0], p) for p in periods])
        return np.array([int(p[:4]) for p in periods])

    def to_base(self, currency: object, fiscal_years: np.ndarray) -> np.ndarray:
        """Factor per entry of `fiscal_years` turning an amount in `currency` (blank: base) into base currency."""
        cur = self.currency_or_base(currency)
        years = np.asarray(fiscal_years, dtype=np.int64)
        uniq, pos = np.unique(years, return_inverse=True)
        return np.array([1.0 / self.rate(cur, int(y)) for y in uniq])[pos.reshape(years.shape)] if years.size else np.zeros(years.shape)

    def in_base(self, amounts: np.ndarray, currencies: Sequence[object], fiscal_years: np.ndarray) -> np.ndarray:
        """[E, T]: each entity's amount (NaN: 0) in its own currency, in base currency for each fiscal year."""
        amounts = np.nan_to_num(np.asarray(amounts, float))
        keys = np.array([self.currency_or_base(c) for c in currencies], dtype=object)
        out = np.zeros((len(amounts), len(fiscal_years)))
        for cur in sorted(set(keys)):
            sel = keys == cur
            out[sel] = amounts[sel][:, None] * self.to_base(cur, fiscal_years)[None, :]
        return out

    def convert(self, amount: float, currency: object, to: object, fiscal_year: int) -> float:
        """`amount` in `currency` expressed in `to`, through the rates of `fiscal_year` (blank: base)."""
        return float(amount) * self.rate(self.currency_or_base(to), fiscal_year) / self.rate(self.currency_or_base(currency), fiscal_year)

    def assumptions(self) -> pd.DataFrame:
        """Every figure resting on an assumption: table, key, column, value, range, rationale."""
        src = self._tables["sources"]
        assume = set(src.index[src["kind"].eq("assumption")])
        why = {s: src.loc[s, "note"] or src.loc[s, "title"] for s in assume}
        rows = []
        for name, df in self._tables.items():
            if "source" not in df or name == "sources":
                continue
            figs = [c for c in schema()[name].figure_columns if c in df and c not in ("low", "high")]
            cols = {c: df[c].to_numpy(dtype=object) for c in figs}
            low = df["low"].to_numpy(dtype=object) if "low" in df else None
            high = df["high"].to_numpy(dtype=object) if "high" in df else None
            for i, (key, sources) in enumerate(zip(df.index, df["source"])):
                cited = [s for s in sources if s in assume]
                if not cited:
                    continue
                for c in figs:
                    v = cols[c][i]
                    if pd.isna(v):
                        continue
                    rows.append(
                        {
                            "table": name,
                            "key": key if not isinstance(key, tuple) else "/".join(map(str, key)),
                            "column": c,
                            "value": v,
                            "low": low[i] if c == "quantity" and low is not None else np.nan,
                            "high": high[i] if c == "quantity" and high is not None else np.nan,
                            "source": ";".join(cited),
                            "rationale": why[cited[0]],
                        }
                    )
        return pd.DataFrame(rows, columns=["table", "key", "column", "value", "low", "high", "source", "rationale"])

    def uncertain_sources(self) -> pd.DataFrame:
        src = self._tables["sources"]
        return src[src["uncertain"]]


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if list(a.columns) != list(b.columns) or len(a) != len(b) or not a.index.equals(b.index):
        return False
    for c in a.columns:
        x, y = a[c], b[c]
        if x.dtype.kind == "f" or y.dtype.kind == "f":
            if not np.allclose(x.to_numpy(float), y.to_numpy(float), rtol=0, atol=0, equal_nan=True):
                return False
        elif not x.astype(object).where(x.notna(), None).equals(y.astype(object).where(y.notna(), None)):
            return False
    return True
