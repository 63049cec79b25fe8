"""Every chart the report and dashboard draw; one function owns each chart."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from allyforge.report import views

PALETTE = ["#1f5aa6", "#c8553d", "#2a9d8f", "#8a5a9e", "#e9a03b", "#5c6770", "#3d8b37", "#b5367a"]
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=50, b=60), font=dict(size=13), legend=dict(orientation="h", y=-0.2))


def _label(program: str, party: str) -> str:
    return f"{program} ({party})" if party else str(program)


def answer_figure(a: pd.DataFrame, title: str = "Required vs delivered over the horizon") -> go.Figure:
    """Bars per program and party: required, delivered P50 with a P10–P90 error bar."""
    x = [_label(p, q) for p, q in zip(a["program"], a["party"])]
    fig = go.Figure()
    fig.add_bar(name="required", x=x, y=a["required"], marker_color="#b8c2cc")
    fig.add_bar(
        name="delivered (P50, bar P10–P90)", x=x, y=a["delivered_p50"], marker_color=PALETTE[0],
        error_y=dict(type="data", symmetric=False, array=a["delivered_p90"] - a["delivered_p50"], arrayminus=a["delivered_p50"] - a["delivered_p10"], color="#222"),
    )
    fig.update_layout(title=title, barmode="group", yaxis_title="units over the horizon", **LAYOUT)
    return fig


def shortfall_figure(t: pd.DataFrame, title: str = "Shortfall over time (cumulative unmet requirement)") -> go.Figure:
    """One P50 line per program with its P10–P90 band shaded."""
    fig = go.Figure()
    for i, ((prog, party), g) in enumerate(t.groupby(["program", "party"], observed=True, sort=True)):
        c = PALETTE[i % len(PALETTE)]
        name = _label(prog, party)
        fig.add_scatter(x=g["period"], y=g["p90"], mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip", legendgroup=name)
        fig.add_scatter(x=g["period"], y=g["p10"], mode="lines", line=dict(width=0), fill="tonexty", fillcolor=_rgba(c, 0.18), name=f"{name} P10–P90", legendgroup=name, showlegend=False)
        fig.add_scatter(x=g["period"], y=g["p50"], mode="lines+markers", line=dict(color=c, width=2), name=name, legendgroup=name)
    fig.update_layout(title=title, xaxis_title="period", yaxis_title="units short", **LAYOUT)
    return fig


def compare_figure(a: pd.DataFrame, b: pd.DataFrame, label_a: str, label_b: str) -> go.Figure:
    """Delivered P50 (P10–P90 bars) of two runs side by side, with the requirement marked."""
    keys = pd.concat([a[["program", "party"]], b[["program", "party"]]]).drop_duplicates().sort_values(["program", "party"])
    x = [_label(p, q) for p, q in zip(keys["program"], keys["party"])]
    fig = go.Figure()
    req = pd.concat([a, b]).groupby(["program", "party"])["required"].max().reindex(pd.MultiIndex.from_frame(keys))
    fig.add_scatter(name="required", x=x, y=req.to_numpy(), mode="markers", marker=dict(symbol="line-ew-open", size=40, color="#222", line=dict(width=3)))
    for i, (df, lab) in enumerate(((a, label_a), (b, label_b))):
        d = df.set_index(["program", "party"]).reindex(pd.MultiIndex.from_frame(keys))
        fig.add_bar(
            name=lab, x=x, y=d["delivered_p50"].to_numpy(), marker_color=PALETTE[i],
            error_y=dict(type="data", symmetric=False, array=(d["delivered_p90"] - d["delivered_p50"]).to_numpy(), arrayminus=(d["delivered_p50"] - d["delivered_p10"]).to_numpy()),
        )
    fig.update_layout(title="Delivered over the horizon: two runs side by side", barmode="group", yaxis_title="units", **LAYOUT)
    return fig


def sankey_figure(flows: pd.DataFrame, title: str = "Material flow from country to program") -> go.Figure:
    """flows: source, target, value, unit — countries → materials → programs."""
    nodes = list(dict.fromkeys([*flows["source"], *flows["target"]]))
    idx = {n: i for i, n in enumerate(nodes)}
    fig = go.Figure(
        go.Sankey(
            node=dict(label=nodes, pad=14, thickness=16, color=[PALETTE[i % len(PALETTE)] for i in range(len(nodes))]),
            link=dict(source=flows["source"].map(idx), target=flows["target"].map(idx), value=flows["value"], customdata=flows["unit"], hovertemplate="%{source.label} → %{target.label}: %{value:,.3g} %{customdata}<extra></extra>"),
        )
    )
    fig.update_layout(title=title, template="plotly_white", margin=dict(l=20, r=20, t=50, b=20), font=dict(size=13))
    return fig


def generic_figure(df: pd.DataFrame, title: str) -> go.Figure | None:
    """A line (by period) or bar chart of the first numeric column, for tables no page knows yet."""
    nums = [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and c != "sample"]
    if not nums or df.empty:
        return None
    y = nums[-1]
    cats = [c for c in df.columns if c not in nums and c not in ("period", "sample")]
    if "period" in df:
        g = df.groupby(["period", *cats[:1]], observed=True)[y].median().reset_index()
        fig = go.Figure()
        for i, (k, s) in enumerate(g.groupby(cats[0]) if cats else [(y, g)]):
            fig.add_scatter(x=s["period"].astype(str), y=s[y], name=str(k), mode="lines", line=dict(color=PALETTE[i % len(PALETTE)]))
    elif cats:
        g = df.groupby(cats[0], observed=True)[y].median().reset_index().head(40)
        fig = go.Figure(go.Bar(x=g[cats[0]].astype(str), y=g[y], marker_color=PALETTE[0]))
    else:
        return None
    fig.update_layout(title=title, yaxis_title=f"{y} (median over samples)", **LAYOUT)
    return fig


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def figure_html(fig: go.Figure, div_id: str) -> str:
    """A chart's div and script, without Plotly's library (the page includes it once)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config={"displaylogo": False, "responsive": True})


__all__ = ["answer_figure", "compare_figure", "figure_html", "generic_figure", "sankey_figure", "shortfall_figure", "views"]
