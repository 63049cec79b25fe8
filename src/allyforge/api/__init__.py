"""The HTTP API and the dashboard in one FastAPI app (`allyforge serve`)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from allyforge import __version__
from allyforge.api.auth import Auth
from allyforge.api.jobs import JobRunner
from allyforge.api.limits import BodyLimit
from allyforge.api.settings import Settings
from allyforge.store import Store

__all__ = ["Settings", "create_app"]


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.jobs.shutdown()

    app = FastAPI(
        title="allyforge",
        version=__version__,
        description="Runs, results and packs of allyforge. Reads are open; writes need `Authorization: Bearer <token>` (printed by `allyforge serve`).",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger page loads its scripts from a CDN; /docs is ours, served locally
        redoc_url=None,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.auth = Auth(settings.token)
    app.state.jobs = JobRunner(store, settings.max_jobs)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    from allyforge.api.routes import router
    from allyforge.web import mount

    app.include_router(router)
    mount(app)
    return app
