"""PeriodInputs (simulate/period_inputs.py) gives the engine exactly the scenario layer's numbers
(Drivers.capacity_at, lane_open_at, lane_capacity_at, demand_at), entity-major and in the
engine's internal order, for a scenario with every event type."""

from __future__ import annotations

import numpy as np

from allyforge.scenario import resolve
from allyforge.simulate.compiled import compile_network
from allyforge.simulate.layout import build_layout
from allyforge.simulate.period_inputs import PeriodInputs


def test_same_values_as_the_drivers(stockpile_scenario_pack):
    net, sc = stockpile_scenario_pack
    drv = resolve(net, sc)
    lay = build_layout(compile_network(net, drv))
    pin = PeriodInputs(drv, lay.lane, lay.proc)
    S = drv.samples
    for t in range(drv.horizon):
        for got, want in ((pin.capacity(t), drv.capacity_at(t)[:, lay.proc]), (pin.lane_open(t), drv.lane_open_at(t)[:, lay.lane]),
                          (pin.lane_capacity(t), drv.lane_capacity_at(t)[:, lay.lane]), (pin.demand(t), drv.demand_at(t))):
            np.testing.assert_array_equal(np.broadcast_to(got, (got.shape[0], S)), want.T)


def test_untouched_quantities_are_one_column(tiny):
    from allyforge.scenario import parse_scenario

    drv = resolve(tiny, parse_scenario("name: a\nsamples: 5\n"))
    lay = build_layout(compile_network(tiny, drv))
    pin = PeriodInputs(drv, lay.lane, lay.proc)
    assert pin.capacity(0).shape == (lay.P, 1) and pin.demand(0).shape == (lay.D, 1)
    assert not pin.varies("capacity") and pin.outage(0) is None
