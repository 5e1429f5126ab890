"""Roles and bearer tokens of the web UI and the HTTP API.

Three roles, each seeing what the one before it sees and more:

- ``viewer``: aggregates only — never a figure (revenue, employees, …) of a named enterprise;
- ``analyst``: enterprise figures and exports;
- ``admin``: also loads data.

Tokens come from the settings (``TUPU_API_TOKENS``: token → role). A request presents its token as
``Authorization: Bearer <token>``; a browser that signed in on ``/login`` presents a session id in
the ``tupu_session`` cookie instead (:mod:`tupu.api.sessions`; the cookie never holds the token).
With no token configured (development only) every request is ``analyst``; in production the app
refuses to start without tokens (:func:`check_auth_config`). Tokens are compared in constant time
and never printed, logged or put in a message, not even in part.
"""

from __future__ import annotations

import enum
import hmac
import logging
from typing import Protocol

from tupu.errors import ConfigError
from tupu.messages import msg
from tupu.settings import Settings

log = logging.getLogger("tupu.api")

COOKIE = "tupu_session"
MIN_PRODUCTION_TOKEN = 16  # characters


class Role(enum.IntEnum):
    """A role; a higher role may do everything a lower one may."""

    viewer = 1
    analyst = 2
    admin = 3

    @property
    def zh(self) -> str:
        return ROLE_ZH[self]


ROLE_ZH = {Role.viewer: "浏览", Role.analyst: "分析", Role.admin: "管理"}
DEVELOPMENT_ROLE = Role.analyst


def check_auth_config(settings: Settings) -> None:
    """Refuse unusable token settings: none in production, or short ones there; warn when the
    development default (everyone ``analyst``) is in force."""
    if settings.env == "production":
        if not settings.api_tokens:
            raise ConfigError(msg("api.tokens_missing"))
        short = sum(1 for t in settings.api_tokens if len(t) < MIN_PRODUCTION_TOKEN)
        if short:
            raise ConfigError(msg("api.tokens_short", count=short, minimum=MIN_PRODUCTION_TOKEN))
    elif not settings.api_tokens:
        log.warning(
            "TUPU_API_TOKENS is not set: every request is treated as role %r "
            "(development only; production refuses to start without tokens)",
            DEVELOPMENT_ROLE.name,
        )


def role_of_token(settings: Settings, token: str | None) -> Role | None:
    """The role a token grants; None for a missing or unknown token.

    With no token configured (development), every request gets :data:`DEVELOPMENT_ROLE`.
    """
    if not settings.api_tokens:
        return DEVELOPMENT_ROLE
    if not token:
        return None
    found: Role | None = None
    for known, role in settings.api_tokens.items():
        # compare with every token in constant time, so timing tells nothing about the tokens
        if hmac.compare_digest(known.encode(), token.encode()):
            found = Role[role]
    return found


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class SessionLookup(Protocol):
    """What :func:`resolve_role` needs of :class:`tupu.api.sessions.SessionTable`."""

    def role_of(self, sid: str | None) -> Role | None: ...


def resolve_role(settings: Settings, sessions: SessionLookup, authorization: str | None,
                 session_id: str | None) -> Role | None:
    """The role of a request: its bearer token if it sends one, else its sign-in session; None
    when neither is valid. Everyone is :data:`DEVELOPMENT_ROLE` when no token is configured."""
    if not settings.api_tokens:
        return DEVELOPMENT_ROLE
    token = bearer_token(authorization)
    if token is not None:
        return role_of_token(settings, token)
    return sessions.role_of(session_id)
