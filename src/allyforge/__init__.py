"""allyforge: planning allied defense-industrial co-production and its critical-mineral supply chains.

Public API (faces call only these): `load_pack`, `Network`, `PackError`, and the
engines' entry points as they land (`simulate`, `optimize`, `risk`, `schedule`,
`open_store`). Engines are imported lazily so `import allyforge` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

from allyforge.network import Network
from allyforge.pack import PackError, Problem, bundled_packs, load_pack, write_pack

# name -> module that defines it; engines register here as they land
_LAZY: dict[str, str] = {
    "load_scenario": "allyforge.scenario",
    "Scenario": "allyforge.scenario",
    "simulate": "allyforge.simulate",
    "SimulationResult": "allyforge.simulate",
    "open_store": "allyforge.store",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'allyforge' has no attribute {name!r}")


__all__ = ["Network", "PackError", "Problem", "__version__", "bundled_packs", "load_pack", "write_pack", *_LAZY]
