"""`python -m allyforge.scenario` prints the scenario JSON Schema (docs/scenario.schema.json)."""

from allyforge.scenario.model import json_schema_text

print(json_schema_text(), end="")
