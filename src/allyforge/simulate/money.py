"""Unit costs in the base currency per period and who pays them (docs/simulation.md S11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from allyforge.network import Network
    from allyforge.scenario import Drivers
    from allyforge.simulate.compiled import Compiled

CATEGORIES = ("holding", "transport", "production", "backorder", "investment")


@dataclass
class CostModel:
    parties: list[str]  # last entry "(none)" collects costs without a party
    holding: np.ndarray  # [N, T] per unit per period, base currency
    node_party: np.ndarray  # [N]
    lane_unit: np.ndarray  # [L, T]
    lane_party: np.ndarray
    run_unit: np.ndarray  # [P, T]
    proc_party: np.ndarray
    back_unit: np.ndarray  # [D, T]
    dem_party: np.ndarray
    invest: np.ndarray  # [S_all, Q, T] one-time costs, base currency


def _party_index(values: pd.Series | np.ndarray | list, parties: list[str]) -> np.ndarray:
    none = len(parties) - 1
    return np.array([parties.index(v) if isinstance(v, str) and v in parties else none for v in values], np.int64)


def cost_model(net: Network, drv: Drivers, c: Compiled) -> CostModel:
    T = drv.horizon
    fys = net.base_fiscal_years(drv.periods)
    parties = [*map(str, net.table("parties").index), "(none)"]

    def per_period(amount: np.ndarray, currencies: list) -> np.ndarray:
        return net.in_base(amount, currencies, fys)

    sites = net.table("sites")
    lanes = net.table("lanes")
    procs = net.table("processes")
    node_site = c.nodes.get_level_values("site")
    node_party = _party_index(sites["party"].reindex(node_site).tolist(), parties)
    holding = per_period(c.holding, c.node_currency)
    lane_unit = per_period(lanes["cost_per_unit"].to_numpy(float), list(lanes["currency"]))
    run_unit = per_period(procs["cost_per_run"].to_numpy(float), list(procs["currency"]))
    back_unit = drv.backorder_cost * per_period(np.ones(len(drv.demands)), list(drv.demands["currency"]))
    invest = np.zeros((drv.samples, len(parties), T))
    for inv in drv.investments:
        q = parties.index(inv.party) if inv.party in parties else len(parties) - 1
        invest[:, q, inv.period] += inv.occurs * inv.cost * net.to_base(inv.currency, fys)[inv.period]
    return CostModel(
        parties=parties, holding=holding, node_party=node_party,
        lane_unit=lane_unit, lane_party=_party_index(list(lanes["cost_party"]), parties),
        run_unit=run_unit, proc_party=_party_index(list(procs["cost_party"]), parties),
        back_unit=back_unit, dem_party=_party_index(list(drv.demands["party"]), parties), invest=invest,
    )


def party_currency_table(net: Network, periods: tuple[str, ...], parties: list[str], base_costs: np.ndarray) -> pd.DataFrame:
    """Costs [Q, categories, T] in base currency -> rows (party, fiscal_year, currency, category, amount) in each party's currency."""
    ptab = net.table("parties")
    fys = net.base_fiscal_years(periods)
    rows = []
    for q, party in enumerate(parties):
        if party in ptab.index:
            cur = net.currency_or_base(ptab.loc[party, "currency"])
            pfy = np.array([net.fiscal_year_of(party, p) for p in periods])
            factor = 1.0 / net.to_base(cur, fys)
        else:
            cur, pfy, factor = net.base_currency, np.array([int(p[:4]) for p in periods]), np.ones(len(periods))
        for k, cat in enumerate(CATEGORIES):
            amt = base_costs[q, k] * factor
            for fy in np.unique(pfy):
                v = float(amt[pfy == fy].sum())
                if v:
                    rows.append({"party": party, "fiscal_year": int(fy), "currency": cur, "category": cat, "amount": v})
    return pd.DataFrame(rows, columns=["party", "fiscal_year", "currency", "category", "amount"])
