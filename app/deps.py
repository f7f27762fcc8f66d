"""Typed dependencies: what a route needs from the running app."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator
from sqlalchemy.engine import Engine

from app.config import Settings
from app.nlp.pipeline import Extractor


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_extractor(request: Request) -> Extractor:
    return request.app.state.extractor


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(get_engine)]
ExtractorDep = Annotated[Extractor, Depends(get_extractor)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

MAX_PAGE = 100
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page (1-100)")]
Cursor = Annotated[
    str | None,
    Query(max_length=512, description="`next_cursor` of the previous page, unchanged"),
]
# Ids are 32-bit integers in both databases (PostgreSQL's integer): a larger one is
# invalid input, not a crash.
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="The resource's id")]
RefId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class JSON(Response):
    """Serialise once, with orjson: the data is already in the shape of the response model."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?")


def _iso_only(value: object) -> object:
    # pydantic would read a bare number as a Unix time; the contract's times are RFC 3339.
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("expected an RFC 3339 date-time, e.g. 2026-11-26T09:30:00Z")
    return value


Timestamp = Annotated[datetime, BeforeValidator(_iso_only)]
