"""Write access: an API key when NEWSDESK_API_KEYS is set, nothing when it is not."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from app.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer KEY`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="`X-API-Key: KEY`")


def _matches(candidate: str, keys: tuple[str, ...]) -> bool:
    # Compare against every key, always: how long this takes must not tell which key,
    # or which part of one, was nearly right.
    given = candidate.encode()
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key.encode())
    return found


def require_write_access(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_header)],
) -> None:
    keys: tuple[str, ...] = request.app.state.settings.api_key_list
    if not keys:
        return
    # Every credential presented must be valid: a wrong one is never outvoted by a right one.
    # Surrounding whitespace is not part of a key, in either header (keys are configured
    # stripped too); what is left is compared in constant time.
    presented = [c.strip() for c in (api_key, bearer.credentials if bearer else None) if c is not None]
    if "authorization" in request.headers and bearer is None:
        presented.append("")  # an Authorization header that is not a Bearer token
    if not presented or not all(_matches(c, keys) for c in presented):
        raise Unauthorized(
            "A valid API key is required for writes: send `Authorization: Bearer KEY` or `X-API-Key: KEY`.",
            headers={"WWW-Authenticate": "Bearer"},
        )


WriteAccess = Depends(require_write_access)
