"""The archive's settings: one typed object, read once from `NEWSARCHIVE_*` variables.

Every field has a default that works on a fresh clone and a help string; values
that cannot work are refused when the settings are read, not at first use.
"""

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.threads import Thresholds

MIB = 1024 * 1024
MIN_TOKEN_CHARS = 16


class Settings(BaseSettings):
    """Where the archive keeps its data and how much it accepts."""

    model_config = SettingsConfigDict(env_prefix="NEWSARCHIVE_", frozen=True)

    data_dir: Path = Field(
        Path("data"), description="Directory holding the SQLite store and the search index."
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the store; empty means a SQLite file in DATA_DIR.",
    )
    index_dir: Path | None = Field(
        None, description="Directory of the Whoosh index; empty means DATA_DIR/index."
    )
    seeds_dir: Path = Field(
        Path("seeds"), description="Articles ingested by `serve` when the store is empty."
    )
    max_article_bytes: int = Field(
        5 * MIB, description="Largest article file accepted, in bytes.", gt=0, le=1024 * MIB
    )

    public_url: str = Field(
        "",
        description="The archive's address as readers reach it (https://news.example); "
        "feeds' links use it. Empty means the address each request was sent to.",
        pattern=r"^(https?://[^\s/]+(/[^\s]*)?)?$",
    )
    search_seconds: float = Field(
        2.0,
        description="Most processor time a search may take before it is stopped with a 400 "
        "(its own: time spent waiting while the server serves others does not count).",
        gt=0,
        le=60,
    )
    headlines_as_sent: bool = Field(
        False,
        description="Show every headline exactly as its source sent it, capitals included "
        "(by default a headline sent in capitals is shown in title case, its abbreviations "
        "kept as the archive's texts write them).",
    )
    api_token: SecretStr | None = Field(
        None, description="Bearer token that allows POST /api/articles; unset refuses writes."
    )
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        "NORMAL",
        description="SQLite's synchronous level: NORMAL keeps acknowledged ingests through an "
        "application crash; FULL also through a power loss, at some cost to ingest speed.",
    )
    max_request_bytes: int = Field(
        10 * MIB, description="Largest request body accepted, in bytes (413 above).", gt=0
    )
    compact_seconds: float = Field(
        60.0,
        description="How often a server looks for large index segments to merge in a "
        "low-priority process (`newsarchive compact`); 0 never.",
        ge=0,
    )

    follow_seconds: float = Field(
        0.5,
        description="How often a server's follower looks for changes other processes and "
        "nodes made to the store, to apply them to this node's index.",
        gt=0,
        le=60,
    )
    changes_kept: int = Field(
        1_000_000,
        description="Changes the store keeps for indexes to follow; an index further behind "
        "(a node down meanwhile) is mended from the store by comparing.",
        ge=1,
    )
    max_lag_seconds: float = Field(
        30.0,
        description="How long the index may lack a change before /healthz answers 503, "
        "so that a load balancer sends searches to nodes that are up to date.",
        gt=0,
    )

    thread_days: int = Field(
        3,
        description="Most days between two versions of one story (updates, corrections); "
        "0 keeps threads to a day.",
        ge=0,
        le=30,
    )
    thread_jaccard: float = Field(
        0.6,
        description="Share of their wording (3-word runs) two articles of one day must have "
        "in common to be versions of one story…",
        gt=0,
        le=1,
    )
    thread_containment: float = Field(
        0.85,
        description="…or share of the shorter one's wording that the longer must hold.",
        gt=0,
        le=1,
    )
    thread_jaccard_other_day: float = Field(
        0.9,
        description="As THREAD_JACCARD, for articles of different days (a series repeats "
        "its wording with other figures: it takes more to be one story).",
        gt=0,
        le=1,
    )
    thread_containment_other_day: float = Field(
        0.95, description="As THREAD_CONTAINMENT, for articles of different days.", gt=0, le=1
    )

    @field_validator("api_token")
    @classmethod
    def _long_enough(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and len(token.get_secret_value()) < MIN_TOKEN_CHARS:
            raise ValueError(f"API_TOKEN must be at least {MIN_TOKEN_CHARS} characters")
        return token

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, url: str) -> str:
        """SQLite, or PostgreSQL through psycopg 3 (the `postgresql` extra), whatever driver
        the URL names: `postgresql://` alone would mean psycopg2 to SQLAlchemy."""
        scheme, _, rest = url.partition("://")
        if not url or scheme.startswith("sqlite"):
            return url
        if scheme.split("+")[0] not in ("postgresql", "postgres"):
            raise ValueError("DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if importlib.util.find_spec("psycopg") is None:
            raise ValueError(
                "DATABASE_URL is a PostgreSQL URL, and its driver is not installed: "
                "pip install -e '.[postgresql]'"
            )
        return f"postgresql+psycopg://{rest}"

    @model_validator(mode="after")
    def _fill_defaults(self) -> "Settings":
        if not self.database_url:
            url = f"sqlite:///{(self.data_dir / 'archive.sqlite3').resolve()}"
            object.__setattr__(self, "database_url", url)
        if self.index_dir is None:
            object.__setattr__(self, "index_dir", self.data_dir / "index")
        return self

    @property
    def thread_rule(self) -> Thresholds:
        """When two articles are versions of one story (`app.threads`)."""
        return Thresholds(
            days=self.thread_days,
            jaccard=self.thread_jaccard,
            containment=self.thread_containment,
            jaccard_other_day=self.thread_jaccard_other_day,
            containment_other_day=self.thread_containment_other_day,
        )

    @property
    def index_path(self) -> Path:
        """The index directory, always set once the settings are validated."""
        assert self.index_dir is not None
        return self.index_dir


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    # every field has a default, read from the environment; mypy without pydantic's plugin
    # takes them for required arguments
    return Settings()  # type: ignore[call-arg]
