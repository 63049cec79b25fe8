"""The peer for the simulator benchmark: a straightforward SimPy process model of the same
network and rules (docs/simulation.md), one sample at a time.

What an analyst would write with SimPy: a Container per stock point; every shipment
in transit and every production run in progress is a SimPy process that waits out its
lead or cycle time and then puts its units into the destination container; a period
controller process runs the period's requests, allocation and production at t + 0.5
(after the arrivals due at t). Rules follow docs/simulation.md; tests of the benchmark
check it gives the engine's numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import simpy


def _num(x: Any, default: float) -> float:
    return default if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def simpy_run(net: Any, drv: Any, sample: int = 0) -> dict[str, Any]:
    T = drv.horizon
    procs = net.table("processes")
    lanes = net.table("lanes")
    stocks = net.table("stocks")
    pin = net.table("process_inputs").reset_index()
    pout = net.table("process_outputs").reset_index()
    streams = drv.demands.to_dict("records")
    P = list(procs.index)
    Ls = list(lanes.index)
    site = dict(zip(P, procs["site"]))
    inputs: dict[str, list] = defaultdict(list)
    outputs: dict[str, list] = defaultdict(list)
    for p, i, q in zip(pin["process"], pin["item"], pin["quantity"]):
        inputs[p].append(((site[p], i), float(q)))
    for p, i, q in zip(pout["process"], pout["item"], pout["quantity"]):
        outputs[p].append(((site[p], i), float(q)))
    cycle = {p: int(_num(c, 1)) for p, c in zip(P, procs["cycle_time"])}
    yld = {p: _num(y, 1) for p, y in zip(P, procs["yield"])}
    pprio = {p: int(_num(v, 1)) for p, v in zip(P, procs["priority"])}
    lo = {l: (o, i) for l, o, i in zip(Ls, lanes["origin"], lanes["item"])}
    ld = {l: (d, i) for l, d, i in zip(Ls, lanes["destination"], lanes["item"])}
    lead = {l: int(_num(v, 0)) for l, v in zip(Ls, lanes["lead_time"])}
    lprio = {l: int(_num(v, 1)) for l, v in zip(Ls, lanes["priority"])}
    lshare = dict(zip(Ls, lanes["share"]))
    lactive = dict(zip(Ls, lanes["status"].eq("active")))
    lpos = {l: k for k, l in enumerate(Ls)}

    nodes = set(lo.values()) | set(ld.values()) | {(s["site"], s["item"]) for s in streams} | set(stocks.index)
    for p in P:
        nodes |= {n for n, _ in inputs[p]} | {n for n, _ in outputs[p]}
    for ch in drv.stock_changes:
        nodes.add((ch.site, ch.item))
    makers = defaultdict(list)
    for p in P:
        for n, _ in outputs[p]:
            makers[n].append(p)
    lanes_in, lanes_out = defaultdict(list), defaultdict(list)
    for l in Ls:
        lanes_in[ld[l]].append(l)
        lanes_out[lo[l]].append(l)
    users = defaultdict(list)  # node -> [(process, qty)]
    for p in P:
        for a, q in inputs[p]:
            users[a].append((p, q))
    dem_at = defaultdict(list)
    for k, s in enumerate(streams):
        dem_at[(s["site"], s["item"])].append(k)

    cap = [dict(zip(P, drv.capacity_at(t)[sample])) for t in range(T)]
    lopen = [dict(zip(Ls, drv.lane_open_at(t)[sample])) for t in range(T)]
    lcap = [dict(zip(Ls, drv.lane_capacity_at(t)[sample])) for t in range(T)]
    demand = [list(drv.demand_at(t)[sample]) for t in range(T)]

    env = simpy.Environment()
    stock = {n: simpy.Container(env, init=0.0, capacity=float("inf")) for n in nodes}
    reserve = {n: 0.0 for n in nodes}
    level: dict = {}
    release = {n: "on_shortfall" for n in nodes}
    for (s_, i_), r in stocks.iterrows():
        n = (s_, i_)
        init = _num(r["initial"], 0)
        if r["policy"] == "stockpile":
            reserve[n], release[n] = init, str(r["release"])
        elif init > 0:
            stock[n].put(init)
        if r["policy"] == "base_stock":
            level[n] = _num(r["level"], 0)

    share = {l: 0.0 for l in Ls}
    for n, ls in lanes_in.items():
        act = [l for l in ls if lactive[l]]
        if makers[n] or not act:
            continue
        if all(isinstance(lshare[l], float) and math.isnan(lshare[l]) for l in act):
            best = min(lprio[l] for l in act)
            top = [l for l in act if lprio[l] == best]
            for l in top:
                share[l] = 1.0 / len(top)
        else:
            for l in act:
                share[l] = _num(lshare[l], 0.0)

    def lshare_at(n: tuple, when) -> dict:
        # the plan orders around the trade rules in force (S4.4): weight by each lane's open share
        act = [l for l in lanes_in[n] if lactive[l]] if not makers[n] else []
        o = {l: float(drv.base_lane_open[lpos[l], when(l)]) for l in act}
        if all(v >= 1.0 for v in o.values()):
            return {l: share[l] for l in act}
        if all(isinstance(lshare[l], float) and math.isnan(lshare[l]) for l in act):
            live = [l for l in act if o[l] > 0]
            if not live:
                return {l: share[l] for l in act}
            best = min(lprio[l] for l in live)
            tot = sum(o[l] for l in live if lprio[l] == best)
            return {l: (o[l] / tot if l in live and lprio[l] == best else 0.0) for l in act}
        tot = sum(share[l] * o[l] for l in act)
        return {l: share[l] * o[l] * sum(share[x] for x in act) / tot for l in act} if tot > 0 else {l: share[l] for l in act}

    # second sources the scenario opens go first, up to open share x capacity (S4.7)
    cand_in = {n: sorted([l for l in ls if not lactive[l]], key=lambda x: (lprio[x], lpos[x])) for n, ls in lanes_in.items() if not makers[n]}

    def pcap(l: str, t: int) -> float:
        o = float(drv.base_lane_open[lpos[l], t])
        return o * lcap[t][l] if o > 0 else 0.0

    def mshare(p: str, n: tuple, t: int) -> float:
        tot = sum(cap[t][q] for q in makers[n])
        return cap[t][p] / tot if tot > 0 else 1.0 / len(makers[n])

    succ = defaultdict(set)
    for l in Ls:
        succ[lo[l]].add(ld[l])
    for p in P:
        for a, _ in inputs[p]:
            for b, _ in outputs[p]:
                succ[a].add(b)
    order: list = []
    seen: set = set()

    def visit(n: tuple) -> None:
        stack = [(n, iter(sorted(succ[n])))]
        seen.add(n)
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                order.append(node)
            elif nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(succ[nxt]))))

    for n in sorted(nodes):
        if n not in seen:
            visit(n)
    zsucc = defaultdict(set)
    for l in Ls:
        if lead[l] == 0:
            zsucc[lo[l]].add(ld[l])
    zorder: list = []
    zseen: set = set()
    for n in sorted(nodes):
        if n in zseen:
            continue
        stack = [(n, iter(sorted(zsucc[n])))]
        zseen.add(n)
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                zorder.append(node)
            elif nxt not in zseen:
                zseen.add(nxt)
                stack.append((nxt, iter(sorted(zsucc[nxt]))))
    zorder.reverse()

    # the MRP plan
    G = {n: [0.0] * T for n in nodes}
    for t in range(T):
        for k, s in enumerate(streams):
            G[(s["site"], s["item"])][t] += demand[t][k]
    plan_ship = {l: [0.0] * T for l in Ls}
    plan_runs = {p: [0.0] * T for p in P}
    outs_done: dict = defaultdict(int)
    for n in order:
        if n not in level:
            if makers[n]:
                for p in makers[n]:
                    q = dict(outputs[p])[n]
                    ask = [0.0] * T
                    for t in range(T):
                        ask[max(0, t - cycle[p])] += G[n][t] * mshare(p, n, t) / (q * yld[p])
                    plan_runs[p] = [max(a, b) for a, b in zip(plan_runs[p], ask)]
            else:
                room = {l: [pcap(l, u) for u in range(T)] for l in cand_in.get(n, [])}
                for t in range(T):
                    rest = G[n][t]
                    for l in cand_in.get(n, []):
                        s_ = max(0, t - lead[l])
                        v = min(rest, room[l][s_])
                        if v > 0:
                            room[l][s_] -= v
                            rest -= v
                            plan_ship[l][s_] += v
                            G[lo[l]][s_] += v
                    for l, sh in lshare_at(n, lambda x, t=t: max(0, t - lead[x])).items():
                        if sh > 0:
                            s_ = max(0, t - lead[l])
                            v = rest * sh
                            plan_ship[l][s_] += v
                            G[lo[l]][s_] += v
        for p in makers[n]:
            outs_done[p] += 1
            if outs_done[p] == len(outputs[p]):
                for a, q in inputs[p]:
                    for t in range(T):
                        G[a][t] += plan_runs[p][t] * q

    transit = {l: 0.0 for l in Ls}
    wip = {p: 0.0 for p in P}
    lane_bl = {l: 0.0 for l in Ls}
    proc_bl = {p: 0.0 for p in P}
    lane_ord = {l: 0.0 for l in Ls}
    proc_ord = {p: 0.0 for p in P}
    dem_bl = [0.0] * len(streams)
    rec: dict[str, dict] = {k: {} for k in ("on_hand", "shipped", "runs", "delivered", "backlog", "lost")}

    def ship(l: str, qty: float, wait: float):
        yield env.timeout(wait)
        transit[l] -= qty
        yield stock[ld[l]].put(qty)

    def make(p: str, runs: float, wait: float):
        yield env.timeout(wait)
        wip[p] -= runs
        for n, q in outputs[p]:
            yield stock[n].put(runs * q * yld[p])

    def period_controller():
        nonlocal dem_bl
        yield env.timeout(0.5)
        for t in range(T):
            on_hand = {n: stock[n].level for n in nodes}
            for ch in drv.stock_changes:
                n = (ch.site, ch.item)
                v = float(ch.values[sample, t])
                if ch.kind == "add":
                    reserve[n] += v
                else:
                    amt = min(v, reserve[n])
                    reserve[n] -= amt
                    on_hand[n] += amt
                    stock[n].put(amt) if amt > 0 else None
            due = [dem_bl[k] + demand[t][k] for k in range(len(streams))]
            owed = defaultdict(float)
            for k, s in enumerate(streams):
                owed[(s["site"], s["item"])] += due[k]
            X = defaultdict(float)
            carried, base, unplaced, passed, p_passed = {}, {}, {}, {}, {}
            want, req = {}, {}
            seen_out: dict = defaultdict(int)
            for n in order:
                if n in level:
                    on_order = sum(lane_bl[l] + transit[l] for l in lanes_in[n])
                    on_order += sum((proc_bl[p] + wip[p]) * dict(outputs[p])[n] * yld[p] for p in makers[n])
                    X[n] = max(0.0, level[n] - (on_hand[n] + on_order - owed[n]))
                ins = lanes_in[n]
                if ins:
                    cut = {}
                    now = lshare_at(n, lambda x: t)
                    rest, first = X[n], {}
                    for l in cand_in.get(n, []):
                        first[l] = min(rest, max(0.0, pcap(l, t) - lane_bl[l] - plan_ship[l][t]))
                        rest -= first[l]
                    for l in ins:
                        base[l] = lane_bl[l] + plan_ship[l][t]
                        r_ = base[l] + now.get(l, 0.0) * rest + first.get(l, 0.0)
                        carried[l] = min(lopen[t][l] * r_, lcap[t][l])
                        cut[l] = r_ - carried[l]
                    pool0 = pool = sum(cut.values())
                    for l in sorted(ins, key=lambda x: (lprio[x], lpos[x])):
                        if lopen[t][l] >= 1.0:
                            take = min(pool, max(0.0, lcap[t][l] - carried[l]))
                            carried[l] += take
                            pool -= take
                    for l in ins:
                        unplaced[l] = cut[l] * (pool / pool0) if pool0 > 0 else 0.0
                        passed[l] = max(0.0, carried[l] - lane_ord[l] - plan_ship[l][t])
                        X[lo[l]] += passed[l]
                        owed[lo[l]] += carried[l]
                for p in makers[n]:
                    seen_out[p] += 1
                    if seen_out[p] < len(outputs[p]):
                        continue
                    xr = max([X[m] * mshare(p, m, t) / (q * yld[p]) for m, q in outputs[p]] + [0.0])
                    b = proc_bl[p] + plan_runs[p][t]
                    req[p] = b + xr
                    want[p] = min(req[p], cap[t][p])
                    p_passed[p] = max(0.0, want[p] - proc_ord[p] - plan_runs[p][t])
                    for a, q in inputs[p]:
                        X[a] += p_passed[p] * q
                        owed[a] += want[p] * q
            for p in P:
                if p not in want:
                    req[p] = proc_bl[p] + plan_runs[p][t]
                    want[p] = min(req[p], cap[t][p])
            delivered = [0.0] * len(streams)
            shipped = {l: 0.0 for l in Ls}
            alloc: dict = {}
            for n in zorder:
                avail = on_hand[n] + (reserve[n] if release[n] == "on_shortfall" else 0.0)
                claims = [(int(streams[k]["priority"]), "d", k, due[k]) for k in dem_at[n]]
                claims += [(lprio[l], "l", l, carried.get(l, 0.0)) for l in lanes_out[n]]
                claims += [(pprio[p], "e", (p, n), want[p] * q) for p, q in users[n]]
                for cl in sorted({c[0] for c in claims}):
                    group = [c for c in claims if c[0] == cl]
                    total = sum(c[3] for c in group)
                    frac = min(1.0, avail / total) if total > 0 else 1.0
                    for _, kind, key, amt in group:
                        if kind == "d":
                            delivered[key] = amt * frac
                        elif kind == "l":
                            shipped[key] = amt * frac
                        else:
                            alloc[key] = amt * frac
                    avail -= min(total * frac, avail)
                for l in lanes_out[n]:
                    if lead[l] == 0:
                        now = shipped[l] * (1.0 - drv.lane_delay_share[lpos[l], t])
                        on_hand[ld[l]] += now
                        if now > 0:
                            stock[ld[l]].put(now)
            for l in Ls:
                ds = float(drv.lane_delay_share[lpos[l], t])
                normal = shipped[l] * (1.0 - ds) if lead[l] > 0 else 0.0
                if normal > 0:
                    transit[l] += normal
                    env.process(ship(l, normal, lead[l] - 0.5))
                if ds > 0 and shipped[l] > 0:
                    transit[l] += shipped[l] * ds
                    env.process(ship(l, shipped[l] * ds, lead[l] + int(drv.lane_delay[lpos[l], t]) - 0.5))
            runs = {}
            for p in P:
                r_ = want[p]
                for a, q in inputs[p]:
                    r_ = min(r_, alloc[(p, a)] / q)
                runs[p] = r_
                wip[p] += r_
                if r_ > 0:
                    env.process(make(p, r_, cycle[p] - 0.5))
            drawn: dict = defaultdict(float)
            for k, s in enumerate(streams):
                drawn[(s["site"], s["item"])] += delivered[k]
            for l in Ls:
                drawn[lo[l]] += shipped[l]
            for p in P:
                for a, q in inputs[p]:
                    drawn[a] += runs[p] * q
            for n, v in drawn.items():
                from_on = min(v, stock[n].level)
                if from_on > 0:
                    stock[n].get(from_on)
                reserve[n] = max(0.0, reserve[n] - (v - from_on))
            lost = [0.0] * len(streams)
            for k, s in enumerate(streams):
                unmet = max(due[k] - delivered[k], 0.0)
                dem_bl[k] = unmet if s["backorder"] else 0.0
                lost[k] = 0.0 if s["backorder"] else unmet
            for l in Ls:
                lane_bl[l] = unplaced.get(l, 0.0) + max(carried.get(l, 0.0) - shipped[l], 0.0)
                asked = lane_ord[l] + plan_ship[l][t] + passed.get(l, 0.0)
                lane_ord[l] = min(lane_bl[l], max(0.0, asked - shipped[l]))
            for p in P:
                proc_bl[p] = req[p] - runs[p]
                asked = proc_ord[p] + plan_runs[p][t] + p_passed.get(p, 0.0)
                proc_ord[p] = min(proc_bl[p], max(0.0, asked - runs[p]))
            for n in nodes:
                rec["on_hand"][(n, t)] = stock[n].level
            for l in Ls:
                rec["shipped"][(l, t)] = shipped[l]
            for p in P:
                rec["runs"][(p, t)] = runs[p]
            for k in range(len(streams)):
                rec["delivered"][(k, t)] = delivered[k]
                rec["backlog"][(k, t)] = dem_bl[k]
                rec["lost"][(k, t)] = lost[k]
            yield env.timeout(1)

    env.process(period_controller())
    env.run(until=T + 1)
    return rec
