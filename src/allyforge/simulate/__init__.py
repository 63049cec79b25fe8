"""Simulation: time-phased Monte Carlo over a Network and a Scenario (docs/simulation.md).

`simulate(network, scenario)` resolves the scenario (allyforge.scenario), compiles
the network to index arrays, steps all samples together and returns a
SimulationResult. Nothing is written into the Network. The binding constraint of
each shortfall (S12) is traced from the recorded cut totals when first asked for
(`result.binding`, which the summary reads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from allyforge.simulate.compiled import SimulationInputError
from allyforge.simulate.result import SimulationResult

if TYPE_CHECKING:
    from allyforge.network import Network
    from allyforge.scenario import Drivers, Scenario

#: Above this many values held (samples x (8 nodes + processes + lanes) x periods),
#: node/process/lane arrays are streamed as per-period sums and samples run in chunks.
STREAM_THRESHOLD = 50_000_000
CHUNK_VALUES = 20_000_000  # state values per chunk when streaming

__all__ = ["STREAM_THRESHOLD", "SimulationInputError", "SimulationResult", "simulate"]


def simulate(
    network: Network,
    scenario: Scenario,
    *,
    samples: int | None = None,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    stream_threshold: int = STREAM_THRESHOLD,
    recipe: dict[tuple[str, str, str], float] | None = None,
    drivers: Drivers | None = None,
) -> SimulationResult:
    """Run `scenario` on `network`; `samples`/`seed` override the scenario's (like the CLI flags).

    `progress(done, total)` is called after every period of every chunk. `recipe`
    overrides recipe quantities {(inputs|outputs, process, item): quantity} (used by
    the one-at-a-time sensitivity).
    """
    from allyforge.scenario import resolve
    from allyforge.simulate.binding import attribute
    from allyforge.simulate.compiled import compile_network
    from allyforge.simulate.engine import ChunkOut, run_chunk
    from allyforge.simulate.layout import build_layout
    from allyforge.simulate.money import cost_model

    sc = scenario.with_overrides(samples=samples, seed=seed)
    drv = drivers if drivers is not None else resolve(network, sc)
    c = compile_network(network, drv, recipe)
    layout = build_layout(c)
    cm = cost_model(network, drv, c)
    S, T = drv.samples, drv.horizon
    width = 8 * c.N + len(c.cycle) + len(c.lane_origin)
    full = S * width * T <= stream_threshold
    if full:
        chunk = S
    else:
        per_sample = max(1, 12 * c.N + 8 * len(c.lane_origin) + 6 * len(c.cycle) + len(c.dem_node) * T * 4)
        chunk = int(max(1, min(S, CHUNK_VALUES // per_sample)))
    total = T * ((S + chunk - 1) // chunk)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    out: ChunkOut | None = None
    for a in range(0, S, chunk):
        rows = slice(a, min(S, a + chunk))
        sub = drv if full else drv.subset(rows)
        sub_cm = cm if full else _cost_rows(cm, rows)
        part = run_chunk(c, sub, sub_cm, full=full, progress=tick, layout=layout)
        if full:
            out = part
        else:
            out = _gather(out, part, rows, S)
        del part
    assert out is not None

    def attribution() -> np.ndarray:
        short = np.zeros((S, len(c.dem_node)), bool)
        for a in range(0, S, 256):  # in blocks of samples: no [S, D, T] temporary
            b = slice(a, min(S, a + 256))
            short[b] = (out.demand["backlog"][b] + out.demand["lost"][b]).sum(2) > 1e-9
        return attribute(c, drv, out.cuts, short)

    def rerun(rec: dict, n: int) -> SimulationResult:
        merged = {**(recipe or {}), **rec}
        sub = drv if n >= drv.samples else drv.subset(slice(0, n))
        return simulate(network, sc.with_overrides(samples=sub.samples), recipe=merged, stream_threshold=stream_threshold, drivers=sub)

    return SimulationResult(
        network=network, scenario=sc, periods=drv.periods, sample_ids=drv.sample_ids, compiled=c,
        demands=drv.demands, parties=cm.parties, out=out, attribution=attribution, seed=sc.seed,
        content_hash=network.content_hash, rerun=rerun,
    )


def _cost_rows(cm, rows: slice):
    import dataclasses

    return dataclasses.replace(cm, invest=cm.invest[rows])


def _gather(out, part, rows: slice, S: int):
    """Add one streamed chunk to the run's results: per-period sums add up; per-sample arrays fill their rows.

    The per-sample arrays are allocated once at their full size, so no concatenation
    copies them (at 1,000 samples the demand arrays alone are gigabytes); they start as
    zeros and all-zero chunks are not copied in, so an array that stays zero (lost sales
    when every stream backorders, a kind of cut nothing makes) takes no resident memory.
    """
    from allyforge.simulate.engine import ChunkOut

    if out is None:
        per_sample = lambda a: np.zeros((S, *a.shape[1:]))  # noqa: E731
        out = ChunkOut(node={k: np.zeros_like(v) for k, v in part.node.items()}, runs=np.zeros_like(part.runs), lane=np.zeros_like(part.lane),
                       demand={k: per_sample(v) for k, v in part.demand.items()}, costs=per_sample(part.costs),
                       cuts={k: per_sample(v) for k, v in part.cuts.items()}, full=False)
    for k, v in part.node.items():
        out.node[k] += v
    out.runs += part.runs
    out.lane += part.lane
    for k, v in part.demand.items():
        if v.any():
            out.demand[k][rows] = v
    out.costs[rows] = part.costs
    for k, v in part.cuts.items():
        if v.any():
            out.cuts[k][rows] = v
    return out


class _CallableModule(__import__("types").ModuleType):
    """`allyforge.simulate(...)` stays the function even after `import allyforge.simulate.engine`.

    Importing a subpackage binds it as an attribute of its parent, which would shadow
    the lazily exported function of the same name; a callable module keeps both.
    """

    def __call__(self, *args, **kwargs) -> SimulationResult:
        return simulate(*args, **kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
