"""Configuration from the environment (backrelief.config)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backrelief.config import ConfigError, load_config, normalise_database_url


def test_database_url_wins_over_the_data_dir(tmp_path: Path) -> None:
    config = load_config({
        "BACKRELIEF_DATA_DIR": str(tmp_path),
        "BACKRELIEF_DATABASE_URL": "postgresql://bob@db.example/diary",
    })
    assert config.database_url == "postgresql+psycopg://bob@db.example/diary"
    assert config.sqlite_path is None


def test_data_dir_gives_a_sqlite_file_in_it(tmp_path: Path) -> None:
    config = load_config({"BACKRELIEF_DATA_DIR": str(tmp_path)})
    assert config.sqlite_path == tmp_path / "backrelief.db"
    assert config.database_url == f"sqlite:///{tmp_path}/backrelief.db"


def test_default_is_the_platform_user_data_dir(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    config = load_config({})
    assert config.data_dir.name == "backrelief"
    assert config.sqlite_path is not None and config.sqlite_path.name == "backrelief.db"


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
    ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_postgres_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ConfigError) as caught:
        load_config({"BACKRELIEF_DATA_DIR": str(a_file)})
    assert caught.value.setting == "BACKRELIEF_DATA_DIR"


def test_url_without_a_scheme_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"BACKRELIEF_DATABASE_URL": "/tmp/diary.db"})
    assert caught.value.setting == "BACKRELIEF_DATABASE_URL"


def test_importing_config_imports_nothing_heavy() -> None:
    import subprocess
    import sys

    code = ("import sys, backrelief.config; "
            "print(sorted(m for m in ('sqlalchemy', 'platformdirs', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
