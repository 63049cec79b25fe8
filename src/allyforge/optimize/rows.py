"""Constraint families assembled straight into linopy's sparse (CSR) constraint form.

Each planning constraint family is a sum of term groups over a (sample, entity, period)
grid: "coefficient x variable of entity e at period t - lag, written into row (s, row_e, t)".
Writing those triplets directly into a `linopy.constraints.CSRConstraint` (linopy's frozen,
CSR-backed constraint, added with `Model.add_constraints(..., freeze=True)`) keeps linopy's
labels, names and matrix export while skipping the xarray alignment of expression
arithmetic, which dominated the build (docs/optimize.md, Benchmarks). This is the one place
that touches linopy's CSR classes (linopy >= 0.10.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import linopy
import numpy as np
import pandas as pd
import scipy.sparse as sp
from linopy.constraints import CSRConstraint
from linopy.csr import Grid


@dataclass(frozen=True)
class Terms:
    """coef x var[s, e, t - lag_e] added to row (s, rows[e], t), for every entity e.

    `labels` are linopy variable labels broadcastable to [S, E, T] (-1: no variable);
    `coef` is broadcastable to [S, E, T] and indexed by the variable's own period;
    `lag` is one integer per entity (or one for all). Source periods before the horizon
    contribute nothing.
    """

    labels: np.ndarray
    rows: np.ndarray
    coef: np.ndarray | float = 1.0
    lag: np.ndarray | int = 0


def _triplets(terms: Sequence[Terms], shape: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat row of the (sample, entity, period) grid, variable label, coefficient) per term."""
    S, N, T = shape
    flat, cols, vals = [], [], []
    t = np.arange(T)
    for g in terms:
        rows = np.asarray(g.rows, dtype=np.int64)
        E = len(rows)
        if not E:
            continue
        if ((rows < 0) | (rows >= N)).any():
            raise ValueError("a term names a row outside the constraint family")
        lab = np.broadcast_to(np.asarray(g.labels), (S, E, T))
        coef = np.broadcast_to(np.asarray(g.coef, dtype=float), (S, E, T))
        lag = np.broadcast_to(np.asarray(g.lag, dtype=np.int64), (E,))
        src = t[None, :] - lag[:, None]  # [E, T] the variable's period
        ok = (src >= 0) & (src < T)
        e_idx, t_row = np.nonzero(ok)
        t_src = src[e_idx, t_row]
        L = lab[:, e_idx, t_src]  # [S, n]
        C = coef[:, e_idx, t_src]
        R = (np.arange(S)[:, None] * N + rows[e_idx][None, :]) * T + t_row[None, :]
        keep = (L >= 0) & (C != 0)
        flat.append(R[keep])
        cols.append(L[keep])
        vals.append(C[keep])
    if not flat:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(flat), np.concatenate(cols), np.concatenate(vals)


def add_rows(
    model: linopy.Model,
    name: str,
    coords: Sequence[pd.Index],
    terms: Sequence[Terms],
    sign: str,
    rhs: np.ndarray | float,
    active: np.ndarray | None = None,
) -> CSRConstraint:
    """Add `sum(terms) sign rhs` over the grid `coords` (sample, entity, period) as one named
    family; rows where `active` is False are left out. Duplicate (row, variable) terms add up."""
    shape = tuple(len(c) for c in coords)
    assert len(shape) == 3, "families live on (sample, entity, period) grids"
    n = int(np.prod(shape))
    rhs_flat = np.broadcast_to(np.asarray(rhs, dtype=float), shape).reshape(-1)
    row, col, val = _triplets(terms, shape)  # type: ignore[arg-type]
    if active is None:
        positions = np.arange(n)
    else:
        keep = np.broadcast_to(np.asarray(active, bool), shape).reshape(-1)
        positions = np.flatnonzero(keep)
        compact = np.cumsum(keep) - 1
        sel = keep[row]
        row, col, val = compact[row[sel]], col[sel], val[sel]
        rhs_flat = rhs_flat[positions]
    if np.isnan(rhs_flat).any() or (np.isinf(rhs_flat) & (sign == "=")).any():
        raise ValueError(f"constraint family {name} has a missing or infinite right-hand side")
    csr = sp.csr_array((val, (row, col)), shape=(len(positions), model.shape[1]))  # columns: every variable label so far
    csr.sum_duplicates()
    con = CSRConstraint(csr, positions, np.ascontiguousarray(rhs_flat), sign, Grid.from_coords(coords), model)
    return model.add_constraints(con, name=name, freeze=True)
