"""The schema table drives validation and documentation; the docs must be current."""

from __future__ import annotations

from pathlib import Path

from allyforge.schema import schema, schema_rows
from allyforge.schema.docgen import render

ROOT = Path(__file__).resolve().parents[2]


def test_pack_format_doc_is_current() -> None:
    doc = (ROOT / "docs" / "pack-format.md").read_text()
    assert doc == render(), "docs/pack-format.md is stale: run `make docs`"


def test_every_design_table_is_declared() -> None:
    # DESIGN.md "Data pack" lists these tables; the schema must carry them all.
    design = {"items", "programs", "sites", "processes", "process_inputs", "process_outputs", "capacities", "lanes", "stocks", "demands", "trade_rules", "parties", "budgets", "rates", "candidates", "sources"}
    assert design <= set(schema())


def test_references_point_at_declared_tables() -> None:
    tables = set(schema())
    special = {"items_or_groups", "candidate_target"}
    for t in schema().values():
        assert set(t.key) <= set(t.column_names), t.name
        for c in t.columns:
            assert not c.ref or c.ref in tables or c.ref in special, (t.name, c.name, c.ref)
            assert c.dtype in {"str", "int", "float", "bool", "date", "period", "list", "country", "country_or_any", "currency"} or c.dtype.startswith("enum:"), (t.name, c.name)
            if c.figure:
                assert "source" in t.column_names, f"{t.name}.{c.name} is a figure but {t.name} has no source column"


def test_schema_rows_cover_every_column() -> None:
    assert len(schema_rows()) == sum(len(t.columns) for t in schema().values())
