"""Planning-LP build time: linopy (ours) versus Pyomo and versus scipy.sparse + highspy.passModel
(issue 6: >= 10x faster than Pyomo; <= 1.5x the time of the scipy.sparse build).

A generated layered pack (mines -> refineries -> plants -> customers, several lanes per
item, 72 monthly periods; --scale 2 gives 100,440 variables and 65,880 constraints) is
formulated three ways from the same PlanningData arrays. "Build" has the same endpoint
for all three: the constraint matrix, bounds and costs handed to a HiGHS instance, ready
to run. linopy: `PlanningBuilder(data).build()` + `Model.to_highspy()` (names, labels
and every constraint family included); scipy: COO/CSC assembly + `Highs.passModel`;
Pyomo: ConcreteModel + APPSI HiGHS `set_instance`. The inputs every side reads (the
PlanningData arrays) are computed once, untimed, before the first build. One warm-up
build per side is untimed; then the repeats are interleaved (linopy, scipy, Pyomo while
--pyomo-repeat lasts) so machine load hits every side alike. Medians are quoted, with
the ratio of medians and the median of per-round ratios. The three models are checked
to have the same size (scipy: rows, columns and non-zeros equal) and, solved by HiGHS,
equal objectives (1e-6 relative); solve time is reported separately.

    .venv/bin/python -m benchmarks.optimize_lp_build [--scale 2] [--repeat 7] [--pyomo-repeat 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import allyforge
from allyforge.optimize.data import PlanningData
from allyforge.optimize.planning import PlanningBuilder
from allyforge.optimize.solve import native_stdout_silenced
from allyforge.scenario import parse_scenario, resolve


def write_pack(dst: Path, scale: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    M, R, P, C = 20 * scale, 20 * scale, 40 * scale, 40 * scale
    n_ore, n_metal = 10 * scale, 10 * scale
    dst.mkdir(parents=True, exist_ok=True)
    w = lambda name, text: (dst / name).write_text(text)  # noqa: E731
    w("pack.yaml", "name: gen\nversion: 0.0.1\ndescription: generated\ncalendar: {kind: month, start: 2026-01, end: 2031-12}\nbase_currency: USD\n")
    w("sources.csv", "id,title,publisher,date,url,confidence,kind,uncertain,note\ns1,Generated,bench,2026,https://example.org,A,fact,false,\n")
    w("parties.csv", "id,name,country,fiscal_year_start_month,fiscal_year_named_by,currency,sector\nUS,United States,US,10,end,USD,government\n")
    items = ["id,name,unit,kind,groups,unit_value,currency,holding_cost,source"]
    items += [f"ore{i},Ore {i},kg,mineral,,1,USD,{rng.uniform(0.1, 1):.3f},s1" for i in range(n_ore)]
    items += [f"metal{i},Metal {i},kg,material,,5,USD,{rng.uniform(0.5, 2):.3f},s1" for i in range(n_metal)]
    items += [f"unit{i},Unit {i},each,end_item,,100,USD,{rng.uniform(2, 9):.3f},s1" for i in range(P)]
    w("items.csv", "\n".join(items) + "\n")
    w("programs.csv", "id,item,party,name\n" + "".join(f"prog{i},unit{i},US,Program {i}\n" for i in range(P)))
    sites = ["id,name,country,kind,operator,party,sector,lat,lon,ttr,source"]
    sites += [f"m{i},Mine {i},US,mine,,US,civil,,,," for i in range(M)]
    sites += [f"r{i},Refinery {i},US,refinery,,US,civil,,,," for i in range(R)]
    sites += [f"p{i},Plant {i},US,plant,,US,military,,,," for i in range(P)]
    sites += [f"c{i},Customer {i},US,customer,,US,military,,,," for i in range(C)]
    w("sites.csv", "\n".join(sites) + "\n")
    procs = ["id,site,capacity,cycle_time,yield,priority,cost_per_run,currency,cost_party,annual_output,status,source"]
    ins, outs = ["process,item,quantity,low,high,source"], ["process,item,quantity,source"]
    lanes = ["id,item,origin,destination,lead_time,capacity,share,priority,cost_per_unit,currency,cost_party,status,source"]
    for i in range(M):
        procs.append(f"mine{i},m{i},{rng.uniform(50, 150):.1f},1,1,1,{rng.uniform(1, 3):.2f},USD,US,,active,s1")
        outs.append(f"mine{i},ore{i % n_ore},1,s1")
    for i in range(R):
        procs.append(f"ref{i},r{i},{rng.uniform(30, 80):.1f},1,0.95,1,{rng.uniform(2, 6):.2f},USD,US,,active,s1")
        ins.append(f"ref{i},ore{i % n_ore},2,,,s1")
        outs.append(f"ref{i},metal{i % n_metal},1,s1")
        for j in rng.choice(M, 3, replace=False):  # ore lanes from three mines
            if j % n_ore == i % n_ore or True:
                lanes.append(f"o{j}-{i},ore{i % n_ore},m{j},r{i},{rng.integers(0, 3)},{rng.uniform(40, 120):.1f},,1,{rng.uniform(0.5, 2):.2f},USD,US,active,s1")
    for i in range(P):
        procs.append(f"asm{i},p{i},{rng.uniform(2, 6):.1f},{rng.integers(1, 3)},1,1,{rng.uniform(50, 100):.2f},USD,US,,active,s1")
        for k in rng.choice(n_metal, 2, replace=False):
            ins.append(f"asm{i},metal{k},{rng.uniform(1, 4):.2f},,,s1")
            for j in [r for r in range(R) if r % n_metal == k][:3]:
                lanes.append(f"mt{j}-{i},metal{k},r{j},p{i},{rng.integers(1, 4)},,,1,{rng.uniform(1, 3):.2f},USD,US,active,s1")
        outs.append(f"asm{i},unit{i},1,s1")
        lanes.append(f"u{i},unit{i},p{i},c{i},{rng.integers(0, 2)},,,1,,,,active,s1")
    w("processes.csv", "\n".join(procs) + "\n")
    w("process_inputs.csv", "\n".join(ins) + "\n")
    w("process_outputs.csv", "\n".join(outs) + "\n")
    w("lanes.csv", "\n".join(lanes) + "\n")
    periods = [f"{y}-{m:02d}" for y in range(2026, 2032) for m in range(1, 13)]
    dem = ["site,item,party,period,quantity,priority,backorder,backorder_cost,currency,source"]
    for i in range(C):
        for t, per in enumerate(periods):
            if t >= 4:
                dem.append(f"c{i},unit{i},US,{per},{rng.uniform(1, 5):.2f},{1 + i % 3},true,{rng.uniform(500, 2000):.0f},USD,s1")
    w("demands.csv", "\n".join(dem) + "\n")
    for name, header in {
        "stocks.csv": "site,item,initial,policy,level,release,holding_cost,source",
        "trade_rules.csv": "id,origin_country,destination_country,items,start,effect,end,end_use,fraction,delay,source",
        "capacities.csv": "process,period,capacity,source",
        "candidates.csv": "id,kind,target,site,size,cost,currency,party,lead_time,details,source",
        "budgets.csv": "party,fiscal_year,amount,currency,purpose,source",
        "rates.csv": "currency,fiscal_year,per_base,source",
    }.items():
        w(name, header + "\n")
    return dst


def build_linopy(data: PlanningData):  # noqa: ANN201
    """What `allyforge.optimize.solve.run_solver` does before HiGHS runs: build, linopy's pre-solve
    sanitizing (as `Model.solve`), and linopy's direct HiGHS export."""
    b = PlanningBuilder(data)
    pm = b.build()
    pm.model.constraints.sanitize_zeros()
    pm.model.constraints.sanitize_infinities()
    h = pm.model.to_highspy()
    return h, pm


