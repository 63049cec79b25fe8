"""Planned sourcing split over a destination's lanes, knowing the trade rules in force (S4.4).

A planner knows the rules already in force (the pack's, resolved for the scenario) and
orders around them; the scenario's events are surprises, met by spill (S5.3). The
split is static when no rule touches a destination's lanes.
"""

from __future__ import annotations

import numpy as np


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
