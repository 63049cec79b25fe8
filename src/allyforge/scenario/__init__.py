"""Scenarios: the YAML model, its events and distributions, and their resolution to arrays."""

from __future__ import annotations

from allyforge.scenario.errors import ScenarioError, ScenarioProblem
from allyforge.scenario.events import EVENT_TYPES
from allyforge.scenario.load import bundled_scenarios, default_scenario, load_scenario, parse_scenario
from allyforge.scenario.model import Rules, Scenario, TradeRuleSpec
from allyforge.scenario.resolve import Drivers, Effect, Investment, StockChange, apply_candidate, resolve, rules_in_force

__all__ = [
    "EVENT_TYPES", "Drivers", "Effect", "Investment", "Rules", "Scenario", "ScenarioError", "ScenarioProblem", "StockChange",
    "TradeRuleSpec", "apply_candidate", "bundled_scenarios", "default_scenario", "load_scenario", "parse_scenario", "resolve",
    "rules_in_force",
]
