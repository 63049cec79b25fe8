"""Generate docs/pack-format.md from the schema table (a test proves the file is current)."""

from __future__ import annotations

from allyforge.schema import schema

HEADER = """# Pack format

*Generated from `src/allyforge/schema/*.csv` by `make docs`; do not edit by hand.*

A pack is a folder holding `pack.yaml` and one table per entity, as CSV (UTF-8,
byte-order mark tolerated, header = row 1, first data row = row 2, blank lines
skipped) or Parquet (`<table>.parquet`, rows numbered from 1); or one XLSX
workbook with a `_pack` sheet (key/value rows of pack.yaml's fields) and one sheet
per table. `pack.yaml` fields: `name`, `version`, `description`,
`calendar: {kind: month|week, start, end}` (periods `YYYY-MM` or `YYYY-Www`),
`base_currency`, `default_scenario`.

Conventions: list columns are `;`-separated; booleans are `true`/`false`; dates
are `YYYY-MM-DD`; every row that fills a *figure* column must cite a `sources` id;
a row that gives a range (`low`, `high`) is an assumption and must cite a source
of kind `assumption`.
"""


def render() -> str:
    parts = [HEADER]
    for t in schema().values():
        parts.append(f"\n## `{t.name}`{'' if t.required else ' (optional table)'}\n\n{t.description}. Key: `{', '.join(t.key)}`.\n")
        parts.append("| column | dtype | unit | required | default | references | figure | time-varying | description |")
        parts.append("|---|---|---|---|---|---|---|---|---|")
        for c in t.columns:
            req = "key" if c.name in t.key else ("yes" if c.required else "no")
            parts.append(
                f"| `{c.name}` | {c.dtype.replace('|', ' / ')} | {c.unit} | {req} | {c.default} | {c.ref} | "
                f"{'yes' if c.figure else ''} | {'yes' if c.time_varying else ''} | {c.description.replace('|', '/')} |"
            )
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
