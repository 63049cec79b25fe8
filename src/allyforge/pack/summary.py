"""What a pack holds, as small tidy frames: the content of `allyforge show`."""

from __future__ import annotations

import pandas as pd

from allyforge.network import Network

TIER_OF_KIND = {"mineral": 1, "material": 2, "component": 3, "end_item": 4}


def programs(net: Network) -> pd.DataFrame:
    progs = net.table("programs").reset_index()
    outs = net.table("process_outputs").reset_index()
    procs = net.table("processes")
    sites = net.table("sites")
    cap = net.capacity_array()
    rows = []
    for _, p in progs.iterrows():
        makers = outs[outs["item"].eq(p["item"])]["process"]
        own = [m for m in makers if sites.loc[procs.loc[m, "site"], "party"] == p["party"]]
        makers = own or list(makers)
        active = [m for m in makers if m in cap.coords["process"].values]
        site_names = sorted({f"{sites.loc[procs.loc[m, 'site'], 'name']} ({sites.loc[procs.loc[m, 'site'], 'country']})" for m in makers})
        first, last = (float(cap.sel(process=active).isel(period=0).sum()), float(cap.sel(process=active).isel(period=-1).sum())) if active else (0.0, 0.0)
        rows.append({"program": p["id"], "name": p["name"] or p["item"], "party": p["party"], "item": p["item"], "final assembly": "; ".join(site_names), f"capacity {net.periods[0]}": first, f"capacity {net.periods[-1]}": last})
    return pd.DataFrame(rows)


def tiers(net: Network) -> pd.DataFrame:
    items = net.table("items")
    outs = net.table("process_outputs").reset_index().merge(net.table("processes")[["site"]], left_on="process", right_index=True)
    outs["tier"] = outs["item"].map(items["kind"]).map(TIER_OF_KIND)
    site_tier = outs.groupby("site")["tier"].max()
    sites = net.table("sites")
    sites["tier"] = site_tier.reindex(sites.index)
    g = sites.groupby(["tier", "kind"], dropna=False).agg(sites=("name", "size"), countries=("country", lambda s: ", ".join(sorted(set(s))))).reset_index()
    names = {1: "1 mine", 2: "2 refining/material", 3: "3 component", 4: "4 final assembly"}
    g["tier"] = g["tier"].map(lambda t: names.get(t, "- no production") if pd.notna(t) else "- no production")
    return g.sort_values(["tier", "kind"]).reset_index(drop=True)


def countries(net: Network) -> pd.DataFrame:
    s = net.table("sites")
    return s.groupby("country").agg(sites=("name", "size"), kinds=("kind", lambda k: ", ".join(sorted(set(k))))).reset_index().sort_values("sites", ascending=False)


def materials(net: Network) -> pd.DataFrame:
    """Each mineral/material's production by country from annual_output, with the top share."""
    items = net.table("items")
    outs = net.table("process_outputs").reset_index()
    procs = net.table("processes")
    sites = net.table("sites")
    df = outs.merge(procs[["site", "annual_output"]], left_on="process", right_index=True)
    df["country"] = df["site"].map(sites["country"])
    df = df[df["item"].map(items["kind"]).isin(["mineral", "material"]) & df["annual_output"].notna()]
    rows = []
    for item, g in df.groupby("item"):
        by = g.groupby("country")["annual_output"].sum().sort_values(ascending=False)
        total = by.sum()
        top = ", ".join(f"{c} {v / total:.0%}" for c, v in by.head(3).items()) if total > 0 else ""
        rows.append({"item": item, "name": items.loc[item, "name"], "unit": items.loc[item, "unit"], "groups": "; ".join(items.loc[item, "groups"]), "annual output": total, "top producers": top})
    return pd.DataFrame(rows)


def rules(net: Network) -> pd.DataFrame:
    tr = net.table("trade_rules").reset_index()
    tr["window"] = [f"{s.date()} .. {e.date() if pd.notna(e) else 'open'}" for s, e in zip(tr["start"], tr["end"])]
    tr["items"] = tr["items"].map(lambda t: "; ".join(t))
    return tr[["id", "origin_country", "destination_country", "items", "end_use", "effect", "fraction", "delay", "window"]]


def budgets(net: Network) -> pd.DataFrame:
    return net.table("budgets").reset_index()[["party", "fiscal_year", "purpose", "amount", "currency"]]
