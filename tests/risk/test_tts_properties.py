"""Properties of TTS and PI on random small networks (tts_cases.md, 'Properties that must hold').

TTS is non-decreasing in any stock or capacity; PI(TTR) is piecewise linear,
convex and non-decreasing in TTR; PI = 0 when TTR ≤ TTS.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allyforge.risk.graph import node_table
from allyforge.risk.tts import performance_impact, pi_function, survive_time

from .random_nets import random_graph

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)


def pick(g, k: int) -> list[str]:
    nodes = node_table(g)
    return list(nodes["processes"].iloc[k % len(nodes)])


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(0, 50), j=st.integers(0, 50), extra=st.floats(0.5, 50))
def test_tts_non_decreasing_in_stock(seed: int, k: int, j: int, extra: float) -> None:
    g = random_graph(seed, layers=3, width=4)
    down = pick(g, k)
    base = survive_time(g, down)
    # add stock of some item at some site that touches it
    touch = g.outputs.assign(site=g.outputs["process"].map(g.processes["site"]))[["site", "item"]]
    site, item = touch.iloc[j % len(touch)]
    more = replace(g, stocks=pd.concat([g.stocks, pd.DataFrame([{"site": site, "item": item, "initial": extra}])], ignore_index=True))
    assert survive_time(more, down) >= base - 1e-9


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(0, 50), j=st.integers(0, 50), factor=st.floats(1.0, 5.0))
def test_tts_non_decreasing_in_capacity(seed: int, k: int, j: int, factor: float) -> None:
    g = random_graph(seed, layers=3, width=4)
    down = pick(g, k)
    base = survive_time(g, down)
    procs = g.processes.copy()
    procs.iloc[j % len(procs), procs.columns.get_loc("capacity")] *= factor
    assert survive_time(replace(g, processes=procs), down) >= base - 1e-9


def chords(f, a: float, b: float) -> bool:
    """True when f is linear on [a, b] (the midpoint lies on the chord)."""
    m = (a + b) / 2
    return abs(f(m) - (f(a) + f(b)) / 2) <= 1e-7 * max(1.0, abs(f(m)))


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(0, 50))
def test_pi_convex_non_decreasing_piecewise_linear(seed: int, k: int) -> None:
    g = random_graph(seed, layers=3, width=4)
    down = pick(g, k)
    tts = survive_time(g, down)
    cache: dict[float, float] = {}
    curve = pi_function(g, down)

    def pi(t: float) -> float:
        if t not in cache:
            cache[t] = curve(t)
        return cache[t]

    assert pi(1.5) == pytest.approx(performance_impact(g, down, 1.5), rel=1e-9, abs=1e-9)  # warm re-solve = fresh solve

    top = max(4.0, 2 * tts + 4)
    grid = np.linspace(0, top, 17)
    vals = np.array([pi(t) for t in grid])
    assert (np.diff(vals) >= -1e-7).all(), "PI decreases in TTR"
    assert (np.diff(vals, 2) >= -1e-7 * max(1.0, vals.max())).all(), "PI is not convex"
    for t in grid[grid <= tts]:
        assert pi(t) <= 1e-7, "PI > 0 while TTR ≤ TTS"
    # piecewise linear: an interval that bends, halved, bends in at most one half per kink;
    # a smooth convex curve would bend in both halves at every depth.
    bent = [(a, b) for a, b in zip(grid[:-1], grid[1:]) if not chords(pi, a, b)]
    for a, b in bent:
        leaves = [(a, b)]
        for _ in range(3):
            leaves = [h for lo, hi in leaves for h in ((lo, (lo + hi) / 2), ((lo + hi) / 2, hi)) if not chords(pi, *h)]
        assert len(leaves) <= 2, f"PI bends everywhere inside [{a}, {b}]"


@SETTINGS
@given(seed=st.integers(0, 10_000), k=st.integers(0, 50), frac=st.floats(0.0, 1.0))
def test_pi_zero_when_ttr_at_most_tts(seed: int, k: int, frac: float) -> None:
    g = random_graph(seed, layers=3, width=4)
    down = pick(g, k)
    tts = survive_time(g, down)
    assert performance_impact(g, down, tts * frac) <= 1e-7
