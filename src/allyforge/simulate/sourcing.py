"""Planned sourcing split over a destination's lanes, knowing the trade rules in force (S4.4)
and the candidate lanes the scenario opens (S4.7).

A planner knows the rules already in force (the pack's, resolved for the scenario) and
orders around them; the scenario's events are surprises, met by spill (S5.3), except the
openings of candidate lanes, which are the planner's own second sources: those lanes are
planned first, up to their planning capacity. The split over active lanes is static when
no rule touches a destination's lanes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from allyforge.scenario import Drivers


def static_groups(lane_dest: np.ndarray, active: np.ndarray, produced: np.ndarray) -> list[np.ndarray]:
    """Active inbound lanes of each planned (not produced) destination node that has any."""
    order = np.argsort(lane_dest, kind="stable")
    bounds = np.flatnonzero(np.diff(lane_dest[order])) + 1
    groups = []
    for g in np.split(order, bounds):
        if len(g) and not produced[lane_dest[g[0]]]:
            act = g[active[g]]
            if len(act):
                groups.append(act)
    return groups


def rule_aware_shares(groups: list[np.ndarray], share: np.ndarray, priority: np.ndarray, static: np.ndarray,
                      open_share: np.ndarray) -> np.ndarray:
    """Per lane and period [L, T]: the lane's planned share of its destination's requirement.

    `share` holds the lanes' table shares (NaN when blank), `static` the S4.4 split with
    every lane open, `open_share[L, T]` each lane's open share under the rules in force in
    the period it ships.
    """
    L, T = open_share.shape
    touched = open_share < 1.0
    if not touched.any():
        return np.broadcast_to(static[:, None], (L, T))
    out = np.broadcast_to(static[:, None], (L, T)).copy()
    for g in groups:
        if not touched[g].any():
            continue
        o = open_share[g]  # [n, T]
        if np.all(np.isnan(share[g])):
            # the smallest priority among the lanes open at all, in proportion to their open share
            pr = np.where(o > 0, priority[g][:, None], np.iinfo(np.int64).max)
            best = pr.min(0)
            top = (pr == best[None, :]) & (o > 0)
            w = np.where(top, o, 0.0)
            tot = w.sum(0)
            out[g] = np.where(tot > 0, w / np.where(tot > 0, tot, 1.0), static[g][:, None])
        else:
            s = np.nan_to_num(share[g])[:, None]
            w = s * o
            tot = w.sum(0)
            out[g] = np.where(tot > 0, w * (s.sum() / np.where(tot > 0, tot, 1.0)), s)
    return out


def at_arrival(x: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """y[l, t] = x[l, max(0, t - lead_l)]: a per-shipping-period array seen from the arrival period."""
    T = x.shape[1]
    idx = np.maximum(0, np.arange(T)[None, :] - lead[:, None])
    return np.take_along_axis(x, idx, axis=1)


def opened_candidates(lane_dest: np.ndarray, spill_rank: np.ndarray, candidate: np.ndarray, produced: np.ndarray,
                      drv: Drivers) -> tuple[np.ndarray, np.ndarray]:
    """(lanes, rank): candidate lanes some event gives capacity, into nodes planned on their lanes (S4.7),
    by destination then spill rank (priority, table order), and each one's position among its destination's."""
    opened = np.zeros(len(lane_dest), bool)
    for e in drv.effects:
        if e.target == "lane_capacity":
            opened[e.index] = True
    lanes = np.flatnonzero(opened & candidate & ~produced[lane_dest])
    lanes = lanes[np.lexsort((spill_rank[lanes], lane_dest[lanes]))]
    first = np.searchsorted(lane_dest[lanes], lane_dest[lanes])  # sorted by destination: its first candidate's position
    return lanes, np.arange(len(lanes)) - first


def candidate_capacity(drv: Drivers, lanes: np.ndarray, open_share: np.ndarray) -> np.ndarray:
    """Planning capacity o x cap of `lanes` per sample and period, [S, n, T] or [1, n, T] when no sample differs (S4.7).

    `open_share[n, T]` is each lane's open share under the trade rules in force; a closed lane
    plans nothing, even when its capacity is unlimited."""
    T = drv.horizon
    pos = np.full(len(drv.lanes), -1)
    pos[lanes] = np.arange(len(lanes))
    cap = np.broadcast_to(drv.base_lane_capacity[lanes][None, :, None], (1, len(lanes), T)).copy()
    effs = [(e, pos[e.index]) for e in drv.effects if e.target == "lane_capacity" and (pos[e.index] >= 0).any()]
    for op in ("add", "mul"):  # (base + additions) x factors, as Drivers.lane_capacity_at
        for e, j in effs:
            if e.op != op:
                continue
            if cap.shape[0] == 1 and drv.samples > 1:
                cap = np.repeat(cap, drv.samples, axis=0)
            keep = j >= 0
            v = e.per_entity(slice(None))[:, keep]  # [S, k, T]
            if op == "add":
                cap[:, j[keep]] += v
            else:
                cap[:, j[keep]] *= v
    if cap.shape[0] > 1 and (cap == cap[:1]).all():
        cap = cap[:1].copy()
    o = np.broadcast_to(open_share[None], cap.shape)
    out = np.zeros(cap.shape)
    np.multiply(o, cap, out=out, where=o > 0)  # not 0 x inf
    return out


def candidate_take(left: np.ndarray, cap: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """What each opened candidate lane plans of the requirement `left[S, n, T]` (by due period), given its
    planning capacity `cap[S | 1, n, T]` by shipping period (S4.7).

    Due in t, it ships in t - lead: min(left, cap[t - lead]). Everything due in periods 0..lead
    ships in period 0 (S4.5) and shares cap[0], the earliest due first."""
    out = np.empty(np.broadcast_shapes(left.shape, cap.shape))
    T = left.shape[-1]
    for kv in np.unique(lead):
        sel = np.flatnonzero(lead == kv)
        k = int(kv)
        r, c = left[:, sel], cap[:, sel]
        if k + 1 < T:
            out[:, sel, k + 1:] = np.minimum(r[..., k + 1:], c[..., 1 : T - k])  # due in t ships in t - k >= 1
        m = min(k + 1, T)
        head = r[..., :m]
        before = np.concatenate([np.zeros((*head.shape[:-1], 1)), np.cumsum(head[..., : m - 1], axis=-1)], axis=-1)
        out[:, sel, :m] = np.minimum(head, np.maximum(0.0, c[..., :1] - before))
    return out