def _arrays(d: PlanningData) -> dict:
    """Everything the two peer formulations need, as plain arrays (shared input, not timed)."""
    procs, lanes = d.processes, d.lanes
    nodes = {n: i for i, n in enumerate(d.node_labels)}
    node_of = lambda s, i: nodes[f"{s}/{i}"]  # noqa: E731
    ins = [(procs.index.get_loc(r.process), node_of(procs.loc[r.process, "site"], r.item), r.quantity) for r in d.inputs.itertuples()]
    outs = [(procs.index.get_loc(r.process), node_of(procs.loc[r.process, "site"], r.item), r.quantity * d.yields[procs.index.get_loc(r.process)])
            for r in d.outputs.itertuples()]
    dem = d.drivers.demands
    origin = d.node_labels.get_indexer(d.node_label(lanes["origin"], lanes["item"]))
    return {
        "P": len(procs), "L": len(lanes), "N": len(nodes), "D": len(dem), "T": len(d.periods),
        "cap": d.capacity[0], "lcap": d.lane_capacity[0], "open": d.lane_open[0], "due": d.demand[0],
        "ins": ins, "outs": outs, "cycle": d.cycle, "lead": d.lead,
        "l_from": origin, "l_to": d.node_labels.get_indexer(d.node_label(lanes["destination"], lanes["item"])),
        "d_node": d.node_labels.get_indexer(d.node_label(dem["site"], dem["item"])),
        "init": d.initial_on_hand, "hold": d.holding, "run_cost": d.run_cost,
        "lane_cost": d.lane_cost + d.holding[origin] * d.transit_periods(), "short_cost": d.shortfall_cost,
    }


