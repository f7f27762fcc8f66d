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
    candidate = api_key if api_key is not None else (bearer.credentials if bearer else None)
    if candidate is None or not _matches(candidate, keys):
        raise Unauthorized(
            "A valid API key is required for writes: send `Authorization: Bearer KEY` or `X-API-Key: KEY`.",
            headers={"WWW-Authenticate": "Bearer"},
        )


WriteAccess = Depends(require_write_access)
