"""Uncertain parameters: a number, or one of DESIGN's distributions, drawn once per sample.

Each distribution is a one-key mapping in YAML (`{uniform: [6, 24]}`), so a scenario
reads like the statement of the assumption. Drawing goes through a numpy Generator
that the caller owns (one per sample and event; see `allyforge.scenario.sampling`).
"""

from __future__ import annotations

from typing import Annotated, Any, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def draw(self, gen: np.random.Generator, size: int | tuple[int, ...] | None = None) -> Any:
        raise NotImplementedError

    @property
    def central(self) -> float:
        """A representative value (the median where it is cheap to state), for plans and reports."""
        raise NotImplementedError


class Uniform(_Dist):
    uniform: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        lo, hi = self.uniform
        if hi < lo:
            raise ValueError(f"uniform: [lo, hi] needs lo <= hi, got [{lo}, {hi}]")
        return self

    def draw(self, gen: np.random.Generator, size: Any = None) -> Any:
        lo, hi = self.uniform
        return gen.uniform(lo, hi, size)

    @property
    def central(self) -> float:
        return (self.uniform[0] + self.uniform[1]) / 2


class Triangular(_Dist):
    triangular: tuple[float, float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        lo, mode, hi = self.triangular
        if not lo <= mode <= hi or lo == hi:
            raise ValueError(f"triangular: [lo, mode, hi] needs lo <= mode <= hi and lo < hi, got [{lo}, {mode}, {hi}]")
        return self

    def draw(self, gen: np.random.Generator, size: Any = None) -> Any:
        return gen.triangular(*self.triangular, size)

    @property
    def central(self) -> float:
        return self.triangular[1]


class Normal(_Dist):
    normal: tuple[float, float]

    @model_validator(mode="after")
    def _sd(self) -> Normal:
        if self.normal[1] < 0:
            raise ValueError(f"normal: [mean, sd] needs sd >= 0, got {self.normal[1]}")
        return self

    def draw(self, gen: np.random.Generator, size: Any = None) -> Any:
        return gen.normal(self.normal[0], self.normal[1], size)

    @property
    def central(self) -> float:
        return self.normal[0]


class LognormalSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    median: float = Field(gt=0)
    sigma: float = Field(ge=0)


class Lognormal(_Dist):
    lognormal: LognormalSpec

    def draw(self, gen: np.random.Generator, size: Any = None) -> Any:
        return gen.lognormal(np.log(self.lognormal.median), self.lognormal.sigma, size)

    @property
    def central(self) -> float:
        return self.lognormal.median


class Bernoulli(_Dist):
    bernoulli: float = Field(ge=0, le=1)

    def draw(self, gen: np.random.Generator, size: Any = None) -> Any:
        return np.asarray(gen.random(size) < self.bernoulli, dtype=float)

    @property
    def central(self) -> float:
        return float(self.bernoulli >= 0.5)


Distribution = Union[Uniform, Triangular, Normal, Lognormal, Bernoulli]
#: A parameter: a fixed number or a distribution drawn once per sample per event.
Param = Annotated[Union[float, Distribution], Field(union_mode="left_to_right")]


def draw(param: float | _Dist | None, gen: np.random.Generator, default: float | None = None) -> float | None:
    """One draw of a parameter (a fixed number is returned as is, without consuming randomness)."""
    if param is None:
        return default
    if isinstance(param, _Dist):
        return float(param.draw(gen))
    return float(param)


def is_random(param: object) -> bool:
    return isinstance(param, _Dist)