def build_scipy(a: dict):
    """The same LP assembled directly: columns runs | ship | stock | deliver | short, each entity x period."""
    import highspy
    import scipy.sparse as sp

    P, L, N, D, T = a["P"], a["L"], a["N"], a["D"], a["T"]
    off = np.cumsum([0, P * T, L * T, N * T, D * T, D * T])
    col = lambda block, e, t: off[block] + e * T + t  # noqa: E731
    tt = np.arange(T)
    rows, cols, vals = [], [], []

    def add(r, c, v):
        rows.append(np.asarray(r).ravel()); cols.append(np.asarray(c).ravel()); vals.append(np.broadcast_to(v, np.shape(r)).ravel())

    def lagged(row_base, row_e, block, col_e, lag, coef):
        """coef x column (block, col_e, t - lag) in row row_base + row_e * T + t, for every entity at once."""
        row_e, col_e = np.asarray(row_e), np.asarray(col_e)
        lag = np.broadcast_to(lag, row_e.shape)
        ok = tt[None, :] >= lag[:, None]
        e, t = np.nonzero(ok)
        add(row_base + row_e[e] * T + t, col(block, col_e[e], t - lag[e]), np.broadcast_to(coef, row_e.shape)[e])

    # stock balance rows n*T + t: stock - stock(t-1) - outputs(t - cycle) + inputs - arrivals(t - lead) + shipped + delivered = initial
    n_all = np.arange(N)
    lagged(0, n_all, 2, n_all, 0, 1.0)
    lagged(0, n_all, 2, n_all, 1, -1.0)
    outs, ins = np.array(a["outs"]), np.array(a["ins"])
    lagged(0, outs[:, 1].astype(int), 0, outs[:, 0].astype(int), a["cycle"][outs[:, 0].astype(int)], -outs[:, 2])
    lagged(0, ins[:, 1].astype(int), 0, ins[:, 0].astype(int), 0, ins[:, 2])
    l_all = np.arange(L)
    lagged(0, a["l_to"], 1, l_all, a["lead"], -1.0)
    lagged(0, a["l_from"], 1, l_all, 0, 1.0)
    lagged(0, a["d_node"], 3, np.arange(D), 0, 1.0)
    # demand rows N*T + k*T + t: short - short(t-1) + deliver = due
    dr = lambda k, t: N * T + k * T + t  # noqa: E731
    k_idx = np.arange(D)[:, None]
    add(dr(k_idx, tt), col(4, k_idx, tt), 1.0)
    add(dr(k_idx, tt[1:]), col(4, k_idx, tt[1:] - 1), -1.0)
    add(dr(k_idx, tt), col(3, k_idx, tt), 1.0)
    # capacity rows
    base = N * T + D * T
    p_idx = np.arange(P)[:, None]
    add(base + p_idx * T + tt, col(0, p_idx, tt), 1.0)
    base2 = base + P * T
    ub = np.where(np.isinf(a["lcap"]), np.inf, a["open"] * np.where(np.isinf(a["lcap"]), 0, a["lcap"]))
    fin = np.argwhere(~np.isinf(ub))
    add(base2 + np.arange(len(fin)), col(1, fin[:, 0], fin[:, 1]), 1.0)
    nrow = base2 + len(fin)
    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nrow, off[-1]))
    init = np.zeros((N, T)); init[:, 0] = a["init"]
    lo = np.concatenate([init.ravel(), a["due"].ravel(), np.full(P * T, -np.inf), np.full(len(fin), -np.inf)])
    hi = np.concatenate([init.ravel(), a["due"].ravel(), a["cap"].ravel(), ub[fin[:, 0], fin[:, 1]]])
    cost = np.concatenate([a["run_cost"].ravel(), a["lane_cost"].ravel(), a["hold"].ravel(), np.zeros(D * T), a["short_cost"].ravel()])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(off[-1]), int(nrow)
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = np.zeros(off[-1]), np.full(off[-1], np.inf)
    lp.row_lower_, lp.row_upper_ = lo, hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(lp)
    return h


