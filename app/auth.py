"""Write access: an API key when NEWSDESK_API_KEYS is set, nothing when it is not; and
operations on the whole corpus, which need a key always."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from app.errors import Forbidden, Unauthorized

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


def require_key(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_header)],
) -> None:
    """A valid API key, whatever the server's rule for writes. Re-extraction spends hours of
    every worker's CPU on the whole corpus: a server without keys (its writes open, for use
    on one's own machine) does not offer it over HTTP at all; `newsdesk reextract` on the
    machine does the same."""
    if not request.app.state.settings.api_key_list:
        raise Forbidden(
            "This operation needs an API key, and this server has none configured: set NEWSDESK_API_KEYS, "
            "or run `newsdesk reextract` where the server runs."
        )
    require_write_access(request, bearer, api_key)


KeyRequired = Depends(require_key)
