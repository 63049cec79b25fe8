"""A stored schedule run as sections: the schedule's answer first, then the scheduler's own charts.

The Gantt and ready-days charts are `allyforge.schedule.charts`' own, drawn from the
Schedule that `allyforge.store.load_result` rebuilds from the run's tables.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import escape as e_

from allyforge.report.sections import Section, generic_sections
from allyforge.store import Run, Store, load_result

AVAILABILITY_COLUMNS = ["availability", "asset", "yard", "release", "start", "end", "due", "days_late", "lost_ready_days"]


def schedule_sections(store: Store, run: Run) -> list[Section]:
    s = load_result(store, run)
    if s is None:
        return generic_sections(store, run)
    from allyforge.schedule import charts

    av = s.availabilities
    gap = f"{100 * s.gap:.2f}%" if s.gap is not None else "n/a"
    ans = Section("answer", "The schedule", [
        f"{e_(s.status)} schedule of {len(av)} availabilities released in {s.year}: {int(av['days_late'].sum()) if len(av) else 0} days late in all, "
        f"{int(av['lost_ready_days'].sum()) if len(av) else 0} ready-days lost; objective {s.objective if s.objective is not None else float('nan'):,.1f} (bound "
        f"{s.bound if s.bound is not None else float('nan'):,.1f}, gap {gap})."])
    ans.bullets += [str(e_(line)) for line in s.explanation]
    ans.charts.append(("chart-gantt", charts.gantt(s)))
    ans.tables.append(("Availabilities: yard, span, due date, days late, ready-days lost", av[[c for c in AVAILABILITY_COLUMNS if c in av]]))
    ready = Section("ready-days", "Fleet ready-days", charts=[("chart-ready-days", charts.ready_days_figure(s))])
    if "utilization" in run.tables:
        ready.tables.append(("Yard utilization per month (share of workforce used, share of dock-days held)", store.table(run.id, "utilization")))
    packages = Section("packages", "Work packages", tables=[("Every work package: yard, dock, start, end (exclusive)", s.packages)])
    return [ans, ready, packages]


def schedule_answer(store: Store, run: Run) -> tuple[str, pd.DataFrame] | None:
    if "availabilities" not in run.tables:
        return None
    av = store.table(run.id, "availabilities")
    return "Maintenance schedule", av[[c for c in AVAILABILITY_COLUMNS if c in av]]
