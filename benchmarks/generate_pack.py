"""Generate a large valid pack: N sites, processes, lanes and monthly demand (issue 2's load benchmark).

Structure: mines -> refiners -> component plants -> assembly plants -> customers, each
process with one output and 1-3 inputs from the tier above, each input sourced by
1-3 lanes whose shares sum to 1. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import yaml


def generate(out: Path, sites: int = 10_000, processes: int = 12_000, lanes: int = 30_000, periods: int = 60, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    start_year = 2026
    end = pd.Period(f"{start_year}-01", "M") + periods - 1
    (out / "pack.yaml").write_text(yaml.safe_dump({"name": "generated", "version": "0", "calendar": {"kind": "month", "start": f"{start_year}-01", "end": str(end)}, "base_currency": "USD"}))
    pd.DataFrame([{"id": "gen", "title": "generated benchmark data", "kind": "assumption"}]).to_csv(out / "sources.csv", index=False)
    pd.DataFrame([{"id": "US", "name": "US", "country": "US"}]).to_csv(out / "parties.csv", index=False)

    n_cust = max(1, sites // 20)
    n_prod_sites = sites - n_cust
    tiers = 4
    tier_of_proc = np.sort(rng.integers(0, tiers, processes))
    proc_site = rng.integers(0, n_prod_sites, processes)
    countries = np.array(["US", "JP", "CN", "AU", "DE", "KR", "CA", "MY"])
    site_ids = np.array([f"s{i}" for i in range(sites)])
    site_kind = np.where(np.arange(sites) >= n_prod_sites, "customer", "plant")
    pd.DataFrame({"id": site_ids, "name": site_ids, "country": countries[rng.integers(0, len(countries), sites)], "kind": site_kind}).to_csv(out / "sites.csv", index=False)

    proc_ids = np.array([f"p{i}" for i in range(processes)])
    item_ids = np.array([f"i{i}" for i in range(processes)])  # each process makes its own item
    kinds = np.array(["mineral", "material", "component", "end_item"])
    pd.DataFrame({"id": item_ids, "name": item_ids, "unit": "each", "kind": kinds[tier_of_proc]}).to_csv(out / "items.csv", index=False)
    pd.DataFrame({"id": proc_ids, "site": site_ids[proc_site], "capacity": rng.uniform(10, 100, processes).round(3), "source": "gen"}).to_csv(out / "processes.csv", index=False)
    pd.DataFrame({"process": proc_ids, "item": item_ids, "quantity": 1.0, "source": "gen"}).to_csv(out / "process_outputs.csv", index=False)

    # inputs: from the tier above; lanes carry each input from its maker's site to the user's site
    inputs, lane_rows = [], []
    by_tier = [np.flatnonzero(tier_of_proc == t) for t in range(tiers)]
    lane_budget = lanes
    for t in range(1, tiers):
        for p in by_tier[t]:
            k = rng.integers(1, 6)
            for src in rng.choice(by_tier[t - 1], size=min(k, len(by_tier[t - 1])), replace=False):
                inputs.append((proc_ids[p], item_ids[src], float(rng.integers(1, 4))))
                lane_rows.append((item_ids[src], site_ids[proc_site[src]], site_ids[proc_site[p]]))
    pd.DataFrame(inputs, columns=["process", "item", "quantity"]).assign(source="gen").to_csv(out / "process_inputs.csv", index=False)
    lane_df = pd.DataFrame(lane_rows, columns=["item", "origin", "destination"]).drop_duplicates()
    lane_df = lane_df[lane_df["origin"] != lane_df["destination"]]
    # end items to customers
    ends = by_tier[tiers - 1]
    cust = rng.integers(n_prod_sites, sites, len(ends))
    end_lanes = pd.DataFrame({"item": item_ids[ends], "origin": site_ids[proc_site[ends]], "destination": site_ids[cust]})
    lane_df = pd.concat([lane_df, end_lanes]).drop_duplicates(["item", "destination"]).head(lane_budget)
    lane_df.insert(0, "id", [f"l{i}" for i in range(len(lane_df))])
    lane_df["lead_time"] = rng.integers(0, 3, len(lane_df))
    lane_df["source"] = "gen"
    lane_df.to_csv(out / "lanes.csv", index=False)

    # monthly demand for every end item at its customer
    per = [str(pd.Period(f"{start_year}-01", "M") + i) for i in range(periods)]
    dem = pd.DataFrame({"site": np.repeat(site_ids[cust], periods), "item": np.repeat(item_ids[ends], periods), "party": "US", "period": np.tile(per, len(ends)), "quantity": rng.uniform(0, 5, len(ends) * periods).round(3), "source": "gen"})
    dem.to_csv(out / "demands.csv", index=False)
    pd.DataFrame({"id": [f"prog-{i}" for i in item_ids[ends]], "item": item_ids[ends], "party": "US"}).to_csv(out / "programs.csv", index=False)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--sites", type=int, default=10_000)
    ap.add_argument("--processes", type=int, default=12_000)
    ap.add_argument("--lanes", type=int, default=30_000)
    ap.add_argument("--periods", type=int, default=60)
    a = ap.parse_args(argv)
    generate(a.out, a.sites, a.processes, a.lanes, a.periods)
    print(a.out)


if __name__ == "__main__":
    main()
