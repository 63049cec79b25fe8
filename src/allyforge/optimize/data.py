"""The numbers a planning model needs, taken from a Network and resolved scenario Drivers.

Physical rules are the simulator's (docs/simulation.md S1-S3, S9-S11): stock points are
(site, item) pairs; runs consume inputs when they start and yield outputs `cycle_time`
periods later; a lane's shipment arrives `lead_time` periods later (a delayed share
later still); stockpiles hold a reserve beside on-hand stock; costs are charged on the
end-of-period state and converted to the base currency by the fiscal year of the
base currency's party. The optimizer chooses flows freely within those rules instead
of following the simulator's planning heuristics, so it bounds them from below.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from allyforge.network import Network
from allyforge.scenario import Drivers

UNPRICED_SHORTFALL = 1.0e6  # base currency per unit per period for a priority-1 stream without a backorder cost


@dataclass
class PlanningData:
    """Arrays over samples S, processes P, lanes L, stock points N, stockpiles K, demand streams D, periods T."""

    drivers: Drivers
    sample_ids: np.ndarray
    extra_stockpiles: tuple[str, ...] = ()  # site/item nodes a candidate stockpile may fill
    weights: np.ndarray | None = None  # per chosen sample, summing to 1 (default: equal, the sample average)

    @cached_property
    def sample_weights(self) -> np.ndarray:
        """Weight of each chosen sample in the objective: the sample average, or a grouped one (SampleGroups)."""
        S = len(self.sample_ids)
        if self.weights is None:
            return np.full(S, 1.0 / S)
        w = np.asarray(self.weights, float)
        if w.shape != (S,) or (w < 0).any() or not np.isclose(w.sum(), 1.0):
            raise ValueError("sample weights need one non-negative weight per sample, summing to 1")
        return w

    @property
    def net(self) -> Network:
        return self.drivers.network

    @property
    def periods(self) -> tuple[str, ...]:
        return self.drivers.periods

    @cached_property
    def fys(self) -> np.ndarray:
        return self.net.base_fiscal_years(self.periods)

    @cached_property
    def _rows(self) -> np.ndarray:
        """Positions of the chosen samples within the drivers' samples."""
        pos = pd.Index(self.drivers.sample_ids).get_indexer(self.sample_ids)
        if (pos < 0).any():
            raise ValueError(f"samples {self.sample_ids[pos < 0].tolist()} were not resolved")
        return pos

    # --- entities ------------------------------------------------------------------
    @cached_property
    def processes(self) -> pd.DataFrame:
        return self.net.table("processes").reindex(self.drivers.processes)

    @cached_property
    def lanes(self) -> pd.DataFrame:
        return self.net.table("lanes").reindex(self.drivers.lanes)

    @cached_property
    def inputs(self) -> pd.DataFrame:
        return self.net.table("process_inputs").reset_index()

    @cached_property
    def outputs(self) -> pd.DataFrame:
        return self.net.table("process_outputs").reset_index()

    @cached_property
    def nodes(self) -> pd.MultiIndex:
        """Every (site, item) a process, lane, demand or stocks row touches (S1.1)."""
        procs = self.processes
        pairs = []
        for t in (self.inputs, self.outputs):
            pairs.append(pd.DataFrame({"site": procs["site"].reindex(t["process"]).to_numpy(), "item": t["item"].to_numpy()}))
        ln = self.lanes
        pairs.append(pd.DataFrame({"site": ln["origin"].to_numpy(), "item": ln["item"].to_numpy()}))
        pairs.append(pd.DataFrame({"site": ln["destination"].to_numpy(), "item": ln["item"].to_numpy()}))
        pairs.append(self.drivers.demands[["site", "item"]])
        st = self.net.table("stocks").reset_index()
        pairs.append(st[["site", "item"]])
        pairs += [pd.DataFrame({"site": [n.split("/", 1)[0]], "item": [n.split("/", 1)[1]]}) for n in self.extra_stockpiles]
        df = pd.concat(pairs, ignore_index=True).drop_duplicates().sort_values(["site", "item"])
        return pd.MultiIndex.from_frame(df.reset_index(drop=True))

    @cached_property
    def node_labels(self) -> pd.Index:
        return pd.Index([f"{s}/{i}" for s, i in self.nodes], name="node")

    def node_label(self, site: pd.Series | np.ndarray, item: pd.Series | np.ndarray) -> np.ndarray:
        return np.array([f"{s}/{i}" for s, i in zip(site, item)], dtype=object)

    def node_position(self, site: pd.Series | np.ndarray, item: pd.Series | np.ndarray) -> np.ndarray:
        """Positions in `node_labels` of (site, item) pairs; -1 for a pair outside the model."""
        return self.node_labels.get_indexer(self.node_label(site, item))

    @cached_property
    def input_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(process position, node position, quantity per run) of every process_inputs row."""
        return self._recipe_rows(self.inputs, yields=False)

    @cached_property
    def output_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(process position, node position, quantity per run x yield) of every process_outputs row."""
        return self._recipe_rows(self.outputs, yields=True)

    def _recipe_rows(self, table: pd.DataFrame, yields: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        procs = self.processes
        pi = procs.index.get_indexer(table["process"])
        q = table["quantity"].to_numpy(float) * (self.yields[pi] if yields else 1.0)
        return pi, self.node_position(procs["site"].to_numpy()[pi], table["item"].to_numpy()), q

    @cached_property
    def lane_origin(self) -> np.ndarray:
        """Node position each lane ships from."""
        return self.node_position(self.lanes["origin"], self.lanes["item"])

    @cached_property
    def lane_destination(self) -> np.ndarray:
        """Node position each lane delivers to."""
        return self.node_position(self.lanes["destination"], self.lanes["item"])

    @cached_property
    def demand_node(self) -> np.ndarray:
        """Node position each demand stream draws from."""
        dem = self.drivers.demands
        return self.node_position(dem["site"], dem["item"])

    @cached_property
    def stocks(self) -> pd.DataFrame:
        """Stocks rows by node label: initial, policy, release, holding_cost."""
        st = self.net.table("stocks").reset_index()
        st.index = pd.Index(self.node_label(st["site"], st["item"]), name="node")
        return st

    @cached_property
    def stockpiles(self) -> pd.Index:
        """Nodes with a reserve: stockpile rows, plus nodes a stockpile purchase or change adds to (S9.5)."""
        st = self.stocks
        names = set(st.index[st["policy"].eq("stockpile")])
        for ch in self.drivers.stock_changes:
            names.add(f"{ch.site}/{ch.item}")
        names |= set(self.extra_stockpiles)
        return pd.Index(sorted(names), name="stockpile")

    @cached_property
    def release_rule(self) -> pd.Series:
        st = self.stocks
        rule = st["release"].where(st["policy"].eq("stockpile")).reindex(self.stockpiles)
        return rule.fillna("on_shortfall").astype(str)

    # --- per-sample arrays ---------------------------------------------------------
    @cached_property
    def capacity(self) -> np.ndarray:  # [S, P, T]
        return self.drivers.capacity()[self._rows]

    @cached_property
    def lane_capacity(self) -> np.ndarray:  # [S, L, T]
        return self.drivers.lane_capacity()[self._rows]

    @cached_property
    def lane_open(self) -> np.ndarray:  # [S, L, T]
        return self.drivers.lane_open()[self._rows]

    @cached_property
    def demand(self) -> np.ndarray:  # [S, D, T]
        return self.drivers.demand()[self._rows]

    def stock_change(self, kind: str) -> np.ndarray:
        """[S, K, T] units added to reserves (`add`) or released by scenario (`release`, inf = all)."""
        out = np.zeros((len(self.sample_ids), len(self.stockpiles), len(self.periods)))
        for ch in self.drivers.stock_changes:
            if ch.kind == kind:
                k = self.stockpiles.get_loc(f"{ch.site}/{ch.item}")
                out[:, k] += ch.values[self._rows]
        return out

    @cached_property
    def initial_on_hand(self) -> np.ndarray:  # [N]
        st = self.stocks
        v = st["initial"].where(~st["policy"].eq("stockpile")).fillna(0.0)
        return v.groupby(level=0).sum().reindex(self.node_labels).fillna(0.0).to_numpy(float)

    @cached_property
    def initial_reserve(self) -> np.ndarray:  # [K]
        st = self.stocks
        v = st["initial"].where(st["policy"].eq("stockpile")).fillna(0.0)
        return v.groupby(level=0).sum().reindex(self.stockpiles).fillna(0.0).to_numpy(float)

    # --- costs in base currency per unit, [entity, T] ------------------------------
    @cached_property
    def holding(self) -> np.ndarray:
        """Per unit per period at each node: the stocks row's holding_cost, else the item's (S11.2)."""
        items = self.net.table("items")
        item_of = self.nodes.get_level_values("item")
        h = items["holding_cost"].reindex(item_of).to_numpy(float)
        st = self.stocks
        own = st["holding_cost"].groupby(level=0).first().reindex(self.node_labels).to_numpy(float)
        h = np.where(np.isnan(own), h, own)
        return self.net.in_base(h, list(items["currency"].reindex(item_of)), self.fys)

    @cached_property
    def run_cost(self) -> np.ndarray:
        p = self.processes
        return self.net.in_base(p["cost_per_run"].to_numpy(float), list(p["currency"]), self.fys)

    @cached_property
    def lane_cost(self) -> np.ndarray:
        ln = self.lanes
        return self.net.in_base(ln["cost_per_unit"].to_numpy(float), list(ln["currency"]), self.fys)

    @cached_property
    def shortfall_cost(self) -> np.ndarray:
        """[D, T] base currency per unit short per period; streams without a cost get UNPRICED_SHORTFALL / priority."""
        drv = self.drivers
        out = drv.backorder_cost * self.net.in_base(np.ones(len(drv.demands)), list(drv.demands["currency"]), self.fys)
        prio = drv.demands["priority"].to_numpy(float)
        unpriced = ~(out > 0)
        out = np.where(unpriced, UNPRICED_SHORTFALL / np.maximum(prio, 1)[:, None], out)
        return out

    @cached_property
    def lead(self) -> np.ndarray:
        return self.lanes["lead_time"].fillna(0).to_numpy(float).round().astype(int)

    @cached_property
    def cycle(self) -> np.ndarray:
        return self.processes["cycle_time"].fillna(1).to_numpy(float).round().astype(int)

    @cached_property
    def yields(self) -> np.ndarray:
        return self.processes["yield"].fillna(1.0).to_numpy(float)

    def transit_periods(self) -> np.ndarray:
        """[L, T] end-of-period counts a unit shipped in t spends in transit within the horizon (S11.2),
        averaging the delayed share (resolved trade-rule delays) with the rest."""
        T = len(self.periods)
        t = np.arange(T)[None, :]
        normal = np.minimum(self.lead[:, None], T - t)
        delayed = np.minimum(self.lead[:, None] + self.drivers.lane_delay, T - t)
        w = self.drivers.lane_delay_share
        return (1 - w) * normal + w * delayed


@dataclass(frozen=True)
class SampleGroups:
    """Samples whose resolved numbers are identical, merged into one weighted sample.

    The planning model reads a sample only through the arrays compared here, so two such
    samples have the same recourse problem: the sample average over all samples equals the
    weighted average over the groups, exactly (an exact scenario reduction, not an
    approximation). On a scenario whose only drawn parameter is a ban's duration in whole
    periods, 30 samples fall into at most as many groups as there are distinct durations.
    """

    representatives: np.ndarray  # sample id standing for each group (its first member)
    group_of: np.ndarray  # [S] group position of every sample, in the order given
    counts: np.ndarray  # [G] samples per group

    @property
    def weights(self) -> np.ndarray:
        return self.counts / self.counts.sum()

    def expand(self, per_group: np.ndarray) -> np.ndarray:
        """Per-group values (first axis) back to one value per sample."""
        return np.asarray(per_group)[self.group_of]


def distinct_samples(data: PlanningData) -> SampleGroups:
    """Group `data`'s samples by every per-sample array a planning model reads (byte-exact)."""
    per_sample = [data.capacity, data.lane_capacity, data.lane_open, data.demand, data.stock_change("add"), data.stock_change("release")]
    first: dict[bytes, int] = {}
    group_of = np.empty(len(data.sample_ids), np.int64)
    for s in range(len(data.sample_ids)):
        key = b"".join(np.ascontiguousarray(a[s]).tobytes() for a in per_sample)
        group_of[s] = first.setdefault(key, len(first))
    _, first_member = np.unique(group_of, return_index=True)  # groups are numbered by first appearance
    return SampleGroups(np.asarray(data.sample_ids)[first_member], group_of, np.bincount(group_of))
