"""`allyforge packs | schema | validate | show`: the pack-facing verbs."""

from __future__ import annotations

import json


import typer

from allyforge.cli import app
from allyforge.cli.output import EXIT_BAD_INPUT, console, err_console, fail, table


@app.command()
def packs() -> None:
    """List the bundled data packs."""
    from allyforge.pack import bundled_packs, read_pack

    rows = []
    for name, path in bundled_packs().items():
        meta = read_pack(path).meta
        cal = meta.get("calendar", {})
        rows.append((name, meta.get("version", ""), f"{cal.get('start', '')}..{cal.get('end', '')}", str(meta.get("description", ""))[:90]))
    console.print(table("Bundled packs", ["name", "version", "calendar", "description"], rows))


@app.command("schema")
def schema_cmd(
    entity: str = typer.Argument(None, help="Only this table."),
    fmt: str = typer.Option("table", "--format", help="table, markdown or json."),
) -> None:
    """Print the pack schema: every table and column, its type, unit and meaning."""
    from allyforge.schema import schema, schema_rows
    from allyforge.schema.docgen import render

    if entity and entity not in schema():
        fail(f"unknown table {entity!r}; tables: {', '.join(schema())}")
    rows = [r for r in schema_rows() if not entity or r["entity"] == entity]
    if fmt == "markdown":
        typer.echo(render())
    elif fmt == "json":
        typer.echo(json.dumps(rows, indent=1))
    elif fmt == "table":
        cols = ["entity", "attribute", "dtype", "unit", "required", "default", "references", "description"]
        console.print(table("Pack schema", cols, ([r[c] for c in cols] for r in rows)))
    else:
        fail(f"unknown format {fmt!r}: table, markdown or json")


def _load(pack: str):
    from allyforge.pack import PackError, load_pack

    try:
        return load_pack(pack)
    except PackError as e:
        err_console.print(f"[bold red]pack {pack} is not valid[/]: {len(e.problems)} problem(s)", highlight=False)
        for p in e.problems:
            err_console.print(f"  {p}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@app.command()
def validate(pack: str = typer.Argument(..., help="Bundled pack name, pack folder or .xlsx workbook.")) -> None:
    """Check a pack; print every problem with file, row and column (exit 2 when any)."""
    net = _load(pack)
    counts = ", ".join(f"{len(net.table(n))} {n}" for n in ("sites", "processes", "lanes", "demands") if len(net.table(n)))
    console.print(f"[green]valid[/]: {net.name} {net.meta.version} ({counts})", highlight=False)


@app.command()
def show(
    pack: str = typer.Argument(..., help="Bundled pack name, pack folder or .xlsx workbook."),
    section: list[str] = typer.Option(None, "--section", "-s", help="programs, tiers, countries, materials, rules, budgets, assumptions, uncertain (default: all)."),
) -> None:
    """Show what a pack holds: programs, tiers, countries, materials, rules, budgets, assumptions."""
    from allyforge.pack import summary

    net = _load(pack)
    wanted = set(section or ["programs", "tiers", "countries", "materials", "rules", "budgets", "assumptions", "uncertain"])
    unknown = wanted - {"programs", "tiers", "countries", "materials", "rules", "budgets", "assumptions", "uncertain"}
    if unknown:
        fail(f"unknown section(s): {', '.join(sorted(unknown))}")
    m = net.meta
    console.print(f"[bold]{m.name}[/] {m.version} — {m.calendar.kind}ly {m.calendar.start}..{m.calendar.end}, base currency {m.base_currency}", highlight=False)
    if m.description:
        console.print(m.description, highlight=False)

    def show_frame(title: str, df, caption: str | None = None) -> None:
        console.print(table(title, list(df.columns), df.itertuples(index=False, name=None), caption))

    if "programs" in wanted:
        show_frame("Programs (capacity in runs per period)", summary.programs(net))
    if "tiers" in wanted:
        show_frame("Tiers", summary.tiers(net))
    if "countries" in wanted:
        show_frame("Countries", summary.countries(net))
    if "materials" in wanted:
        show_frame("Critical materials: production by country (annual_output)", summary.materials(net))
    if "rules" in wanted:
        show_frame("Trade rules", summary.rules(net))
    if "budgets" in wanted:
        show_frame("Budgets", summary.budgets(net))
    if "assumptions" in wanted:
        a = net.assumptions()
        show_frame(f"Assumptions ({len(a)} figures)", a[["table", "key", "column", "value", "low", "high", "rationale"]])
    if "uncertain" in wanted:
        u = net.uncertain_sources().reset_index()
        show_frame(f"Facts flagged uncertain ({len(u)})", u[["id", "title", "confidence", "note"]])


