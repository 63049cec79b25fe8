"""`allyforge risk PACK [--scenario S]`: the map of fragility at one moment, top risks first."""

from __future__ import annotations

from pathlib import Path

import typer

from allyforge.cli import app
from allyforge.cli.output import EXIT_FAILURE, console, fail, table


def _parse_ttr(values: list[str] | None) -> dict[str, float] | None:
    """`N` (every site; key "*") and `SITE=N` (that site), repeatable."""
    if not values:
        return None
    out: dict[str, float] = {}
    for v in values:
        site, eq, num = v.rpartition("=") if "=" in v else ("*", "", v)
        try:
            out[site.strip()] = float(num)
        except ValueError:
            fail(f"--ttr {v!r}: give periods (a number) or SITE=PERIODS, repeatable")
    return out


def _few(programs: str, n: int = 3) -> str:
    """A long '; '-list of programs shortened for the terminal (the tables keep it whole)."""
    ps = [p for p in str(programs).split("; ") if p]
    return ", ".join(ps) if len(ps) <= n else ", ".join(ps[:n]) + f" +{len(ps) - n} more"


def _pct(v: float) -> str:
    return f"{v:.0%}"


@app.command("risk")
def risk_cmd(
    pack: str = typer.Argument(..., help="Bundled pack name, pack folder or .xlsx workbook."),
    scenario: str = typer.Option(None, "--scenario", "-s", help="Scenario (a bundled name or a YAML path) whose trade rules and events apply at --at."),
    sample: int = typer.Option(0, "--sample", min=0, help="Which of the scenario's samples supplies drawn event parameters."),
    at: str = typer.Option(None, "--at", help="Date (YYYY-MM-DD) or period whose rates and trade rules apply (default: the pack's first period, or the scenario's start)."),
    program: list[str] = typer.Option(None, "--program", "-p", help="Only this program (repeatable)."),
    party: str = typer.Option(None, "--party", help="Only this party's programs."),
    ttr: list[str] = typer.Option(None, "--ttr", help="Time to recover in periods: N for every site, or SITE=N (repeatable); overrides the pack's sites.ttr and the scenario's outage durations."),
    near: float = typer.Option(0.5, "--near", min=0.0, max=1.0, help="A node cutting a program's maximum output by more than this share is a near single point of failure."),
    out: Path = typer.Option(None, "--out", "-o", help="Write tidy tables and offline HTML charts here."),
    fmt: str = typer.Option("parquet", "--format", help="Table format under --out: parquet or csv."),
    workers: int = typer.Option(None, "--workers", min=1, help="Worker processes for time-to-survive (default: up to 4)."),
    top: int = typer.Option(8, "--top", min=1, help="Rows of each kind of top risk to print."),
) -> None:
    """Exposure tracing, concentration, time-to-survive/recover and single points of failure (under --scenario when given)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from allyforge.cli.pack_commands import _load
    from allyforge.cli.run_command import _report_scenario_error
    from allyforge.pack import resolve_pack
    from allyforge.risk import RiskInputError, risk
    from allyforge.risk.tts import SolveError
    from allyforge.scenario import ScenarioError, load_scenario

    if fmt not in ("parquet", "csv"):
        fail(f"unknown --format {fmt!r}: parquet or csv")
    net = _load(pack)
    sc = None
    if scenario is not None:
        try:
            sc = load_scenario(scenario, resolve_pack(pack))
        except ScenarioError as e:
            _report_scenario_error(e)
    ttr_v = _parse_ttr(ttr)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True) as bar:

        def stage(name: str, total: int):
            task = bar.add_task(name, total=total)
            return lambda n: bar.advance(task, n)

        try:
            rep = risk(net, scenario=sc, sample=sample, at=at, programs=program or None, party=party, ttr=ttr_v, near=near, workers=workers, progress=stage)
        except ScenarioError as e:
            _report_scenario_error(e)
        except RiskInputError as e:
            fail(str(e))
        except SolveError as e:
            fail(f"solver failure: {e}", EXIT_FAILURE)

    rules = ", ".join(rep.rules_applied) or "none"
    under = f" under scenario {rep.scenario} (sample {rep.sample}; events in force: {', '.join(rep.events_applied) or 'none'})" if sc is not None else ""
    console.print(f"[bold]{net.name}[/] risk as of {rep.at}{under} (horizon {rep.horizon:g} periods; trade rules in force: {rules})", highlight=False)
    if sc is not None and sc.pack and sc.pack not in (net.name, pack):
        console.print(f"[yellow]note:[/] scenario {sc.name} names pack {sc.pack}; it is applied to {net.name}", highlight=False)
    if not at:
        first = "the scenario's start" if sc is not None else "the pack's first period"
        console.print(f"[yellow]note:[/] no --at: rates and rules are those of {rep.at}, {first}", highlight=False)
    for n in rep.notes:
        console.print(f"[yellow]note:[/] {n}", highlight=False)

    tr = rep.top_risks(per_kind=top)
    console.print(table("Top risks", ["#", "kind", "program", "where", "detail"], ((r, k, _few(p), w, d) for r, k, p, w, d in tr[["rank", "kind", "program", "where", "detail"]].itertuples(index=False, name=None))))

    names = rep.programs["name"].to_dict()
    ex = rep.exposure[rep.exposure["kind"].isin(["mineral", "material"])]
    rows = []
    for (p, m), g in ex.groupby(["program", "material"], sort=True):
        g = g.sort_values("share", ascending=False)
        rows.append((names.get(p, p), m, ", ".join(f"{c} {s:.0%}" for c, s in zip(g["country"].head(4), g["share"].head(4))), _pct(g["blocked_share"].sum())))
    console.print(table(f"Exposure: country of origin of each program's minerals and materials (all tiers; blocked at {rep.at})", ["program", "material", "origin shares", "blocked"], rows))

    pth = rep.paths.sort_values(["program", "rank"]).groupby("program").head(3)
    console.print(table("Heaviest supply paths (share of the material; passing = share the rules let through)", ["program", "share", "passing", "path"], ((p, _pct(a), _pct(b), t) for p, a, b, t in pth[["program", "share", "passing", "path"]].itertuples(index=False, name=None))))

    t = rep.tts.sort_values(["flagged", "rei", "tts"], ascending=[False, False, True]).head(15)
    t_rows = [(r.node, r.country, ("≥ " if r.tts_at_least_horizon else "") + f"{r.tts:.3g}", r.ttr, r.pi, r.rei, "TTS < TTR" if r.flagged else "") for r in t.itertuples()]
    console.print(table(f"Time to survive the loss of each node (periods; {len(rep.tts)} nodes, {int(rep.tts['flagged'].sum())} flagged)", ["node", "country", "TTS", "TTR", "PI (units lost)", "REI", "flag"], t_rows))

    h = rep.hhi.sort_values("hhi", ascending=False)
    console.print(table("Concentration of production (HHI of annual_output by country)", ["material", "stage", "HHI", "top", "top share", "producers"], [(*r[:4], _pct(r[4]), r[5]) for r in h[["material", "stage", "hhi", "top_country", "top_share", "producers"]].itertuples(index=False, name=None)]))

    c = rep.criticality
    c = c[c["programs_exposed"] > 0]
    console.print(table("Criticality (EU SR/EI: European Commission, CRM study 2023, doi:10.2873/725585)", ["material", "party", "HHI mine", "HHI refining", "from top producer", "blocked", "EU SR", "EU EI", "EU critical"],
                        [(*r[:4], _pct(r[4]), _pct(r[5]), *r[6:]) for r in c[["material", "party", "hhi_mine", "hhi_refining", "max_share_from_top_producer", "max_blocked_share", "eu_supply_risk", "eu_economic_importance", "eu_critical"]].itertuples(index=False, name=None)]))

    ir = rep.import_reliance
    console.print(table("Net import reliance (model = the pack's planned flows; cited = USGS)", ["party", "material", "basis", "reliance", "range / figure"],
                        [(r.party, r.material, r.basis, _pct(r.net_import_reliance), r.figure) for r in ir.itertuples()]))

    if out is not None:
        files = rep.write(out, fmt=fmt)
        console.print(f"wrote {len(files)} files to {out} (tables as {fmt}, charts as offline HTML)", highlight=False)
