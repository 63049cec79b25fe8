"""Material flow from producing country to program, for the pack explorer's Sankey.

For each program we explode its bill of materials down to every mineral and material
(quantity per end item, averaged over the program's own lines), multiply by what the
program's party demands over the horizon, and split each material's quantity over the
countries that produce it in proportion to their annual output (or, lacking that,
their capacity). Values are in each material's own unit.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from allyforge.network import Network

RAW_KINDS = ("mineral", "material")


def _makers(net: Network, item: str, party: str | None) -> list[str]:
    outs = net.table("process_outputs").reset_index()
    procs = net.table("processes")
    active = procs[procs["status"].eq("active")] if "status" in procs else procs
    makers = [p for p in outs.loc[outs["item"].eq(item), "process"] if p in active.index]
    if party:
        sites = net.table("sites")
        own = [p for p in makers if sites.loc[procs.loc[p, "site"], "party"] == party]
        makers = own or makers
    return makers


def per_unit(net: Network, item: str, party: str | None = None, _seen: frozenset = frozenset()) -> dict[str, float]:
    """Raw (mineral/material) quantity per unit of `item`, through every tier below it."""
    items = net.table("items")
    ins = net.table("process_inputs").reset_index()
    outs = net.table("process_outputs")
    procs = net.table("processes")
    makers = _makers(net, item, party)
    if not makers or item in _seen:
        return {}
    total: dict[str, float] = defaultdict(float)
    for p in makers:
        out_qty = float(outs.loc[(p, item), "quantity"])
        y = procs.loc[p, "yield"] if "yield" in procs else 1.0
        y = float(y) if pd.notna(y) and y > 0 else 1.0
        for _, r in ins[ins["process"].eq(p)].iterrows():
            q = float(r["quantity"]) / out_qty / y / len(makers)
            if items.loc[r["item"], "kind"] in RAW_KINDS:
                total[r["item"]] += q
            for sub, sq in per_unit(net, r["item"], None, _seen | {item}).items():
                total[sub] += q * sq
    return dict(total)


def country_shares(net: Network, item: str) -> dict[str, float]:
    procs = net.table("processes")
    sites = net.table("sites")
    makers = _makers(net, item, None)
    w: dict[str, float] = defaultdict(float)
    for p in makers:
        ao = procs.loc[p, "annual_output"] if "annual_output" in procs else None
        w[sites.loc[procs.loc[p, "site"], "country"]] += float(ao) if ao is not None and pd.notna(ao) else float(procs.loc[p, "capacity"])
    s = sum(w.values())
    return {c: v / s for c, v in w.items()} if s > 0 else {}


def material_flows(net: Network) -> pd.DataFrame:
    """source, target, value, unit: country → material and material → program links."""
    items = net.table("items")
    progs = net.table("programs").reset_index()
    dem = net.table("demands").reset_index()
    rows = []
    need: dict[str, float] = defaultdict(float)
    for _, p in progs.iterrows():
        qty = dem[dem["item"].eq(p["item"]) & dem["party"].eq(p["party"])]["quantity"].sum() or 1.0
        label = p["name"] if isinstance(p["name"], str) and p["name"] else f"{p['id']}"
        for m, q in per_unit(net, p["item"], p["party"]).items():
            rows.append((items.loc[m, "name"], label, q * qty, items.loc[m, "unit"]))
            need[m] += q * qty
    for m, q in need.items():
        for c, s in country_shares(net, m).items():
            rows.append((c, items.loc[m, "name"], q * s, items.loc[m, "unit"]))
    df = pd.DataFrame(rows, columns=["source", "target", "value", "unit"])
    return df[df["value"] > 0].reset_index(drop=True)