def build_pyomo(a: dict):
    """The same LP as an analyst would write it in Pyomo, handed to HiGHS through APPSI."""
    import pyomo.environ as pyo
    from pyomo.contrib.appsi.solvers.highs import Highs

    P, L, N, D, T = a["P"], a["L"], a["N"], a["D"], a["T"]
    m = pyo.ConcreteModel()
    m.P, m.L, m.N, m.D, m.T = (pyo.RangeSet(0, x - 1) for x in (P, L, N, D, T))
    m.runs = pyo.Var(m.P, m.T, within=pyo.NonNegativeReals)
    m.ship = pyo.Var(m.L, m.T, within=pyo.NonNegativeReals)
    m.stock = pyo.Var(m.N, m.T, within=pyo.NonNegativeReals)
    m.deliver = pyo.Var(m.D, m.T, within=pyo.NonNegativeReals)
    m.short = pyo.Var(m.D, m.T, within=pyo.NonNegativeReals)
    out_by = {n: [] for n in range(N)}
    in_by = {n: [] for n in range(N)}
    for p, n, q in a["outs"]:
        out_by[n].append((p, q))
    for p, n, q in a["ins"]:
        in_by[n].append((p, q))
    lin = {n: [] for n in range(N)}
    lout = {n: [] for n in range(N)}
    for l in range(L):
        lin[a["l_to"][l]].append(l)
        lout[a["l_from"][l]].append(l)
    dem_at = {n: [] for n in range(N)}
    for k in range(D):
        dem_at[a["d_node"][k]].append(k)

    def balance(m, n, t):
        prev = m.stock[n, t - 1] if t > 0 else a["init"][n]
        made = sum(q * m.runs[p, t - a["cycle"][p]] for p, q in out_by[n] if t - a["cycle"][p] >= 0)
        arrived = sum(m.ship[l, t - a["lead"][l]] for l in lin[n] if t - a["lead"][l] >= 0)
        used = sum(q * m.runs[p, t] for p, q in in_by[n])
        sent = sum(m.ship[l, t] for l in lout[n])
        given = sum(m.deliver[k, t] for k in dem_at[n])
        return m.stock[n, t] == prev + made + arrived - used - sent - given

    m.balance = pyo.Constraint(m.N, m.T, rule=balance)
    m.demand = pyo.Constraint(m.D, m.T, rule=lambda m, k, t: m.short[k, t] == (m.short[k, t - 1] if t > 0 else 0) + a["due"][k, t] - m.deliver[k, t])
    m.cap = pyo.Constraint(m.P, m.T, rule=lambda m, p, t: m.runs[p, t] <= a["cap"][p, t])
    ub = np.where(np.isinf(a["lcap"]), np.inf, a["open"] * np.where(np.isinf(a["lcap"]), 0, a["lcap"]))
    m.lane = pyo.Constraint(m.L, m.T, rule=lambda m, l, t: m.ship[l, t] <= ub[l, t] if np.isfinite(ub[l, t]) else pyo.Constraint.Skip)
    m.obj = pyo.Objective(
        expr=sum(a["run_cost"][p, t] * m.runs[p, t] for p in m.P for t in m.T)
        + sum(a["lane_cost"][l, t] * m.ship[l, t] for l in m.L for t in m.T)
        + sum(a["hold"][n, t] * m.stock[n, t] for n in m.N for t in m.T)
        + sum(a["short_cost"][k, t] * m.short[k, t] for k in m.D for t in m.T)
    )
    s = Highs()
    s.config.stream_solver = False
    s.set_instance(m)
    return s, m


