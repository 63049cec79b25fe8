"""The scenario's values for one period in the engine's layout ([entity, sample], internal order).

Same numbers as `Drivers.capacity_at` and friends (base plus the sum of "add" effects,
times the product of "mul" effects; lane open shares clipped to [0, 1], demand at 0 or
more), built entity-major. A quantity no event touches is the same in every sample and
is returned as an [entity, 1] column that broadcasts, so no per-sample copy is made.
"""

from __future__ import annotations

import numpy as np

from allyforge.scenario import Drivers
from allyforge.scenario import events as ev


class PeriodInputs:
    """Per-period capacity, lane open share, lane capacity and demand for the drivers' samples."""

    def __init__(self, drv: Drivers, lane: np.ndarray, proc: np.ndarray) -> None:
        self.S = drv.samples
        lane_inv = np.empty_like(lane)
        lane_inv[lane] = np.arange(len(lane))
        proc_inv = np.empty_like(proc)
        proc_inv[proc] = np.arange(len(proc))
        remap = {"capacity": proc_inv, "lane_open": lane_inv, "lane_capacity": lane_inv, "demand": None}
        self._effects: dict[str, list] = {k: [] for k in remap}
        for e in drv.effects:
            m = remap[e.target]
            self._effects[e.target].append((e.op, e.index if m is None else m[e.index], e))
        self._cap = drv.base_capacity[proc]
        self._lopen = drv.base_lane_open[lane]
        self._lcap = drv.base_lane_capacity[lane]
        self._dem = drv.base_demand
        outs = [e for e in drv.effects if e.target == "capacity" and e.op == "mul" and isinstance(drv.scenario.events[e.event], ev.SiteOutage)]
        self._outages = [(proc_inv[e.index], e) for e in outs]
        self.P = len(proc)

    def _apply(self, target: str, base_t: np.ndarray, t: int) -> np.ndarray:
        effs = self._effects[target]
        if not effs:
            return base_t[:, None]
        out = np.repeat(base_t[:, None], self.S, axis=1)
        for op, idx, e in effs:
            if op == "add":
                out[idx] += e.per_entity(t).T
        for op, idx, e in effs:
            if op == "mul":
                out[idx] *= e.per_entity(t).T
        return out

    def varies(self, target: str) -> bool:
        """Whether some event changes `target` (capacity, lane_open, lane_capacity, demand) by sample."""
        return bool(self._effects[target])

    def capacity(self, t: int) -> np.ndarray:
        """Runs per period of every process: [P, S] or [P, 1]."""
        return self._apply("capacity", self._cap[:, t], t)

    def lane_open(self, t: int) -> np.ndarray:
        """Share of each lane's flow allowed: [L, S] or [L, 1]."""
        return np.clip(self._apply("lane_open", self._lopen[:, t], t), 0.0, 1.0)

    def lane_capacity(self, t: int) -> np.ndarray:
        """Units each lane can carry (inf: unlimited): [L, S] or [L, 1]."""
        return self._apply("lane_capacity", self._lcap, t)

    def demand(self, t: int) -> np.ndarray:
        """Units due per demand stream: [D, S] or [D, 1]."""
        return np.maximum(self._apply("demand", self._dem[:, t], t), 0.0)

    def outage(self, t: int) -> np.ndarray | None:
        """1 where a site_outage lowered a process's capacity in period t ([P, S]); None without outages (S12.1 labels)."""
        if not self._outages:
            return None
        m = np.zeros((self.P, self.S))
        for idx, e in self._outages:
            m[idx] = np.maximum(m[idx], (e.per_entity(t) < 1.0).astype(float).T)
        return m
