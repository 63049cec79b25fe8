"""Who may write: API clients with the bearer token; browsers that used the one-time login link.

`allyforge serve` prints a login URL holding a one-time code. Visiting it sets an
HttpOnly, SameSite=Strict session cookie; each session has its own CSRF token, which
every form carries and every form post must return.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time

from fastapi import HTTPException, Request

COOKIE = "allyforge_session"
LOGIN_TTL_S = 24 * 3600


class Auth:
    def __init__(self, token: str) -> None:
        self.token = token
        self._codes: dict[str, float] = {}
        self._sessions: dict[str, str] = {}  # session id -> CSRF token
        self._lock = threading.Lock()

    def issue_login(self) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = time.time() + LOGIN_TTL_S
        return code

    def redeem(self, code: str) -> str | None:
        """Trade a one-time code for a new session id (the code is spent either way)."""
        with self._lock:
            expiry = self._codes.pop(code, None)
            if expiry is None or expiry < time.time():
                return None
            sid = secrets.token_urlsafe(32)
            self._sessions[sid] = secrets.token_urlsafe(24)
            return sid

    def session(self, request: Request) -> str | None:
        sid = request.cookies.get(COOKIE)
        return sid if sid and sid in self._sessions else None

    def csrf_for(self, request: Request) -> str | None:
        sid = self.session(request)
        return self._sessions.get(sid) if sid else None

    def require_bearer(self, request: Request) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value:
            raise HTTPException(401, "writes need a bearer token: Authorization: Bearer <token> (printed by `allyforge serve`)", headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(value.strip(), self.token):
            raise HTTPException(403, "the bearer token is not valid for this server")
        return "api"

    def require_form(self, request: Request, csrf: str | None) -> str:
        """A browser write: a live session and the session's CSRF token."""
        expected = self.csrf_for(request)
        if expected is None:
            raise HTTPException(401, "log in first: open the one-time link printed by `allyforge serve`")
        if not csrf or not hmac.compare_digest(csrf, expected):
            raise HTTPException(403, "missing or wrong CSRF token; reload the page and submit again")
        return "web"
