"""Test doubles of an engine for the API's job machinery (not a simulator: draws made-up deliveries).

`simulate` returns per-sample, per-period deliveries for each program's dated demand,
delivered = required x U(0.5, 1) from the scenario's seed; `slow` reports progress for
a long while so tests can watch and cancel it; `crash` fails; `slow_risk` computes the
real risk report, then holds it (reporting progress) for a long while before returning it,
so a test can kill a risk job whose result exists but is not yet stored.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd


def simulate(network, scenario, progress=None) -> dict[str, pd.DataFrame]:
    progs = network.table("programs").reset_index()
    dem = network.table("demands").reset_index()
    rows = []
    for s in range(scenario.samples):
        rng = np.random.default_rng([scenario.seed, s])
        for _, p in progs.iterrows():
            d = dem[dem["item"].eq(p["item"]) & dem["party"].eq(p["party"])]
            for _, r in d.iterrows():
                rows.append((s, r["period"], p["id"], p["party"], float(r["quantity"]), float(r["quantity"]) * rng.uniform(0.5, 1.0)))
        if progress:
            progress((s + 1) / scenario.samples)
    return {"deliveries": pd.DataFrame(rows, columns=["sample", "period", "program", "party", "required", "delivered"]),
            "binding": pd.DataFrame({"period": ["2026-03"], "program": ["missile-jp"], "constraint": ["lane ore-cn-jp banned"], "node": ["jp-refinery"]})}


def slow(network, scenario, progress=None):
    for k in range(600):
        time.sleep(0.1)
        if progress:
            progress(k / 600)
    return simulate(network, scenario)


def crash(network, scenario, progress=None):
    raise RuntimeError("synthetic engine failure")


def slow_risk(network, scenario=None, progress=None, **options):
    from allyforge.api.risk_runs import run

    rep = run(network, scenario, **options)
    for k in range(600):
        time.sleep(0.1)
        if progress:
            progress(0.5 + k / 1200, "holding the risk report")
    return rep
