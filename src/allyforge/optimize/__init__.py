"""The optimizer: planning LP, mitigation portfolio, stockpile sizing, safety-stock placement."""

from __future__ import annotations

from allyforge.optimize.gsm_readers import StageTableError, read_stage_table, read_willems
from allyforge.optimize.safety_stock import GSMProblem, GSMSolution, solve_gsm

__all__ = ["GSMProblem", "GSMSolution", "StageTableError", "read_stage_table", "read_willems", "solve_gsm"]
