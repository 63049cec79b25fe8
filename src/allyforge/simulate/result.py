"""SimulationResult: a run object with labeled arrays, tidy tables and the summary (docs/simulation.md S13)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from allyforge.simulate.money import party_currency_table

if TYPE_CHECKING:
    import pyarrow as pa
    import xarray as xr

    from allyforge.network import Network
    from allyforge.scenario import Drivers, Scenario
    from allyforge.simulate.compiled import Compiled
    from allyforge.simulate.engine import ChunkOut

QUANTILES = (0.1, 0.5, 0.9)
MIN_TAIL_SAMPLES = 10
SENSITIVITY_SAMPLES = 50  # samples rerun per assumption end (the first ones: common random numbers)  # samples beyond a tail quantile for it to be shown without a warning


@dataclass
class SimulationResult:
    network: Network
    scenario: Scenario
    periods: tuple[str, ...]
    sample_ids: np.ndarray
    compiled: Compiled
    demands: pd.DataFrame  # streams: site, item, party, priority, backorder, currency
    parties: list[str]
    out: ChunkOut
    attribution: Callable[[], np.ndarray] = field(repr=False)  # computes `binding` on first use (S12)
    seed: int
    content_hash: str
    rerun: Callable[[dict, int], SimulationResult] | None = field(default=None, repr=False)
    _summary: dict | None = field(default=None, repr=False)
    _binding: np.ndarray | None = field(default=None, repr=False)

    @property
    def binding(self) -> np.ndarray:
        """[S, D] label of the binding constraint per sample and stream ('' when no shortfall, S12).

        Traced on first use (the summary needs it; arrays and tidy tables do not).
        """
        if self._binding is None:
            self._binding = self.attribution()
        return self._binding

    # --- shape --------------------------------------------------------------------
    @property
    def samples(self) -> int:
        return len(self.sample_ids)

    @property
    def full(self) -> bool:
        return self.out.full

    @property
    def node_labels(self) -> list[str]:
        return [f"{i}@{s}" for s, i in self.compiled.nodes]

    # --- labeled arrays -----------------------------------------------------------
    def to_xarray(self) -> xr.Dataset:
        """Every array with dims (sample, period, entity); node/process/lane arrays are sample means when streamed."""
        import xarray as xr

        c = self.compiled
        samp = self.sample_ids if self.full else np.array([-1])
        scale = 1.0 if self.full else 1.0 / self.samples
        data: dict[str, Any] = {}
        for k, v in self.out.node.items():
            data[f"node_{k}"] = (("sample", "node", "period"), v * scale)
        data["process_runs"] = (("sample", "process", "period"), self.out.runs * scale)
        data["lane_shipped"] = (("sample", "lane", "period"), self.out.lane * scale)
        ds = xr.Dataset(
            {k: xr.DataArray(v[1], dims=v[0]) for k, v in data.items()},
            coords={"sample": samp, "period": list(self.periods), "node": self.node_labels,
                    "node_site": ("node", list(c.nodes.get_level_values("site"))), "node_item": ("node", list(c.nodes.get_level_values("item"))),
                    "process": list(self.network.table("processes").index), "lane": list(self.network.table("lanes").index)},
        )
        dem = xr.Dataset(
            {f"demand_{k}": xr.DataArray(v, dims=("sample", "demand", "period")) for k, v in self.out.demand.items()},
            coords={"sample": self.sample_ids, "period": list(self.periods), "demand": np.arange(len(self.demands)),
                    "demand_site": ("demand", self.demands["site"].tolist()), "demand_item": ("demand", self.demands["item"].tolist()),
                    "demand_party": ("demand", self.demands["party"].tolist())},
        )
        if not self.full:
            ds = ds.rename({"sample": "sample_mean"})
        out = xr.merge([ds, dem], compat="override", join="outer") if self.full else xr.merge([ds, dem])
        out.attrs.update({"scenario": self.scenario.name, "seed": self.seed, "pack": self.network.name, "pack_hash": self.content_hash,
                          "streamed": int(not self.full)})
        return out.transpose("sample", "period", ...) if self.full else out

    def to_frame(self, kind: str = "demand") -> pd.DataFrame:
        """Tidy table, one row per sample/period/entity: kind is demand, node, process, lane or costs."""
        from allyforge.simulate import tidy

        return tidy.to_frame(tidy.tidy_columns(self, kind))

    def to_arrow(self, kind: str = "demand") -> pa.Table:
        """The tidy table `kind` as Arrow, label columns dictionary-encoded (cheap to build and to write as Parquet)."""
        from allyforge.simulate import tidy

        return tidy.to_arrow(tidy.tidy_columns(self, kind))

    def export(self, directory: str | Path, fmt: str = "parquet") -> list[Path]:
        """Tidy tables (demand, node, process, lane, costs) and summary.json into `directory`."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        paths = []
        for kind in ("demand", "node", "process", "lane", "costs"):
            f = self.to_frame(kind)
            p = d / f"{kind}.{fmt}"
            if fmt == "parquet":
                f.to_parquet(p, index=False)
            elif fmt == "csv":
                f.to_csv(p, index=False)
            else:
                raise ValueError(f"unknown format {fmt!r}: parquet or csv")
            paths.append(p)
        p = d / "summary.json"
        p.write_text(json.dumps(self.summary(), indent=1, default=_json_default))
        paths.append(p)
        return paths

    # --- the answer -------------------------------------------------------------------
    def program_table(self) -> pd.DataFrame:
        """Per program (a program is an item as a party procures it): per-sample totals, quantiles, binding."""
        progs = self.network.table("programs").reset_index()
        st = self.demands
        rows = []
        due = self.out.demand["due"]
        dem = self._new_demand()
        deliv = self.out.demand["delivered"]
        short = self.out.demand["backlog"] + self.out.demand["lost"]
        keys = list(zip(st["item"], st["party"]))
        named = {(r["item"], r["party"]): r["id"] for r in progs.to_dict("records")}
        for key in dict.fromkeys(keys):
            ks = np.array([i for i, k in enumerate(keys) if k == key])
            req = dem[:, ks].sum((1, 2))
            got = deliv[:, ks].sum((1, 2))
            per_t_short = short[:, ks].sum(1)  # [S, T]
            shortfall = np.where(np.abs(req - got) < 1e-9 * np.maximum(1.0, np.abs(req)), 0.0, req - got)
            has = per_t_short > 1e-9
            first = np.where(has.any(1), has.argmax(1), -1)
            labels = self.binding[:, ks]
            weights: dict[str, float] = {}
            tot_w = 0.0
            for s in range(self.samples):
                w = float(has[s].sum())
                if w == 0:
                    continue
                lab = next((x for x in labels[s] if x), "timing")
                weights[lab] = weights.get(lab, 0.0) + w
                tot_w += w
            binding = sorted(((k2, v / tot_w) for k2, v in weights.items()), key=lambda kv: -kv[1]) if tot_w else []
            firsts = first[first >= 0]
            rows.append({
                "program": named.get(key, f"{key[0]}@{key[1]}"), "item": key[0], "party": key[1],
                "required_p50": float(np.quantile(req, 0.5)),
                "delivered_p10": float(np.quantile(got, 0.1)), "delivered_p50": float(np.quantile(got, 0.5)), "delivered_p90": float(np.quantile(got, 0.9)),
                "shortfall_p50": float(np.quantile(shortfall, 0.5)), "shortfall_p90": float(np.quantile(shortfall, 0.9)),
                "short_unit_periods_p50": float(np.quantile(per_t_short.sum(1), 0.5)),
                "p_shortfall": float(has.any(1).mean()),
                "first_short_period_p50": self.periods[int(np.quantile(firsts, 0.5, method="lower"))] if len(firsts) * 2 >= self.samples and len(firsts) else None,
                "binding": binding,
            })
        return pd.DataFrame(rows)

    def deliveries(self) -> pd.DataFrame:
        """Per sample, period, program and party: required (demand arising that period), delivered, backlog, lost.

        Rows sorted by sample, period, program, party; streams of one program and party summed.
        """
        st = self.demands
        progs = self.network.table("programs").reset_index()
        named = {(r["item"], r["party"]): r["id"] for r in progs.to_dict("records")}
        keys = [(named.get((i, p), f"{i}@{p}"), p) for i, p in zip(st["item"], st["party"])]
        groups = sorted(set(keys))
        members = [np.array([d for d, k in enumerate(keys) if k == g]) for g in groups]
        arrays = {"required": self._new_demand(), **{k: self.out.demand[k] for k in ("delivered", "backlog", "lost")}}
        t_order = np.argsort(np.asarray(self.periods), kind="stable")
        S, T, G = self.samples, len(self.periods), len(groups)
        cols: dict[str, Any] = {
            "sample": np.repeat(self.sample_ids, T * G),
            "period": np.tile(np.repeat(np.asarray(self.periods, dtype=object)[t_order], G), S),
            "program": np.tile(np.array([g[0] for g in groups], dtype=object), S * T),
            "party": np.tile(np.array([g[1] for g in groups], dtype=object), S * T),
        }
        for k, a in arrays.items():
            per_group = np.stack([a[:, m].sum(1) for m in members], axis=1) if G else np.zeros((S, 0, T))  # [S, G, T]
            cols[k] = per_group[:, :, t_order].transpose(0, 2, 1).reshape(-1)
        return pd.DataFrame(cols)

    def _new_demand(self) -> np.ndarray:
        """Demand arising in each period (due minus the backlog carried in)."""
        due = self.out.demand["due"]
        bl = self.out.demand["backlog"]
        carried = np.concatenate([np.zeros_like(bl[:, :, :1]), bl[:, :, :-1]], axis=2)
        return due - carried

    def total_shortfall(self) -> np.ndarray:
        """Per sample: units required over the horizon and not delivered by its end, all demands."""
        req = self._new_demand().sum((1, 2))
        short = req - self.out.demand["delivered"].sum((1, 2))
        return np.where(np.abs(short) < 1e-9 * np.maximum(1.0, np.abs(req)), 0.0, short)

    def cumulative_shortfall(self) -> np.ndarray:
        """Per sample: shortfall summed over periods, all demands (unit-periods; S10.3)."""
        return (self.out.demand["backlog"] + self.out.demand["lost"]).sum((1, 2))

    def costs(self) -> pd.DataFrame:
        """Mean cost per party, fiscal year and category, in the party's currency (S11.6)."""
        mean = self.out.costs.mean(0)
        t = party_currency_table(self.network, self.periods, self.parties, mean)
        return t[t["amount"].abs() > 1e-6].reset_index(drop=True)

    def warnings(self) -> list[str]:
        n_tail = int(np.floor(self.samples * min(QUANTILES)))
        if n_tail < MIN_TAIL_SAMPLES:
            return [f"{self.samples} samples leave {n_tail} beyond P10/P90; at least {int(MIN_TAIL_SAMPLES / min(QUANTILES))} are needed for those quantiles to be stable"]
        return []

    def sensitivity(self, max_samples: int = SENSITIVITY_SAMPLES) -> pd.DataFrame:
        """One-at-a-time: P50 cumulative shortfall with each ranged recipe quantity at its low and high end.

        Reruns use the first `max_samples` samples of this run (common random numbers), and the
        baseline P50 is taken over the same samples.
        """
        n = min(self.samples, max_samples)
        base = float(np.quantile(self.cumulative_shortfall()[:n], 0.5))
        rows = []
        if self.rerun is None:
            return pd.DataFrame(columns=["assumption", "value", "low", "high", "p50_shortfall", "delta_low", "delta_high"])
        for kind in ("inputs", "outputs"):
            t = self.network.table(f"process_{kind}").reset_index()
            for r in t.to_dict("records"):
                lo, hi = r.get("low"), r.get("high")
                if (lo is None or pd.isna(lo)) and (hi is None or pd.isna(hi)):
                    continue
                key = (kind, r["process"], r["item"])
                res = {}
                for end, v in (("low", lo), ("high", hi)):
                    if v is None or pd.isna(v):
                        res[end] = np.nan
                        continue
                    other = self.rerun({key: float(v)}, n)
                    res[end] = float(np.quantile(other.cumulative_shortfall(), 0.5)) - base
                rows.append({"assumption": f"process_{kind} {r['process']}/{r['item']} quantity", "value": float(r["quantity"]),
                             "low": lo, "high": hi, "p50_shortfall": base, "delta_low": res["low"], "delta_high": res["high"]})
        return pd.DataFrame(rows, columns=["assumption", "value", "low", "high", "p50_shortfall", "delta_low", "delta_high"])

    def summary(self, sensitivity: bool = True) -> dict:
        """The answer: per program required vs delivered (P10/P50/P90), shortfall, binding; costs; warnings; sensitivity."""
        if self._summary is not None and (not sensitivity or "sensitivity" in self._summary):
            return self._summary
        progs = self.program_table()
        out = {
            "scenario": self.scenario.name, "pack": self.network.name, "pack_hash": self.content_hash,
            "periods": [self.periods[0], self.periods[-1]], "samples": self.samples, "seed": self.seed,
            "programs": progs.to_dict("records"),
            "total_shortfall_p50": float(np.quantile(self.total_shortfall(), 0.5)),
            "cumulative_shortfall_p50": float(np.quantile(self.cumulative_shortfall(), 0.5)),
            "costs": self.costs().to_dict("records"),
            "warnings": self.warnings(),
        }
        if sensitivity:
            out["sensitivity"] = self.sensitivity().to_dict("records")
        self._summary = out
        return out


def _json_default(o: Any) -> Any:
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)
