"""Planning-LP build time: linopy (ours) versus Pyomo and versus scipy.sparse + highspy.passModel.

A generated layered pack (mines -> refineries -> plants -> customers, several lanes per
item, 72 monthly periods) gives a 100,000+-variable LP. The same formulation is written
three ways from the same PlanningData arrays; "build" is everything until the matrices are
handed to HiGHS (linopy: model + `to_highspy`; Pyomo: ConcreteModel + APPSI HiGHS
`set_instance`; scipy: COO/CSC assembly + `passModel`). Objectives are asserted equal.
Solve time is reported separately. Medians over --repeat runs.

    .venv/bin/python benchmarks/optimize_lp_build.py [--scale 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

import allyforge
from allyforge.optimize.data import PlanningData
from allyforge.optimize.planning import PlanningBuilder
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


def build_linopy(data: PlanningData):
    b = PlanningBuilder(data)
    pm = b.build()
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

    # stock balance rows n*T + t
    bal = lambda n, t: n * T + t  # noqa: E731
    n_idx = np.arange(N)[:, None]
    add(bal(n_idx, tt), col(2, n_idx, tt), 1.0)
    add(bal(n_idx, tt[1:]), col(2, n_idx, tt[1:] - 1), -1.0)
    for p, n, q in a["outs"]:
        c = a["cycle"][p]
        t = tt[c:]
        add(bal(n, t), col(0, p, t - c), -q)
    for p, n, q in a["ins"]:
        add(bal(n, tt), col(0, p, tt), q)
    for l in range(L):
        g = a["lead"][l]
        t = tt[g:]
        add(bal(a["l_to"][l], t), col(1, l, t - g), -1.0)
        add(bal(a["l_from"][l], tt), col(1, l, tt), 1.0)
    for k in range(D):
        add(bal(a["d_node"][k], tt), col(3, k, tt), 1.0)
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


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pyomo-repeat", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        net = allyforge.load_pack(write_pack(Path(tmp) / "gen", args.scale))
    sc = parse_scenario("name: bench\npack: gen\nsamples: 1\nseed: 0\n")
    drv = resolve(net, sc, samples=np.array([0]))
    data = PlanningData(drv, np.array([0]))
    arr = _arrays(data)

    lin = [timed(build_linopy, data) for _ in range(args.repeat)]
    h_lin, pm = lin[-1][1]
    nvar, ncon = h_lin.getNumCol(), h_lin.getNumRow()
    sp_runs = [timed(build_scipy, arr) for _ in range(args.repeat)]
    h_sp = sp_runs[-1][1]
    py_runs = [timed(build_pyomo, arr) for _ in range(args.pyomo_repeat)]
    s_py, m_py = py_runs[-1][1]

    t0 = time.perf_counter(); h_lin.setOptionValue("output_flag", False); h_lin.setOptionValue("threads", 1); h_lin.run(); t_lin_solve = time.perf_counter() - t0
    h_sp.setOptionValue("threads", 1)
    t0 = time.perf_counter(); h_sp.run(); t_sp_solve = time.perf_counter() - t0
    t0 = time.perf_counter(); res = s_py.solve(m_py); t_py_solve = time.perf_counter() - t0
    obj_lin = h_lin.getInfo().objective_function_value
    obj_sp = h_sp.getInfo().objective_function_value
    obj_py = res.best_feasible_objective
    assert abs(obj_lin - obj_sp) <= 1e-6 * max(1, abs(obj_sp)), (obj_lin, obj_sp)
    assert abs(obj_lin - obj_py) <= 1e-6 * max(1, abs(obj_py)), (obj_lin, obj_py)

    med = lambda rs: statistics.median(r[0] for r in rs)  # noqa: E731
    bl, bs, bp = med(lin), med(sp_runs), med(py_runs)
    print(f"planning LP: {nvar:,} variables, {ncon:,} constraints, objective {obj_lin:,.4f} (equal in all three)")
    print(f"build (until handed to HiGHS), median of {args.repeat} (Pyomo {args.pyomo_repeat}):")
    print(f"  linopy (allyforge)      {bl:8.3f} s")
    print(f"  scipy.sparse+passModel  {bs:8.3f} s   linopy / scipy = {bl / bs:.2f}x (target <= 1.5x)")
    print(f"  Pyomo + APPSI HiGHS     {bp:8.3f} s   Pyomo / linopy = {bp / bl:.1f}x (target >= 10x)")
    print(f"solve (HiGHS, 1 thread): linopy model {t_lin_solve:.2f} s, scipy model {t_sp_solve:.2f} s, Pyomo {t_py_solve:.2f} s")


if __name__ == "__main__":
    main()
