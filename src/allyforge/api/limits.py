"""Limits checked before any work is allocated: request body size and run size."""

from __future__ import annotations

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """Refuse bodies over `limit` bytes with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send, self.limit)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return msg

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    import json

    body = json.dumps({"detail": f"request body is larger than the server's limit of {limit:,} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def nodes_of(network) -> int:
    """Entities an engine carries per sample and period: sites, processes and lanes."""
    return sum(len(network.table(t)) for t in ("sites", "processes", "lanes"))


def check_run_size(samples: int, network, periods: int, max_cells: int) -> int:
    cells = int(samples) * nodes_of(network) * int(periods)
    if cells > max_cells:
        raise HTTPException(
            422,
            f"run too large: samples x nodes x periods = {samples:,} x {nodes_of(network):,} x {periods:,} = {cells:,}, over this server's limit of {max_cells:,}; ask for fewer samples or a shorter horizon",
        )
    return cells
