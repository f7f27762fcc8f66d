"""A page of a listing: limit+1 rows in, items and the next cursor out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = tuple[Any, ...]


def page(items: list[dict[str, Any]], limit: int, cursor_of: Callable[[int], str]) -> dict[str, Any]:
    """Turn limit+1 rows into a page: the extra row only says that there is a next page.
    `cursor_of(i)` is the cursor after the i-th item."""
    if len(items) > limit:
        return {"items": items[:limit], "next_cursor": cursor_of(limit - 1)}
    return {"items": items, "next_cursor": None}
