"""The HTML report: one self-contained file (Plotly's JavaScript embedded) that opens offline."""

from __future__ import annotations

from allyforge.report.render import render_report, write_report

__all__ = ["render_report", "write_report"]
