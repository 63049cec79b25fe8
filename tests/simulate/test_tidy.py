"""Tidy tables (simulate/tidy.py): the Arrow tables the store writes hold the same rows as the
pandas frames users get, and survive the store's Parquet round trip as plain strings; the
per-program deliveries summed from the arrays equal the pandas groupby over the demand frame
(store/adapters.py, an independent implementation)."""

from __future__ import annotations

import pandas as pd
import pytest

import allyforge
from allyforge.scenario import parse_scenario
from allyforge.store import adapters
from allyforge.store.store import Store

NOISY = "name: noisy\nseed: 5\nevents:\n  - {type: demand_noise, items: [missile], noise: {normal: [0, 2]}}\n"


@pytest.mark.parametrize("threshold", [10**12, 10])
def test_arrow_tables_equal_the_frames_and_round_trip(tiny, tmp_path, threshold):
    r = allyforge.simulate(tiny, parse_scenario(NOISY), samples=4, stream_threshold=threshold)
    for kind in ("demand", "node", "process", "lane", "costs"):
        frame = r.to_frame(kind)
        table = r.to_arrow(kind)
        assert table.column_names == list(frame.columns)
        path = tmp_path / f"{kind}-{threshold}.parquet"
        Store._write_table(path, table)
        back = pd.read_parquet(path)
        pd.testing.assert_frame_equal(back, frame)


def test_deliveries_equal_the_groupby_over_the_demand_frame(tiny):
    r = allyforge.simulate(tiny, parse_scenario(NOISY), samples=5)
    want = adapters.deliveries(r.to_frame("demand"), tiny)
    got = r.deliveries()
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_exact=False, rtol=1e-12, atol=1e-12)
