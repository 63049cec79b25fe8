"""A stored risk run as report and dashboard sections: the top risks first, then the risk module's charts.

The charts are the risk module's own (`RiskReport.figures()`: exposure heatmap, TTS vs
TTR scatter, country → material → program Sankey), drawn from the RiskReport that
`allyforge.store.load_result` rebuilds from the run's tables; nothing is redrawn here.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import escape as e_

from allyforge.report.sections import Section, generic_sections
from allyforge.store import Run, Store, load_result

TOP_COLUMNS = ["rank", "kind", "program", "where", "detail"]
BULLETS = 12  # top risks spelled out above the table


def _few(programs: str, n: int = 4) -> str:
    """A long '; '-list of programs shortened for a bullet (the table keeps it whole)."""
    ps = [p for p in str(programs).split("; ") if p]
    return ", ".join(ps) if len(ps) <= n else ", ".join(ps[:n]) + f" +{len(ps) - n} more"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def headline(rep) -> str:
    """One paragraph (HTML, data escaped): where the pack is fragile at this moment."""
    sp, tts, ex = rep.single_points, rep.tts, rep.exposure
    n_sp = sp.loc[sp["single_point"], "node"].nunique()
    n_flag = int(tts["flagged"].sum())
    blocked = ex.loc[ex["blocked_share"] > 1e-9, "program"].nunique()
    under = f" under scenario <strong>{e_(rep.scenario)}</strong> (sample {rep.sample})" if rep.scenario else ""
    by = "trade rules and scenario events" if rep.scenario else "trade rules"
    return (
        f"As of {e_(rep.at)} on pack {e_(rep.pack)}{under}: <strong>{_plural(n_sp, 'single point')} of failure</strong> "
        f"each stop at least one program outright; {_plural(n_flag, 'node')} of {len(tts)} cannot be survived for as long as "
        f"{'it takes' if n_flag == 1 else 'they take'} to recover (TTS < TTR); {blocked} of {_plural(len(rep.programs), 'program')} draw supply through lanes the {by} in force block."
    )


def _in_force(rep) -> str:
    rules = ", ".join(rep.rules_applied) or "none"
    text = f"Trade rules in force on {e_(rep.at)} that touch a lane: {e_(rules)}."
    if rep.scenario:
        text += f" Scenario events changing what risk read: {e_(', '.join(rep.events_applied) or 'none')}."
    return text


def _origin_shares(rep) -> pd.DataFrame:
    """Per program and material: the countries it comes from (largest first) and the share blocked."""
    names = rep.programs["name"].to_dict()
    ex = rep.exposure[rep.exposure["kind"].isin(["mineral", "material"])]
    rows = []
    for (p, m), g in ex.groupby(["program", "material"], sort=True):
        g = g.sort_values("share", ascending=False)
        rows.append({"program": names.get(p, p), "material": m, "origin shares": ", ".join(f"{c} {s:.0%}" for c, s in zip(g["country"], g["share"])),
                     "blocked": f"{g['blocked_share'].sum():.0%}"})
    return pd.DataFrame(rows, columns=["program", "material", "origin shares", "blocked"])


def risk_sections(store: Store, run: Run) -> list[Section]:
    rep = load_result(store, run)
    if rep is None:  # a risk run stored without the RiskReport's tables
        return generic_sections(store, run)
    figs = rep.figures()
    top = store.table(run.id, "top_risks") if "top_risks" in run.tables else rep.top_risks()
    ans = Section("answer", "Top risks", [headline(rep), _in_force(rep)], notes=list(rep.notes))
    for r in top.head(BULLETS).itertuples(index=False):
        progs = f" ({e_(_few(r.program))})" if r.program else ""
        ans.bullets.append(f"<strong>{e_(r.kind)}</strong>: {e_(r.where)}{progs}; {e_(r.detail)}")
    ans.tables.append(("Top risks, most severe kind first", top[TOP_COLUMNS]))

    exposure = Section("exposure", "Exposure by country of origin", [
        "The share of each program's minerals and materials that comes from each country, through every tier; "
        "a blocked share passes through lanes the rules in force stop."])
    exposure.charts += [("chart-exposure-heatmap", figs["exposure_heatmap"]), ("chart-material-sankey", figs["material_sankey"])]
    exposure.tables.append(("Origin of each program's minerals and materials (all tiers)", _origin_shares(rep)))
    paths = rep.paths.sort_values(["program", "rank"]).groupby("program").head(3)
    exposure.tables.append(("Heaviest supply paths per program (share of the material; passing = share the rules let through)", paths[["program", "material", "origin_country", "share", "passing", "path"]]))

    tts = rep.tts.sort_values(["flagged", "rei", "tts"], ascending=[False, False, True])
    survive = Section("survival", "Time to survive and time to recover", [
        f"Time to survive (TTS): how many periods demand at {e_(rep.at)} rates is met with a node lost, capped at the horizon "
        f"({rep.horizon:g} periods). A node whose TTS is shorter than its time to recover (TTR) is flagged; PI is the demand lost over its TTR."])
    survive.charts.append(("chart-tts-vs-ttr", figs["tts_vs_ttr"]))
    survive.tables.append((f"Every node ({len(tts)}; {int(tts['flagged'].sum())} flagged), flagged and most severe first", tts))

    sp = rep.single_points
    single = Section("single-points", "Single points of failure")
    hits = sp[sp["single_point"] | sp["near"]].sort_values(["single_point", "drop", "program"], ascending=[False, False, True])
    if len(hits):
        single.paragraphs.append(f"A single point stops a program outright when lost; a near single point cuts its maximum output by more than {rep.near:.0%}.")
        single.tables.append(("Nodes whose loss stops or nearly stops a program", hits))
    else:
        single.paragraphs.append(f"No node's loss stops a program or cuts its maximum output by more than {rep.near:.0%}.")

    conc = Section("concentration", "Concentration and criticality", [
        "HHI of production by country per material and stage (0–1); criticality beside the EU's supply risk and economic importance "
        "(European Commission, Study on the Critical Raw Materials for the EU 2023, doi:10.2873/725585)."])
    conc.tables.append(("Concentration of production (HHI of annual output by country)", rep.hhi.sort_values("hhi", ascending=False)))
    crit = rep.criticality
    conc.tables.append(("Criticality of the materials the programs draw", crit[crit["programs_exposed"] > 0]))
    conc.tables.append(("Net import reliance (model = the pack's planned flows; cited = USGS)", rep.import_reliance))
    return [ans, exposure, survive, single, conc]


def risk_answer(store: Store, run: Run) -> tuple[str, pd.DataFrame] | None:
    if "top_risks" not in run.tables:
        return None
    return "Top risks", store.table(run.id, "top_risks")[TOP_COLUMNS]
