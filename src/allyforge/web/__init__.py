"""The dashboard: server-rendered pages over the same store and jobs as the API.

Every asset is served from the installed packages (Plotly's library from `plotly`,
styles from `allyforge.report`), so the browser never reaches beyond this server.
"""

from __future__ import annotations

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    from allyforge.web.routes import router

    app.include_router(router)
