"""The scheduler's tables, read from a Network and checked beyond the generic validator.

The maintenance tables live on a day grid of their own (dates, not pack periods).
`MaintenanceData` holds them as plain frames (one column per field, dates as
`datetime.date`) so the model, the independent checker and the what-if edits all
read the same thing. Problems the generic validator cannot see (a package that
needs a dock kind no yard has, a precedence cycle, an availability longer than the
horizon) raise the spine's PackError naming file, row and column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import networkx as nx
import pandas as pd

from allyforge.network import Network
from allyforge.pack.errors import PackError, Problem
from allyforge.schema import schema

def given(v: object) -> bool:
    """A cell that holds a value (not None, NaN or NaT)."""
    if v is None or isinstance(v, (tuple, list)):
        return v is not None
    return not pd.isna(v)


TABLES = ("yards", "yard_closures", "docks", "assets", "availabilities", "work_packages")
DOCK_KINDS = schema()["docks"].column("kind").enum_values


@dataclass(frozen=True)
class MaintenanceData:
    yards: pd.DataFrame
    yard_closures: pd.DataFrame
    docks: pd.DataFrame
    assets: pd.DataFrame
    availabilities: pd.DataFrame
    work_packages: pd.DataFrame
    countries: dict[str, str]  # site id -> country
    files: dict[str, str]  # table -> file label for messages

    # --- what-if edits (each returns a new object) -------------------------------------
    def with_dock(self, id: str, yard: str, kind: str, size_class: int = 1) -> MaintenanceData:
        if id in set(self.docks["id"]):
            raise ValueError(f"dock {id!r} already exists")
        if yard not in set(self.yards["id"]):
            raise ValueError(f"unknown yard {yard!r}")
        if kind not in DOCK_KINDS:
            raise ValueError(f"unknown dock kind {kind!r}: one of {', '.join(DOCK_KINDS)}")
        if int(size_class) < 1:
            raise ValueError(f"size class must be positive, not {size_class}")
        row = {"id": id, "yard": yard, "kind": kind, "size_class": int(size_class), "name": id, "source": (), "_row": None}
        return replace(self, docks=pd.concat([self.docks, pd.DataFrame([row])], ignore_index=True))

    def without_dock(self, id: str) -> MaintenanceData:
        if id not in set(self.docks["id"]):
            raise ValueError(f"unknown dock {id!r}")
        return replace(self, docks=self.docks[self.docks["id"] != id].reset_index(drop=True))

    def with_workforce(self, yard: str, workforce: int) -> MaintenanceData:
        if yard not in set(self.yards["id"]):
            raise ValueError(f"unknown yard {yard!r}")
        if workforce < 0:
            raise ValueError("workforce must not be negative")
        y = self.yards.copy()
        y.loc[y["id"] == yard, "workforce"] = int(workforce)
        return replace(self, yards=y)

    def shift_workforce(self, from_yard: str, to_yard: str, workers: int) -> MaintenanceData:
        """Move workers per day from one yard to another (a loan of crews)."""
        w = dict(zip(self.yards["id"], self.yards["workforce"]))
        if from_yard not in w or to_yard not in w:
            raise ValueError(f"unknown yard {from_yard if from_yard not in w else to_yard!r}")
        if workers > w[from_yard]:
            raise ValueError(f"{from_yard} has only {w[from_yard]} workers per day")
        return self.with_workforce(from_yard, w[from_yard] - workers).with_workforce(to_yard, w[to_yard] + workers)

    def country_of_yard(self, yard: str) -> str:
        site = self.yards.loc[self.yards["id"] == yard, "site"].iloc[0]
        return self.countries.get(site, "")


def _frame(net: Network, name: str) -> pd.DataFrame:
    df = net.table(name).reset_index()
    rows = net._rows[name].to_numpy() if len(df) else []  # row numbers for messages
    df["_row"] = list(rows)
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            df[c] = [None if pd.isna(v) else v.date() for v in df[c]]
    return df


def from_network(net: Network) -> MaintenanceData:
    """The maintenance tables of a pack, checked; PackError lists every problem at once."""
    frames = {n: _frame(net, n) for n in TABLES}
    sites = net.table("sites")
    data = MaintenanceData(
        **frames,
        countries=dict(zip(sites.index, sites["country"])),
        files={n: net.file_of(n) for n in TABLES},
    )
    problems = check_data(data)
    if problems:
        raise PackError(problems, net.name)
    return data


def check_data(d: MaintenanceData) -> list[Problem]:
    """Rules of the maintenance tables that the generic validator cannot know."""
    out: list[Problem] = []
    f = d.files
    wp, av, assets = d.work_packages, d.availabilities, d.assets
    for _, r in d.yard_closures.iterrows():
        if r["start"] is not None and r["end"] is not None and r["end"] < r["start"]:
            out.append(Problem(f["yard_closures"], r["_row"], "end", f"end {r['end']} precedes start {r['start']}"))
    for _, r in av.iterrows():
        if r["release"] is not None and r["due"] is not None and r["due"] < r["release"]:
            out.append(Problem(f["availabilities"], r["_row"], "due", f"due {r['due']} precedes release {r['release']}"))
    has_pkg = set(wp["availability"])
    for _, r in av[~av["id"].isin(has_pkg)].iterrows():
        out.append(Problem(f["availabilities"], r["_row"], "id", f"availability {r['id']!r} has no work packages"))
    ships = assets[assets["kind"].eq("ship")]
    for _, r in ships[ships["homeport_country"].isna()].iterrows():
        out.append(Problem(f["assets"], r["_row"], "homeport_country", "a ship needs its homeport country (the vessel statute depends on it)"))
    # precedence inside an availability: known packages, no cycles
    for a, grp in wp.groupby("availability", sort=False):
        ids = set(grp["id"])
        g = nx.DiGraph()
        g.add_nodes_from(ids)
        for _, r in grp.iterrows():
            for p in r["after"]:
                if p not in ids:
                    out.append(Problem(f["work_packages"], r["_row"], "after", f"unknown package {p!r} in availability {a!r}"))
                else:
                    g.add_edge(p, r["id"])
        if not nx.is_directed_acyclic_graph(g):
            cyc = [u for u, _ in nx.find_cycle(g)]
            row = int(grp.loc[grp["id"].isin(cyc), "_row"].min())
            out.append(Problem(f["work_packages"], row, "after", f"precedence cycle in availability {a!r}: {' -> '.join(cyc + cyc[:1])}"))
    # a package must be doable somewhere: a dock of its kind and size, and enough workers
    size = dict(zip(assets["id"], assets["size_class"]))
    kind_of = dict(zip(assets["id"], assets["kind"]))
    asset_of = dict(zip(av["id"], av["asset"]))
    serves = {y: set(s) for y, s in zip(d.yards["id"], d.yards["serves"])}
    allowed = dict(zip(av["id"], av["yards"]))
    workforce = dict(zip(d.yards["id"], d.yards["workforce"]))
    for _, r in wp.iterrows():
        a = r["availability"]
        if a not in asset_of:
            continue
        asset = asset_of[a]
        cand = [y for y in d.yards["id"] if kind_of.get(asset) in serves[y] and (not allowed[a] or y in allowed[a])]
        if not cand:
            what = f"yards {', '.join(allowed[a])}" if allowed[a] else "any yard"
            out.append(Problem(f["availabilities"], av.loc[av["id"] == a, "_row"].iloc[0], "yards", f"availability {a!r}: no candidate yard serves {kind_of.get(asset)}s ({what})"))
            continue
        if given(r["needs"]):
            docks = d.docks[d.docks["yard"].isin(cand) & d.docks["kind"].eq(r["needs"]) & (d.docks["size_class"] >= size.get(asset, 1))]
            if docks.empty:
                out.append(Problem(f["work_packages"], r["_row"], "needs", f"package {a}/{r['id']} needs a {r['needs']} of size class >= {size.get(asset, 1)}, which none of its candidate yards ({', '.join(cand)}) has"))
        wmax = max(workforce[y] for y in cand)
        if r["workforce"] > wmax:
            out.append(Problem(f["work_packages"], r["_row"], "workforce", f"package {a}/{r['id']} needs {r['workforce']} workers per day; the largest candidate yard has {wmax}"))
    return sorted(set(out), key=lambda p: (p.file, p.row or 0, p.column or "", p.message))


def critical_path_days(d: MaintenanceData) -> dict[str, int]:
    """Shortest possible span of each availability: the longest precedence chain."""
    out: dict[str, int] = {}
    for a, grp in d.work_packages.groupby("availability", sort=False):
        dur = dict(zip(grp["id"], grp["duration"]))
        g = nx.DiGraph()
        g.add_nodes_from(dur)
        g.add_edges_from((p, q) for q, after in zip(grp["id"], grp["after"]) for p in after if p in dur)
        finish: dict[str, int] = {}
        for n in nx.topological_sort(g):
            finish[n] = max((finish[p] for p in g.predecessors(n)), default=0) + int(dur[n])
        out[a] = max(finish.values(), default=0)
    return out


def planned_days(d: MaintenanceData) -> dict[str, int]:
    """Days each availability is scheduled to last: planned_days, else its critical path."""
    cp = critical_path_days(d)
    out = {}
    for a, p in zip(d.availabilities["id"], d.availabilities["planned_days"]):
        out[a] = int(p) if given(p) else cp.get(a, 0)
    return out


def to_day(day: dt.date, origin: dt.date) -> int:
    return (day - origin).days
