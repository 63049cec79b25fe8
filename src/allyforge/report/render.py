"""Render a stored run as one self-contained HTML file: no request leaves the page."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from allyforge.report.figures import figure_html
from allyforge.report.sections import Section, run_sections
from allyforge.store import Store


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("allyforge.report", "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["frame"] = frame_html
    env.filters["chart"] = lambda pair: Markup(figure_html(pair[1], pair[0]))
    return env


def frame_html(df: pd.DataFrame, max_rows: int = 500) -> Markup:
    """A frame as an escaped HTML table (numbers right-aligned by CSS)."""
    return Markup(df.head(max_rows).to_html(index=False, na_rep="", escape=True, border=0, classes="data", float_format=lambda v: f"{v:,.4g}"))


@cache
def plotly_js() -> str:
    """The Plotly library shipped inside the installed `plotly` package (never fetched)."""
    return resources.files("plotly").joinpath("package_data/plotly.min.js").read_text(encoding="utf-8")


@cache
def stylesheet() -> str:
    return resources.files("allyforge.report").joinpath("templates/style.css").read_text(encoding="utf-8")


def render_report(store: Store, run_id: str) -> str:
    run = store.run(run_id)
    sections: list[Section] = run_sections(store, run) if run.status == "done" else []
    title = f"{run.scenario_name or run.label or run.engine} — {run.engine} run {run.id}"
    return _env().get_template("report.html.j2").render(run=run, title=title, sections=sections, plotly_js=Markup(plotly_js()), css=Markup(stylesheet()))


def write_report(store: Store, run_id: str, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(render_report(store, run_id), encoding="utf-8")
    tmp.replace(out)
    return out
