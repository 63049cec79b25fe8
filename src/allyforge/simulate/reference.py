"""The slow, obvious reference simulator: one sample, plain Python, written from docs/simulation.md.

It shares no code with the vectorized engine (engine.py, compiled.py, plan.py): it
reads the Network's tables and the scenario's resolved Drivers (the scenario layer
both consume) and follows the numbered rules with dicts and loops. Tests hold the
engine to agree with it within 1e-9 relative. Rule numbers are cited inline.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from allyforge.network import Network
    from allyforge.scenario import Drivers


def _num(x: Any, default: float) -> float:
    return default if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def reference_run(net: Network, drv: Drivers, sample: int = 0) -> dict[str, dict]:
    """Per-period records of one sample (position `sample` among the drivers' samples)."""
    T = drv.horizon
    procs = net.table("processes")
    lanes = net.table("lanes")
    stocks = net.table("stocks")
    pin = net.table("process_inputs").reset_index()
    pout = net.table("process_outputs").reset_index()
    streams = drv.demands.to_dict("records")
    P = list(procs.index)
    Ls = list(lanes.index)

    cap = [dict(zip(P, drv.capacity_at(t)[sample])) for t in range(T)]
    lopen = [dict(zip(Ls, drv.lane_open_at(t)[sample])) for t in range(T)]
    lcap = [dict(zip(Ls, drv.lane_capacity_at(t)[sample])) for t in range(T)]
    demand = [list(drv.demand_at(t)[sample]) for t in range(T)]

    site = {p: procs.loc[p, "site"] for p in P}
    inputs = defaultdict(list)  # process -> [(node, qty)]
    outputs = defaultdict(list)
    for r in pin.to_dict("records"):
        inputs[r["process"]].append(((site[r["process"]], r["item"]), float(r["quantity"])))
    for r in pout.to_dict("records"):
        outputs[r["process"]].append(((site[r["process"]], r["item"]), float(r["quantity"])))
    cycle = {p: int(_num(procs.loc[p, "cycle_time"], 1)) for p in P}
    yld = {p: _num(procs.loc[p, "yield"], 1) for p in P}
    pprio = {p: int(_num(procs.loc[p, "priority"], 1)) for p in P}
    L = {}
    for l in Ls:
        r = lanes.loc[l]
        L[l] = {"o": (r["origin"], r["item"]), "d": (r["destination"], r["item"]), "lead": int(_num(r["lead_time"], 0)),
                "prio": int(_num(r["priority"], 1)), "share": r["share"], "active": r["status"] == "active", "status": r["status"]}
    order_of_lane = {l: i for i, l in enumerate(Ls)}

    nodes: set = set()
    for p in P:
        nodes |= {n for n, _ in inputs[p]} | {n for n, _ in outputs[p]}
    for l in Ls:
        nodes |= {L[l]["o"], L[l]["d"]}
    for s in streams:
        nodes.add((s["site"], s["item"]))
    nodes |= set(stocks.index)
    for ch in drv.stock_changes:
        nodes.add((ch.site, ch.item))

    makers = defaultdict(list)  # node -> processes making it (S4.2)
    for p in P:
        for n, _ in outputs[p]:
            makers[n].append(p)
    lanes_in = defaultdict(list)
    for l in Ls:
        lanes_in[L[l]["d"]].append(l)

    # stock policies (S7, S9)
    on_hand = {n: 0.0 for n in nodes}
    reserve = {n: 0.0 for n in nodes}
    base_level: dict = {}
    release = {n: "on_shortfall" for n in nodes}
    for (s_, i_), r in stocks.iterrows():
        n = (s_, i_)
        init = _num(r["initial"], 0)
        if r["policy"] == "stockpile":
            reserve[n] = init
            release[n] = str(r["release"])
        else:
            on_hand[n] = init
        if r["policy"] == "base_stock":
            base_level[n] = _num(r["level"], 0)

    # plan shares of lanes (S4.4)
    share: dict[str, float] = {l: 0.0 for l in Ls}
    for n, ls in lanes_in.items():
        if makers[n]:
            continue
        act = [l for l in ls if L[l]["active"]]
        if not act:
            continue
        if all(isinstance(L[l]["share"], float) and math.isnan(L[l]["share"]) for l in act):
            best = min(L[l]["prio"] for l in act)
            top = [l for l in act if L[l]["prio"] == best]
            for l in top:
                share[l] = 1.0 / len(top)
        else:
            for l in act:
                v = L[l]["share"]
                share[l] = 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    def split(n: tuple, ship_period) -> dict[str, float]:
        """S4.4: each inbound lane's share of node n's requirement, knowing the rules in force
        in the period `ship_period(lane)` it would ship."""
        act = [l for l in lanes_in[n] if L[l]["active"]] if not makers[n] else []
        if not act:
            return {}
        o = {l: float(drv.base_lane_open[order_of_lane[l], ship_period(l)]) for l in act}
        if all(o[l] >= 1.0 for l in act):
            return {l: share[l] for l in act}
        if all(isinstance(L[l]["share"], float) and math.isnan(L[l]["share"]) for l in act):
            live = [l for l in act if o[l] > 0]
            if not live:
                return {l: share[l] for l in act}
            best = min(L[l]["prio"] for l in live)
            top = [l for l in live if L[l]["prio"] == best]
            tot = sum(o[l] for l in top)
            return {l: (o[l] / tot if l in top else 0.0) for l in act}
        tot = sum(share[l] * o[l] for l in act)
        if tot <= 0:
            return {l: share[l] for l in act}
        full = sum(share[l] for l in act)
        return {l: share[l] * o[l] * full / tot for l in act}

    # opened candidate lanes (S4.7): a candidate lane with capacity in this sample is open; it is
    # planned first, in (priority, table order), up to o x capacity (o: open share under the rules in force)
    cands_in = {n: sorted((l for l in ls if L[l]["status"] == "candidate"), key=lambda x: (L[x]["prio"], order_of_lane[x]))
                for n, ls in lanes_in.items()}

    def planning_cap(l: str, t: int) -> float:
        o = float(drv.base_lane_open[order_of_lane[l], t])
        return o * lcap[t][l] if o > 0 else 0.0

    def maker_share(p: str, n: tuple, t: int) -> float:  # S4.3
        tot = sum(cap[t][q] for q in makers[n])
        return cap[t][p] / tot if tot > 0 else 1.0 / len(makers[n])

    # downstream-first order of nodes (S4.6): a node after every node it supplies
    succ = defaultdict(set)
    for l in Ls:
        succ[L[l]["o"]].add(L[l]["d"])
    for p in P:
        for a, _ in inputs[p]:
            for b, _ in outputs[p]:
                succ[a].add(b)
    down_first: list = []
    seen: set = set()

    def visit(n: tuple) -> None:
        if n in seen:
            return
        seen.add(n)
        for m in sorted(succ[n]):
            visit(m)
        down_first.append(n)

    for n in sorted(nodes):
        visit(n)

    # --- the plan (S4) ------------------------------------------------------------
    G = {n: [0.0] * T for n in nodes}
    for t in range(T):
        for k, s in enumerate(streams):
            G[(s["site"], s["item"])][t] += demand[t][k]
    plan_ship = {l: [0.0] * T for l in Ls}
    plan_runs = {p: [0.0] * T for p in P}

    def release_at(t: int, k: int) -> int:
        return max(0, t - k)

    done_outputs = defaultdict(int)
    for n in down_first:
        if n not in base_level:
            if makers[n]:
                for p in makers[n]:
                    q = dict(outputs[p])[n]
                    ask = [0.0] * T
                    for t in range(T):
                        ask[release_at(t, cycle[p])] += G[n][t] * maker_share(p, n, t) / (q * yld[p])
                    plan_runs[p] = [max(a, b) for a, b in zip(plan_runs[p], ask)]
            else:
                room = {l: [planning_cap(l, s_) for s_ in range(T)] for l in cands_in.get(n, [])}
                for t in range(T):  # earliest due first: what ships in period 0 shares its capacity (S4.7)
                    left = G[n][t]
                    for l in cands_in.get(n, []):
                        s_ = release_at(t, L[l]["lead"])
                        v = min(left, room[l][s_])
                        if v <= 0:
                            continue
                        room[l][s_] -= v
                        left -= v
                        plan_ship[l][s_] += v
                        G[L[l]["o"]][s_] += v
                    sh = split(n, lambda l, t=t: release_at(t, L[l]["lead"]))
                    for l, v_share in sh.items():
                        if v_share <= 0:
                            continue
                        s_ = release_at(t, L[l]["lead"])
                        v = left * v_share
                        plan_ship[l][s_] += v
                        G[L[l]["o"]][s_] += v
        for p in makers[n]:
            done_outputs[p] += 1
            if done_outputs[p] == len(outputs[p]):
                for a, q in inputs[p]:
                    for t in range(T):
                        G[a][t] += plan_runs[p][t] * q

    # zero-lead upstream-first order (S8.3)
    zsucc = defaultdict(set)
    for l in Ls:
        if L[l]["lead"] == 0:
            zsucc[L[l]["o"]].add(L[l]["d"])
    up_first: list = []
    zseen: set = set()

    def zvisit(n: tuple) -> None:
        if n in zseen:
            return
        zseen.add(n)
        for m in sorted(zsucc[n]):
            zvisit(m)
        up_first.append(n)

    for n in sorted(nodes):
        zvisit(n)
    up_first.reverse()

    # --- stepping (S3) -------------------------------------------------------------
    arrivals = defaultdict(float)  # (period, lane) -> units
    completions = defaultdict(float)  # (period, process) -> runs
    transit = {l: 0.0 for l in Ls}
    wip = {p: 0.0 for p in P}
    lane_bl = {l: 0.0 for l in Ls}
    proc_bl = {p: 0.0 for p in P}
    lane_ord = {l: 0.0 for l in Ls}  # open orders with the origin (S5.5)
    proc_ord = {p: 0.0 for p in P}  # runs whose inputs are on order (S6.6)
    dem_bl = [0.0] * len(streams)
    rec: dict[str, dict] = {k: {} for k in ("on_hand", "reserve", "shipped", "runs", "delivered", "backlog", "lost")}

    for t in range(T):
        # S3.1 receive
        for l in Ls:
            a = arrivals.pop((t, l), 0.0)
            if a:
                transit[l] -= a
                on_hand[L[l]["d"]] += a
        for p in P:
            r_ = completions.pop((t, p), 0.0)
            if r_:
                wip[p] -= r_
                for n, q in outputs[p]:
                    on_hand[n] += r_ * q * yld[p]
        for ch in drv.stock_changes:
            n = (ch.site, ch.item)
            v = float(ch.values[sample, t])
            if ch.kind == "add":
                reserve[n] += v
            else:
                amt = min(v, reserve[n])
                reserve[n] -= amt
                on_hand[n] += amt

        # S3.2 requests (S5-S7)
        due = [dem_bl[k] + demand[t][k] for k in range(len(streams))]
        owed = defaultdict(float)
        for k, s in enumerate(streams):
            owed[(s["site"], s["item"])] += due[k]
        on_order = defaultdict(float)
        for l in Ls:
            on_order[L[l]["d"]] += lane_bl[l] + transit[l]
        for p in P:
            for n, q in outputs[p]:
                on_order[n] += (proc_bl[p] + wip[p]) * q * yld[p]
        X = defaultdict(float)
        asked = {l: plan_ship[l][t] + lane_ord[l] for l in Ls}
        passed = {l: 0.0 for l in Ls}
        p_asked = {p: plan_runs[p][t] + proc_ord[p] for p in P}
        p_passed = {p: 0.0 for p in P}
        carried = {l: 0.0 for l in Ls}
        base = {l: 0.0 for l in Ls}
        unplaced = {l: 0.0 for l in Ls}
        want = {p: 0.0 for p in P}
        req = {p: 0.0 for p in P}
        outputs_seen = defaultdict(int)
        for n in down_first:
            if n in base_level:  # S7.1
                ip = on_hand[n] + on_order[n] - owed[n]
                X[n] = max(0.0, base_level[n] - ip)
            ins = lanes_in[n]
            if ins:
                cut = {}
                now = split(n, lambda l: t)
                for l in ins:
                    base[l] = lane_bl[l] + plan_ship[l][t]
                left = X[n]
                took = {}
                for l in (cands_in.get(n, []) if not makers[n] else []):  # open candidates first, up to their room (S4.7)
                    took[l] = min(left, max(0.0, planning_cap(l, t) - base[l]))
                    left -= took[l]
                for l in ins:
                    r_ = base[l] + now.get(l, 0.0) * left + took.get(l, 0.0)
                    allowed = lopen[t][l] * r_
                    carried[l] = min(allowed, lcap[t][l])
                    cut[l] = r_ - carried[l]
                pool0 = sum(cut.values())
                pool = pool0
                for l in sorted(ins, key=lambda x: (L[x]["prio"], order_of_lane[x])):  # S5.3
                    if lopen[t][l] >= 1.0:
                        take = min(pool, max(0.0, lcap[t][l] - carried[l]))
                        carried[l] += take
                        pool -= take
                for l in ins:
                    unplaced[l] = cut[l] * (pool / pool0) if pool0 > 0 else 0.0
                    passed[l] = max(0.0, carried[l] - asked[l])
                    X[L[l]["o"]] += passed[l]
                    owed[L[l]["o"]] += carried[l]
            for p in makers[n]:
                outputs_seen[p] += 1
                if outputs_seen[p] < len(outputs[p]):
                    continue
                xr = 0.0
                for m, q in outputs[p]:  # a base-stock node's order asks its makers too (S7.2)
                    xr = max(xr, X[m] * maker_share(p, m, t) / (q * yld[p]))
                b = proc_bl[p] + plan_runs[p][t]
                req[p] = b + xr
                want[p] = min(req[p], cap[t][p])
                p_asked[p] = proc_ord[p] + plan_runs[p][t]
                p_passed[p] = max(0.0, want[p] - p_asked[p])
                for a, q in inputs[p]:
                    X[a] += p_passed[p] * q
                    owed[a] += want[p] * q
        for p in P:  # processes making nothing the loop visits (no outputs) still request
            if not outputs[p]:
                b = proc_bl[p] + plan_runs[p][t]
                req[p] = b
                want[p] = min(b, cap[t][p])

        # S3.3 allocate (S8)
        delivered = [0.0] * len(streams)
        shipped = {l: 0.0 for l in Ls}
        alloc: dict = {}
        for n in up_first:
            avail = on_hand[n] + (reserve[n] if release[n] == "on_shortfall" else 0.0)
            claims = []  # (class, kind, key, amount)
            for k, s in enumerate(streams):
                if (s["site"], s["item"]) == n:
                    claims.append((int(s["priority"]), "d", k, due[k]))
            for l in Ls:
                if L[l]["o"] == n:
                    claims.append((L[l]["prio"], "l", l, carried[l]))
            for p in P:
                for a, q in inputs[p]:
                    if a == n:
                        claims.append((pprio[p], "e", (p, a), want[p] * q))
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
            for l in Ls:  # zero-lead lanes arrive now (S3.3)
                if L[l]["o"] == n and L[l]["lead"] == 0:
                    on_hand[L[l]["d"]] += shipped[l] * (1.0 - drv.lane_delay_share[order_of_lane[l], t])
        for l in Ls:
            li = order_of_lane[l]
            ds = float(drv.lane_delay_share[li, t])
            if L[l]["lead"] > 0:
                arrivals[(t + L[l]["lead"], l)] += shipped[l] * (1.0 - ds)
                transit[l] += shipped[l] * (1.0 - ds)
            if ds > 0:
                arrivals[(t + L[l]["lead"] + int(drv.lane_delay[li, t]), l)] += shipped[l] * ds
                transit[l] += shipped[l] * ds

        # S3.4 produce (S6)
        runs = {}
        for p in P:
            r_ = want[p]
            for a, q in inputs[p]:
                r_ = min(r_, alloc[(p, a)] / q)
            runs[p] = r_
            completions[(t + cycle[p], p)] += r_
            wip[p] += r_

        # draws, on hand first (S8.4)
        drawn = defaultdict(float)
        for k, s in enumerate(streams):
            drawn[(s["site"], s["item"])] += delivered[k]
        for l in Ls:
            drawn[L[l]["o"]] += shipped[l]
        for p in P:
            for a, q in inputs[p]:
                drawn[a] += runs[p] * q
        for n, v in drawn.items():
            from_on = min(v, on_hand[n])
            on_hand[n] -= from_on
            reserve[n] = max(0.0, reserve[n] - (v - from_on))

        # S3.5 account (S10)
        lost = [0.0] * len(streams)
        for k, s in enumerate(streams):
            unmet = max(due[k] - delivered[k], 0.0)
            dem_bl[k] = unmet if s["backorder"] else 0.0
            lost[k] = 0.0 if s["backorder"] else unmet
        for l in Ls:
            lane_bl[l] = unplaced[l] + max(carried[l] - shipped[l], 0.0)
            lane_ord[l] = min(lane_bl[l], max(0.0, asked[l] + passed[l] - shipped[l]))
        for p in P:
            proc_bl[p] = req[p] - runs[p]
            proc_ord[p] = min(proc_bl[p], max(0.0, p_asked[p] + p_passed[p] - runs[p]))

        for n in nodes:
            rec["on_hand"][(n, t)] = on_hand[n]
            rec["reserve"][(n, t)] = reserve[n]
        for l in Ls:
            rec["shipped"][(l, t)] = shipped[l]
        for p in P:
            rec["runs"][(p, t)] = runs[p]
        for k in range(len(streams)):
            rec["delivered"][(k, t)] = delivered[k]
            rec["backlog"][(k, t)] = dem_bl[k]
            rec["lost"][(k, t)] = lost[k]
    return rec
