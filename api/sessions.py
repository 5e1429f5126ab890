"""Browser sign-ins: a random session id in the cookie, its role and expiry kept by the server.

The cookie never holds a token. :meth:`SessionTable.open` mints 256 random bits
(:func:`secrets.token_urlsafe`); the table maps their SHA-256 (so that a memory dump or a log of
the table does not hand out live cookies) to the role and the moment the sign-in ends
(``TUPU_SESSION_HOURS``). Sessions live in the server's memory: a restart signs everyone out,
which is the safe direction. The table is bounded; when it is full the sign-ins closest to their
end go first.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tupu.api.auth import Role

MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class Session:
    role: Role
    expires: float  # time.monotonic() at which it ends


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class SessionTable:
    """Session id → role with expiry; thread-safe."""

    def __init__(self, hours: float, clock: Callable[[], float] = time.monotonic,
                 limit: int = MAX_SESSIONS) -> None:
        self.seconds = hours * 3600
        self._clock = clock
        self._limit = limit
        self._lock = threading.Lock()
        self._table: dict[str, Session] = {}

    def open(self, role: Role) -> str:
        """A new session for ``role``; returns the id to put in the cookie."""
        sid = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._expire(now)
            while len(self._table) >= self._limit:
                oldest = min(self._table, key=lambda k: self._table[k].expires)
                del self._table[oldest]
            self._table[_digest(sid)] = Session(role, now + self.seconds)
        return sid

    def role_of(self, sid: str | None) -> Role | None:
        """The role of a live session; None for a missing, unknown or expired id."""
        if not sid or len(sid) > 200:
            return None
        key = _digest(sid)
        with self._lock:
            found = self._table.get(key)
            if found is None:
                return None
            if found.expires <= self._clock():
                del self._table[key]
                return None
            return found.role

    def close(self, sid: str | None) -> None:
        """End a session (signing out)."""
        if sid:
            with self._lock:
                self._table.pop(_digest(sid), None)

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._table)

    def _expire(self, now: float) -> None:
        for key in [k for k, s in self._table.items() if s.expires <= now]:
            del self._table[key]
