"""The risk charts (this module owns them; the report and dashboard call these functions).

Each takes the RiskReport's tidy tables and returns a Plotly figure; writing
offline HTML (plotly.js embedded) is `write_html`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

MATERIAL_KINDS = ("mineral", "material")


def exposure_heatmap(exposure: pd.DataFrame, programs: pd.DataFrame | None = None) -> go.Figure:
    """Program × country: the mean over a program's minerals and materials of the share sourced from each country."""
    ex = exposure[exposure["kind"].isin(MATERIAL_KINDS)]
    if ex.empty:
        return _empty("Program × country exposure: no traced minerals or materials")
    n_mat = ex.groupby("program")["material"].nunique()
    z = ex.groupby(["program", "country"])["share"].sum().unstack(fill_value=0.0).div(n_mat, axis=0)
    z = z[z.sum().sort_values(ascending=False).index]
    detail = ex.sort_values("share", ascending=False).groupby(["program", "country"]).apply(
        lambda d: "<br>".join(f"{m}: {s:.0%}" + (f" (blocked {b:.0%})" if b > 0 else "") for m, s, b in zip(d["material"], d["share"], d["blocked_share"])), include_groups=False
    )
    text = [[detail.get((p, c), "") for c in z.columns] for p in z.index]
    labels = [f"{programs.loc[p, 'name']} ({programs.loc[p, 'party']})" if programs is not None and p in programs.index else p for p in z.index]
    fig = go.Figure(go.Heatmap(z=z.to_numpy(), x=list(z.columns), y=labels, customdata=text, colorscale="Reds", zmin=0, zmax=1,
                               hovertemplate="%{y} ← %{x}: %{z:.0%} of materials (mean)<br>%{customdata}<extra></extra>", colorbar={"title": "share", "tickformat": ".0%"}))
    fig.update_layout(title="Where each program's minerals and materials come from (mean share over its materials, all tiers)", xaxis_title="country of origin", yaxis_title="program", height=max(350, 40 * len(z) + 150))
    return fig


def tts_ttr_scatter(tts: pd.DataFrame, horizon: float | None = None) -> go.Figure:
    """TTS against TTR per node; below the diagonal (TTS < TTR) is flagged: demand is lost before recovery."""
    d = tts[np.isfinite(tts["ttr"].astype(float))].copy()
    if d.empty:
        return _empty("TTS vs TTR: no node has a time-to-recover (set sites.ttr or --ttr)")
    top = float(max(d["ttr"].max(), d["tts"].max())) * 1.1 or 1.0
    fig = go.Figure()
    fig.add_shape(type="path", path=f"M 0 0 L {top} 0 L {top} {top} Z", fillcolor="rgba(220,50,47,0.10)", line={"width": 0}, layer="below")
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", line={"dash": "dash", "color": "grey"}, name="TTS = TTR", hoverinfo="skip"))
    size = 8 + 30 * d["rei"].fillna(0).clip(0, 1)
    for flagged, color, label in ((True, "#d62728", "flagged: TTS < TTR"), (False, "#1f77b4", "survives recovery")):
        s = d[d["flagged"] == flagged]
        if s.empty:
            continue
        sym = np.where(s["tts_at_least_horizon"], "triangle-up", "circle")
        fig.add_trace(go.Scatter(
            x=s["ttr"], y=s["tts"], mode="markers", name=label, marker={"color": color, "size": size[s.index], "symbol": sym, "line": {"width": 0.5, "color": "black"}},
            customdata=np.stack([s["node"], s["name"].fillna(""), s["country"].fillna(""), s["pi"].fillna(np.nan), s["rei"].fillna(np.nan)], axis=1),
            hovertemplate="%{customdata[0]} — %{customdata[1]} (%{customdata[2]})<br>TTR %{x:.3g} · TTS %{y:.3g}<br>PI %{customdata[3]:.4g} · REI %{customdata[4]:.2f}<extra></extra>",
        ))
    fig.add_annotation(x=top * 0.97, y=top * 0.05, text="TTS < TTR: lost demand before recovery", showarrow=False, xanchor="right", font={"color": "#d62728"})
    fig.update_layout(title="Time to survive vs time to recover (periods; size = risk-exposure index; ▲ = at least the horizon)", xaxis_title="time to recover (TTR)", yaxis_title="time to survive (TTS)",
                      xaxis={"range": [0, top]}, yaxis={"range": [0, top]}, height=560)
    return fig


def material_sankey(exposure: pd.DataFrame, programs: pd.DataFrame | None = None) -> go.Figure:
    """Country → material → program; each program–material pair carries 1 split by country (normalised)."""
    ex = exposure[exposure["kind"].isin(MATERIAL_KINDS)]
    if ex.empty:
        return _empty("Material flow: no traced minerals or materials")
    countries = sorted(set(ex["country"]))
    mats = sorted(set(ex["material"]))
    progs = sorted(set(ex["program"]))
    plabel = [f"{programs.loc[p, 'name']} ({programs.loc[p, 'party']})" if programs is not None and p in programs.index else p for p in progs]
    labels = countries + mats + plabel
    ci = {c: i for i, c in enumerate(countries)}
    mi = {m: len(countries) + i for i, m in enumerate(mats)}
    pi = {p: len(countries) + len(mats) + i for i, p in enumerate(progs)}
    cm = ex.groupby(["country", "material"])["share"].sum()
    mp = ex.groupby(["material", "program"])["share"].sum()
    src = [ci[c] for c, _ in cm.index] + [mi[m] for m, _ in mp.index]
    dst = [mi[m] for _, m in cm.index] + [pi[p] for _, p in mp.index]
    val = list(cm.to_numpy()) + list(mp.to_numpy())
    fig = go.Figure(go.Sankey(node={"label": labels, "pad": 12}, link={"source": src, "target": dst, "value": val}))
    fig.update_layout(title="Material flow from country of origin to program (each program's need of each material counts 1)", height=max(450, 18 * len(labels)))
    return fig


def write_html(fig: go.Figure, path: Path) -> Path:
    """Offline HTML with plotly.js embedded."""
    path = Path(path)
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path


def _empty(title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title)
    return fig
