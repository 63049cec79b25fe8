"""Constraint families written into linopy's CSR form: the matrix equals one written out by hand."""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from allyforge.optimize.rows import Terms, add_rows


def _model():
    m = linopy.Model()
    S, E, T = pd.Index([0, 1], name="sample"), pd.Index(["a", "b"], name="entity"), pd.Index(["t0", "t1", "t2"], name="period")
    x = m.add_variables(lower=xr.DataArray(np.zeros((2, 2, 3)), coords=[S, E, T]), name="x")
    y = m.add_variables(lower=xr.DataArray(np.zeros(1), coords=[pd.Index(["k"], name="option")]), name="y")
    return m, [S, E, T], x.labels.to_numpy(), y.labels.to_numpy()


def test_matrix_as_written_by_hand() -> None:
    m, grid, x, y = _model()
    # row (s, e, t): x[s, e, t] - 0.5 x[s, e, t-1] (lag 1) + 2 x[s, other e, t] - 3 y (entity b, t >= 1 only) <= rhs
    rhs = np.arange(12, dtype=float).reshape(2, 2, 3)
    coef_y = np.array([[[0.0, 3.0, 3.0]]])
    terms = [Terms(x, np.arange(2)), Terms(x, np.arange(2), -0.5, 1), Terms(x[:, ::-1], np.arange(2), 2.0),
             Terms(y[None, :, None], np.array([1]), -coef_y)]
    add_rows(m, "Fam", grid, terms, "<=", rhs)
    M = m.matrices
    A = M.A.toarray()
    col = {int(v): j for j, v in enumerate(M.vlabels)}
    want = np.zeros((12, len(M.vlabels)))
    r = 0
    for s in range(2):
        for e in range(2):
            for t in range(3):
                want[r, col[x[s, e, t]]] += 1
                if t:
                    want[r, col[x[s, e, t - 1]]] += -0.5
                want[r, col[x[s, 1 - e, t]]] += 2
                if e == 1 and t:
                    want[r, col[y[0]]] += -3
                r += 1
    order = np.argsort(np.asarray(M.clabels))
    np.testing.assert_array_equal(A[order], want)
    np.testing.assert_array_equal(np.asarray(M.b)[order], rhs.ravel())
    assert set(M.sense) == {"<"}
    name, coords = m.constraints.get_label_position(int(np.asarray(M.clabels)[order][7]))
    assert name == "Fam" and (coords["sample"], coords["entity"], coords["period"]) == (1, "a", "t1")


def test_active_rows_and_duplicates() -> None:
    m, grid, x, _ = _model()
    active = np.zeros((2, 2, 3), bool)
    active[1, 0, 2] = active[0, 1, 0] = True
    # the same variable twice in a row adds up
    add_rows(m, "Fam", grid, [Terms(x, np.arange(2)), Terms(x, np.arange(2), 2.5)], "=", 7.0, active=active)
    M = m.matrices
    assert M.A.shape[0] == 2
    assert sorted(M.A.toarray().sum(axis=1)) == [3.5, 3.5]
    labels = sorted(m.constraints.get_label_position(int(c))[1]["period"] for c in M.clabels)
    assert labels == ["t0", "t2"]


def test_rows_outside_the_family_or_missing_rhs_raise() -> None:
    m, grid, x, _ = _model()
    with pytest.raises(ValueError, match="outside"):
        add_rows(m, "Bad", grid, [Terms(x, np.array([0, 2]))], "<=", 0.0)
    with pytest.raises(ValueError, match="right-hand side"):
        add_rows(m, "Nan", grid, [Terms(x, np.arange(2))], "=", np.nan)
