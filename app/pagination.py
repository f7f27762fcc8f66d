"""Opaque keyset cursors: the last row's sort key, so a page costs one index range scan."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

import orjson

from app.errors import InvalidInput

MAX_CURSOR_CHARS = 512


def encode_cursor(kind: str, key: tuple[Any, ...]) -> str:
    raw = orjson.dumps([kind, *key])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, types: tuple[type, ...]) -> tuple[Any, ...]:
    """The key a cursor carries, checked against the types this listing sorts by.

    A cursor is only a position: forging one can reach no row a client could not page to,
    so it needs no signature, only strict checking."""
    bad = InvalidInput(
        "Invalid cursor: pass next_cursor from a previous page of this listing unchanged.",
        errors=[{"loc": ["query", "cursor"], "msg": "invalid cursor", "type": "value_error"}],
    )
    if len(cursor) > MAX_CURSOR_CHARS:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = orjson.loads(raw)
    except (binascii.Error, ValueError):
        raise bad from None
    if not isinstance(value, list) or len(value) != len(types) + 1 or value[0] != kind:
        raise bad
    key: list[Any] = []
    for item, expected in zip(value[1:], types, strict=True):
        if expected is datetime:
            try:
                item = datetime.fromisoformat(item)
                if item.tzinfo is None:
                    raise bad
                # Valid in its own offset is not enough: 0001-01-01T00:00+14:00 has no UTC.
                item = item.astimezone(UTC)
            except (TypeError, ValueError, OverflowError):
                raise bad from None
        # bool is an int in Python, never a valid key here.
        elif (not isinstance(item, expected) or isinstance(item, bool)
              or (isinstance(item, int) and not -(2**31) <= item < 2**31)):
            raise bad
        key.append(item)
    return tuple(key)
