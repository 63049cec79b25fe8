"""The SAA mitigation portfolio on the bundled pack: `allyforge optimize china-export-ban-2026
--pack us-japan-2026` with the defaults (30 sampled disruptions, 200 evaluation samples, the
Pareto curve at 0, 0.25, 0.5, 1 and 2 x budget). Issue 6 aim: under about 2 minutes on 2 cores.

Reported: wall time of the whole call and of each phase (from the progress callback), the
number of distinct samples, Benders iterations, cuts and gap per budget. Before timing, the
decomposition is checked against the extensive-form MILP (one linopy model of every sample,
HiGHS) on --check-samples samples at 1 and 0.25 x budget: objectives equal within the gap.

    .venv/bin/python -m benchmarks.optimize_saa [--samples 30] [--eval-samples 200] [--check-samples 3] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import allyforge
from allyforge.optimize.data import PlanningData
from allyforge.optimize.portfolio import DEFAULT_SAA_GAP, budget_table, purchase_options, saa_solver
from allyforge.scenario import resolve


def check_against_extensive(net, sc, samples: int) -> list[str]:  # noqa: ANN001
    drv = resolve(net, sc, samples=samples)
    opts = purchase_options(net, drv)
    data = PlanningData(drv, drv.sample_ids, extra_stockpiles=tuple(sorted({f"{o.site}/{o.target}" for o in opts if o.kind == "stockpile"})))
    budgets = budget_table(net, drv)
    lines = []
    benders, extensive = saa_solver(data, opts, seed=sc.seed), saa_solver(data, opts, seed=sc.seed, method="extensive")
    for scale in (1.0, 0.25):
        b = budgets.assign(budget=budgets["budget"] * scale)
        t0 = time.perf_counter()
        x = benders.solve(b)
        tb = time.perf_counter() - t0
        t0 = time.perf_counter()
        y = extensive.solve(b)
        te = time.perf_counter() - t0
        rel = abs(x.objective - y.objective) / abs(y.objective)
        assert x.solver["condition"] == y.solver["condition"] == "optimal", (x.solver, y.solver)
        assert rel <= 2 * DEFAULT_SAA_GAP, (scale, x.objective, y.objective)
        lines.append(f"  {scale:g} x budget: Benders {x.objective:,.2f} ({tb:.1f} s), extensive {y.objective:,.2f} ({te:.1f} s), "
                     f"relative difference {rel:.1e} (gap {DEFAULT_SAA_GAP:g})")
    return lines


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=None, help="SAA samples (default: the optimizer's, 30)")
    ap.add_argument("--eval-samples", type=int, default=200)
    ap.add_argument("--check-samples", type=int, default=3, help="samples for the Benders = extensive-form check (0 skips it)")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    net = allyforge.load_pack("us-japan-2026")
    sc = allyforge.load_scenario("china-export-ban-2026")
    if a.check_samples:
        print(f"Benders versus the extensive form on {a.check_samples} samples:")
        print("\n".join(check_against_extensive(net, sc, a.check_samples)))
    totals = []
    for _ in range(a.repeat):
        marks: list[tuple[str, float]] = []
        t0 = time.perf_counter()
        plan = allyforge.optimize(net, sc, samples=a.samples, eval_samples=a.eval_samples, progress=lambda msg, frac: marks.append((msg, time.perf_counter())))
        totals.append(time.perf_counter() - t0)
    load = os.getloadavg()
    saa = plan.extra["saa"]
    print(f"allyforge optimize china-export-ban-2026 (defaults): median {statistics.median(totals):.1f} s over {a.repeat} run(s); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; aim < 120 s")
    print(f"  SAA: {saa['samples']} sampled disruptions, {saa['distinct_samples']} distinct; evaluation {saa['eval_samples']} simulator samples")
    for (msg, t), (_, t_next) in zip(marks, [*marks[1:], ("end", t0 + totals[-1])]):
        print(f"  {msg:40s} {t_next - t:6.1f} s")
    print(plan.pareto[["budget_scale", "cost_base", "in_sample_expected_shortfall", "expected_shortfall", "condition"]].to_string(index=False))


if __name__ == "__main__":
    main()
