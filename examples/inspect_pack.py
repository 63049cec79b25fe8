"""Inspect the bundled pack: programs, the most concentrated materials, and the assumptions.

Run: .venv/bin/python examples/inspect_pack.py
"""

from __future__ import annotations

import allyforge
from allyforge.pack import summary

net = allyforge.load_pack("us-japan-2026")
print(net)
print(summary.programs(net).to_string(index=False))
mats = summary.materials(net)
print(mats[["item", "annual output", "top producers"]].to_string(index=False))
a = net.assumptions()
print(f"{len(a)} figures rest on assumptions; {len(net.uncertain_sources())} sources are flagged uncertain")
