"""Gantt and yard-utilization charts of a schedule, as offline Plotly HTML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from allyforge.schedule.result import Schedule


def gantt(s: Schedule) -> go.Figure:
    """One bar per work package, one row per yard and dock (or yard workforce); a bar
    spans the holidays the package pauses over (its dock stays held)."""
    p = s.packages.copy()
    if p.empty:
        return go.Figure().update_layout(title=f"Maintenance schedule {s.year}: no schedule ({s.status})")
    p["row"] = [f"{y} / {d}" if isinstance(d, str) else f"{y} / workforce" for y, d in zip(p["yard"], p["dock"])]
    p["label"] = p["availability"] + " · " + p["package"]
    p["start"] = pd.to_datetime(p["start"])
    p["end"] = pd.to_datetime(p["end"])
    fig = px.timeline(
        p.sort_values(["yard", "row", "start"]), x_start="start", x_end="end", y="row", color="availability", text="package",
        hover_data={"asset": True, "package": True, "workforce": True, "duration": True, "paused_days": True, "row": False},
        title=f"Maintenance schedule {s.year} — {s.status}, objective {s.objective:,.0f}, gap {100 * (s.gap or 0):.2f}%",
    )
    due = s.availabilities
    for r in due.itertuples(index=False):
        if r.days_late > 0:
            fig.add_annotation(x=pd.Timestamp(r.end), y=f"{r.yard} / " + str(s.packages[(s.packages.availability == r.availability)].iloc[-1]["dock"] or "workforce"),
                               text=f"{r.days_late} d late", showarrow=False, xanchor="left", font={"color": "crimson", "size": 10})
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_layout(height=max(400, 28 * p["row"].nunique() + 150), legend_title_text="availability")
    return fig


def utilization(s: Schedule) -> pd.DataFrame:
    """Per yard and month: mean share of the workforce used, and the share of dock-days held."""
    d = s.data
    if d is None or s.packages.empty:
        return pd.DataFrame(columns=["yard", "period", "workforce_used", "dock_occupancy"])
    days = pd.date_range(s.origin, s.horizon_end - dt.timedelta(days=1), freq="D")
    idx = {t.date(): i for i, t in enumerate(days)}
    rows = []
    for y in d.yards.itertuples(index=False):
        cap = pd.Series(float(y.workforce), index=days)
        for c in d.yard_closures[d.yard_closures["yard"] == y.id].itertuples(index=False):
            inside = (days >= pd.Timestamp(c.start)) & (days <= pd.Timestamp(c.end))
            cap[inside] = cap[inside].clip(upper=float(c.workforce))  # 0: a holiday, work pauses
        used = pd.Series(0.0, index=days)
        held = pd.Series(0.0, index=days)
        for r in s.packages[s.packages["yard"] == y.id].itertuples(index=False):
            i0, i1 = idx.get(r.start, 0), idx.get(r.end, len(days))
            used.iloc[i0:i1] += r.workforce
            if isinstance(r.dock, str):  # a dock is held on holidays too
                held.iloc[i0:i1] += 1
        used[cap == 0] = 0.0  # paused over holidays: no crew at work
        ndocks = int((d.docks["yard"] == y.id).sum())
        frame = pd.DataFrame({"used": used, "cap": cap, "held": held})
        for period, g in frame.groupby(frame.index.to_period("M")):
            wf = float(g["used"].sum() / g["cap"].sum()) if g["cap"].sum() > 0 else 0.0
            occ = float(g["held"].sum() / (ndocks * len(g))) if ndocks else 0.0
            rows.append((y.id, str(period), wf, occ))
    return pd.DataFrame(rows, columns=["yard", "period", "workforce_used", "dock_occupancy"])


def utilization_figure(s: Schedule) -> go.Figure:
    u = utilization(s)
    fig = go.Figure()
    for yard, g in u.groupby("yard", sort=True):
        fig.add_trace(go.Scatter(x=g["period"], y=100 * g["workforce_used"], mode="lines+markers", name=f"{yard} workforce"))
        fig.add_trace(go.Bar(x=g["period"], y=100 * g["dock_occupancy"], name=f"{yard} docks", opacity=0.35))
    fig.update_layout(title=f"Yard utilization {s.year}: workforce used and dock-days held (% per month)", yaxis_title="%", barmode="group")
    return fig


def ready_days_figure(s: Schedule) -> go.Figure:
    r = s.ready_days()
    fig = go.Figure()
    for kind, g in r.groupby("kind", sort=True):
        fig.add_trace(go.Bar(x=g["period"], y=g["ready_days"], name=kind) if kind != "all" else go.Scatter(x=g["period"], y=g["ready_days"], name="all", mode="lines+markers"))
    fig.update_layout(title=f"Fleet ready-days per month {s.year}", yaxis_title="asset-days ready", barmode="stack")
    return fig


def write_html(fig: go.Figure, path: str | Path) -> Path:
    path = Path(path)
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path
