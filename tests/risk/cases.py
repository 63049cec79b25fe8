"""The six TTS/PI reference networks of ../shared/oracles/tts_cases.md as SupplyGraphs."""

from __future__ import annotations

from allyforge.risk.graph import SupplyGraph, make_graph

BIG = 1e6


def chain_a() -> SupplyGraph:
    """A1–A3: mine M → refiner R → integrator I; s = (0, 30, 20); c = 15 each; d_I = 10."""
    return make_graph(
        sites={"M": {}, "R": {}, "I": {}},
        processes={"pm": ("M", 15), "pr": ("R", 15), "pi": ("I", 15)},
        outputs=[("pm", "ore", 1), ("pr", "metal", 1), ("pi", "missile", 1)],
        inputs=[("pr", "ore", 1), ("pi", "metal", 1)],
        lanes={"ore": ("ore", "M", "R", None, 1.0, 1, 1.0), "metal": ("metal", "R", "I", None, 1.0, 1, 1.0)},
        stocks=[("R", "metal", 30), ("I", "missile", 20)],
        demands=[("I", "missile", "P", 10)],
    )


def parallel_b() -> SupplyGraph:
    """B1–B2: refiners R1, R2 (c = 6 each) → I (c = 20); s_I = 20; d = 10."""
    return make_graph(
        sites={"R1": {}, "R2": {}, "I": {}},
        processes={"p1": ("R1", 6), "p2": ("R2", 6), "pi": ("I", 20)},
        outputs=[("p1", "metal", 1), ("p2", "metal", 1), ("pi", "missile", 1)],
        inputs=[("pi", "metal", 1)],
        lanes={"m1": ("metal", "R1", "I", None, 0.5, 1, 1.0), "m2": ("metal", "R2", "I", None, 0.5, 1, 1.0)},
        stocks=[("I", "missile", 20)],
        demands=[("I", "missile", "P", 10)],
    )


def magnets_c() -> SupplyGraph:
    """C1: magnet maker → missile, 2 magnets per missile; s = (40, 5); d = 4; capacity large."""
    return make_graph(
        sites={"MM": {}, "MS": {}},
        processes={"pmag": ("MM", BIG), "pmis": ("MS", BIG)},
        outputs=[("pmag", "magnet", 1), ("pmis", "missile", 1)],
        inputs=[("pmis", "magnet", 2)],
        lanes={"mag": ("magnet", "MM", "MS", None, 1.0, 1, 1.0)},
        stocks=[("MM", "magnet", 40), ("MS", "missile", 5)],
        demands=[("MS", "missile", "P", 4)],
    )
