"""Run every benchmark module in this folder that defines `main()`."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks

for m in pkgutil.iter_modules(benchmarks.__path__):
    if m.name.startswith("_") or m.name.startswith("generate"):
        continue
    mod = importlib.import_module(f"benchmarks.{m.name}")
    if hasattr(mod, "main"):
        print(f"== {m.name}", flush=True)
        mod.main(sys.argv[1:] if len(sys.argv) > 1 else [])