def timed(fn, *args):  # noqa: ANN001, ANN002, ANN201
    """(wall seconds, result, CPU seconds of this process): CPU time is less disturbed by other load."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - t0, out, time.process_time() - c0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=2, help="network size multiple; 2 gives the issue's 100,000+ variables")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--pyomo-repeat", type=int, default=1, help="Pyomo builds take ~100x longer; interleaved in the first rounds (0 skips Pyomo)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        net = allyforge.load_pack(write_pack(Path(tmp) / "gen", args.scale))
    sc = parse_scenario("name: bench\npack: gen\nsamples: 1\nseed: 0\n")
    drv = resolve(net, sc, samples=np.array([0]))
    data = PlanningData(drv, np.array([0]))
    arr = _arrays(data)  # computes every PlanningData array both builders read

    with native_stdout_silenced():  # HiGHS prints its banner from C++ on creation
        build_linopy(data)
        build_scipy(arr)  # warm-ups: imports, first-call caches
        lin, sps, pyo = [], [], []
        for k in range(max(args.repeat, args.pyomo_repeat)):
            if k < args.repeat:
                lin.append(timed(build_linopy, data))
                sps.append(timed(build_scipy, arr))
            if k < args.pyomo_repeat:
                pyo.append(timed(build_pyomo, arr))
    load = os.getloadavg()
    h_lin, _ = lin[-1][1]
    h_sp = sps[-1][1]
    size = lambda h: (h.getNumCol(), h.getNumRow(), h.getNumNz())  # noqa: E731
    assert size(h_lin) == size(h_sp), f"linopy and scipy built different matrices: {size(h_lin)} vs {size(h_sp)}"
    nvar, ncon, nnz = size(h_lin)

    with native_stdout_silenced():
        for h in (h_lin, h_sp):
            h.setOptionValue("output_flag", False)
            h.setOptionValue("threads", 1)
        t0 = time.perf_counter(); h_lin.run(); t_lin_solve = time.perf_counter() - t0  # noqa: E702
        t0 = time.perf_counter(); h_sp.run(); t_sp_solve = time.perf_counter() - t0  # noqa: E702
        if pyo:
            s_py, m_py = pyo[-1][1]
            t0 = time.perf_counter(); res = s_py.solve(m_py); t_py_solve = time.perf_counter() - t0  # noqa: E702
    obj_lin = h_lin.getInfo().objective_function_value
    obj_sp = h_sp.getInfo().objective_function_value
    assert abs(obj_lin - obj_sp) <= 1e-6 * max(1, abs(obj_sp)), (obj_lin, obj_sp)
    if pyo:
        obj_py = res.best_feasible_objective
        assert abs(obj_lin - obj_py) <= 1e-6 * max(1, abs(obj_py)), (obj_lin, obj_py)

    med = lambda rs, k=0: statistics.median(r[k] for r in rs)  # noqa: E731
    bl, bs = med(lin), med(sps)
    paired = statistics.median(a[0] / b[0] for a, b in zip(lin, sps))
    cl, cs = med(lin, 2), med(sps, 2)
    print(f"planning LP: {nvar:,} variables, {ncon:,} constraints, {nnz:,} non-zeros; objective {obj_lin:,.4f} (equal in all {'three' if pyo else 'two'})")
    print(f"build (until the matrices are handed to HiGHS), median of {len(lin)} interleaved rounds (Pyomo {len(pyo)}); load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}:")
    print(f"  linopy (allyforge)      {bl:8.3f} s")
    print(f"  scipy.sparse+passModel  {bs:8.3f} s   linopy / scipy = {bl / bs:.2f}x (median of per-round ratios {paired:.2f}x; target <= 1.5x)")
    print(f"  (CPU time of this process: linopy {cl:.3f} s, scipy {cs:.3f} s, {cl / cs:.2f}x)")
    if pyo:
        bp = med(pyo)
        print(f"  Pyomo + APPSI HiGHS     {bp:8.3f} s   Pyomo / linopy = {bp / bl:.1f}x (target >= 10x)")
    print(f"solve (HiGHS, 1 thread): linopy model {t_lin_solve:.2f} s, scipy model {t_sp_solve:.2f} s" + (f", Pyomo {t_py_solve:.2f} s" if pyo else ""))


if __name__ == "__main__":
    main()
