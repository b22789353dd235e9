"""Configuration from the environment, with safe defaults (DESIGN.md "Rules of the house").

``BACKRELIEF_DATABASE_URL``
    A SQLAlchemy URL for the diary database, e.g.
    ``postgresql+psycopg://user@host/dbname``. ``postgresql://`` and ``postgres://`` are read
    as psycopg 3 URLs, the only PostgreSQL driver backrelief ships with.
``BACKRELIEF_DATA_DIR``
    Where backrelief keeps its files (the SQLite diary ``backrelief.db``). Defaults to the
    platform's user data directory (``~/.local/share/backrelief`` on Linux, via platformdirs).

The database URL wins over the data directory. This module imports nothing heavy: the CLI reads
it before deciding whether a command needs the database at all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DATABASE_URL_ENV = "BACKRELIEF_DATABASE_URL"
DATA_DIR_ENV = "BACKRELIEF_DATA_DIR"
APP_NAME = "backrelief"
SQLITE_FILENAME = "backrelief.db"


class ConfigError(ValueError):
    """A configuration value is unusable; ``setting`` names the environment variable."""

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


@dataclass(frozen=True)
class Config:
    """Where the diary lives. ``sqlite_path`` is set when the database is the default file."""

    data_dir: Path
    database_url: str
    sqlite_path: Path | None


def default_data_dir() -> Path:
    """The platform's per-user data directory for backrelief (not created here)."""
    import platformdirs  # small, but only needed when no directory was given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def normalise_database_url(url: str) -> str:
    """Map the PostgreSQL URL spellings people paste to the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _in_memory(url: str) -> bool:
    """True for SQLite URLs that keep nothing: ``sqlite://``, ``:memory:``, ``mode=memory``.
    (Tests that want one pass the URL to ``open_database`` directly, not through here.)"""
    if not url.lower().startswith("sqlite"):
        return False
    rest = url.split("://", 1)[1]
    return rest in ("", "/") or ":memory:" in rest or "mode=memory" in rest


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read the configuration from ``environ`` (default: ``os.environ``)."""
    env = os.environ if environ is None else environ
    raw_dir = env.get(DATA_DIR_ENV, "").strip()
    if raw_dir:
        data_dir = Path(raw_dir).expanduser()
        if data_dir.exists() and not data_dir.is_dir():
            raise ConfigError(DATA_DIR_ENV, f"{data_dir} exists and is not a directory")
    else:
        data_dir = default_data_dir()
    raw_url = env.get(DATABASE_URL_ENV, "").strip()
    if raw_url:
        if "://" not in raw_url:
            raise ConfigError(DATABASE_URL_ENV, "expected a URL such as sqlite:///path/to.db")
        if _in_memory(raw_url):
            raise ConfigError(DATABASE_URL_ENV, "an in-memory SQLite database forgets every "
                              "write when the program ends; give a file, such as "
                              "sqlite:///path/to/backrelief.db")
        return Config(data_dir=data_dir, database_url=normalise_database_url(raw_url), sqlite_path=None)
    sqlite_path = data_dir / SQLITE_FILENAME
    return Config(data_dir=data_dir, database_url=f"sqlite:///{sqlite_path}", sqlite_path=sqlite_path)
