"""Depot and shipyard maintenance scheduling (CP-SAT): `allyforge.schedule(network, ...)`."""

from __future__ import annotations

from allyforge.schedule.check import check_schedule
from allyforge.schedule.core import SolverSettings
from allyforge.schedule.data import MaintenanceData, from_network
from allyforge.schedule.eligibility import EligibilityRules
from allyforge.schedule.model import Weights
from allyforge.schedule.result import Schedule
from allyforge.schedule.solve import schedule
from allyforge.schedule.whatif import Comparison, compare

__all__ = ["Comparison", "EligibilityRules", "MaintenanceData", "Schedule", "SolverSettings", "Weights", "check_schedule", "compare", "from_network", "schedule"]


def _make_callable() -> None:
    """`allyforge.schedule` is both this package and the function: once any submodule is
    imported, Python binds the package as the attribute, so the package itself must be
    callable for `allyforge.schedule(network, ...)` to keep working."""
    import sys
    import types

    class _CallablePackage(types.ModuleType):
        def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return schedule(*args, **kwargs)

    sys.modules[__name__].__class__ = _CallablePackage


_make_callable()
