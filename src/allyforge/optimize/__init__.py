"""The optimizer: planning LP, mitigation portfolio, stockpile sizing, safety-stock placement.

`optimize(network, scenario, ...) -> Plan` is the public entry point (allyforge.optimize);
the guaranteed-service model (`solve_gsm`, `read_willems`, `read_stage_table`) stands apart.
"""

from __future__ import annotations

from allyforge.optimize.api import optimize, pareto_figure, scenario_yaml, with_investments
from allyforge.optimize.gsm_readers import StageTableError, read_stage_table, read_willems
from allyforge.optimize.safety_stock import GSMProblem, GSMSolution, solve_gsm
from allyforge.optimize.solve import InfeasibleError, Plan, SolverFailure, solve_planning
from allyforge.optimize.stockpile import StockpileSizing, size_stockpiles

__all__ = [
    "GSMProblem", "GSMSolution", "InfeasibleError", "Plan", "SolverFailure", "StageTableError", "optimize", "pareto_figure",
    "StockpileSizing", "read_stage_table", "read_willems", "scenario_yaml", "size_stockpiles", "solve_gsm", "solve_planning",
    "with_investments",
]


class _CallableModule(__import__("types").ModuleType):
    """Importing the subpackage binds `allyforge.optimize` to this module, shadowing the lazily
    exported function of the same name; calling the module calls the function."""

    def __call__(self, *args, **kwargs) -> Plan:
        return optimize(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
