"""Server settings: limits and the engines the server can run."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

# engine name -> "module:function" taking (network, scenario[, progress=callback][, **options]) and returning a result
DEFAULT_ENGINES = {"simulate": "allyforge:simulate", "risk": "allyforge.api.risk_runs:run"}


@dataclass
class Settings:
    token: str | None = None  # bearer token for API writes; a fresh random one when None
    max_body_bytes: int = 25 * 1024 * 1024
    max_cells: int = 200_000_000  # samples x nodes x periods a single run may ask for
    max_jobs: int = 2  # runs queued or running at once
    page_limit: int = 1000  # most rows one results page returns
    engines: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ENGINES))
    secure_cookie: bool = False  # set when served behind HTTPS

    def __post_init__(self) -> None:
        if not self.token:
            self.token = secrets.token_urlsafe(24)
