"""app.settings: defaults that work on a fresh clone, NEWSARCHIVE_* variables, bad values refused.

The environment is cleared of NEWSARCHIVE_* variables for every test here, so that a
developer's own settings cannot change what the defaults look like.
"""

import importlib.util
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.settings import MIB, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("NEWSARCHIVE_"):
            monkeypatch.delenv(name)


def test_defaults_live_under_data_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.data_dir == Path("data")
    assert settings.index_dir == Path("data") / "index"
    assert settings.index_path == settings.index_dir
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'data' / 'archive.sqlite3'}"
    assert settings.seeds_dir == Path("seeds")
    assert settings.max_article_bytes == 5 * MIB


def test_database_url_follows_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path / "elsewhere")
    assert settings.database_url.startswith("sqlite:///")
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    assert database.is_absolute()
    assert database.parent == (tmp_path / "elsewhere").resolve()
    assert settings.index_path == tmp_path / "elsewhere" / "index"


def test_fixture_settings_use_the_test_directory(settings, tmp_path):
    assert settings.data_dir == tmp_path / "data"
    assert str(tmp_path.resolve()) in settings.database_url
    assert settings.index_path.is_relative_to(tmp_path)


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("NEWSARCHIVE_MAX_ARTICLE_BYTES", "4096", "max_article_bytes", 4096),
        ("NEWSARCHIVE_SEEDS_DIR", "/srv/seeds", "seeds_dir", Path("/srv/seeds")),
        ("NEWSARCHIVE_INDEX_DIR", "/srv/ix", "index_dir", Path("/srv/ix")),
        (
            "NEWSARCHIVE_DATABASE_URL",
            "postgresql+psycopg://news@db/archive",
            "database_url",
            "postgresql+psycopg://news@db/archive",
        ),
        ("NEWSARCHIVE_DATABASE_URL", "sqlite:///:memory:", "database_url", "sqlite:///:memory:"),
        (  # psycopg 3, whatever driver a PostgreSQL URL names: plain means psycopg2
            "NEWSARCHIVE_DATABASE_URL",
            "postgresql://news:secret@db:5433/archive",
            "database_url",
            "postgresql+psycopg://news:secret@db:5433/archive",
        ),
        (
            "NEWSARCHIVE_DATABASE_URL",
            "postgres://news@db/archive",
            "database_url",
            "postgresql+psycopg://news@db/archive",
        ),
    ],
)
def test_environment_variables_are_read(monkeypatch, variable, value, field, expected):
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), field) == expected


def test_a_postgresql_url_without_its_driver_says_how_to_install_it(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(  # as on a machine without the `postgresql` extra
        importlib.util,
        "find_spec",
        lambda name: None if name == "psycopg" else real_find_spec(name),
    )
    with pytest.raises(ValidationError, match=r"pip install -e '\.\[postgresql\]'"):
        Settings(database_url="postgresql://news@db/archive")


def test_data_dir_from_the_environment_moves_store_and_index(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSARCHIVE_DATA_DIR", str(tmp_path / "env-data"))
    settings = Settings()
    assert settings.data_dir == tmp_path / "env-data"
    assert settings.index_path == tmp_path / "env-data" / "index"
    assert str((tmp_path / "env-data").resolve()) in settings.database_url


def test_variables_without_the_prefix_are_ignored(monkeypatch):
    monkeypatch.setenv("MAX_ARTICLE_BYTES", "1234")
    monkeypatch.setenv("DATA_DIR", "/nowhere")
    settings = Settings()
    assert settings.max_article_bytes == 5 * MIB
    assert settings.data_dir == Path("data")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_article_bytes", 0),
        ("max_article_bytes", -1),
        ("max_article_bytes", 1024 * MIB + 1),
        ("max_article_bytes", "lots"),
        ("database_url", "mysql://user@host/news"),
        ("database_url", "not a url"),
        ("database_url", "/var/lib/archive.sqlite3"),
    ],
)
def test_unsafe_values_are_refused(field, value):
    with pytest.raises(ValidationError) as caught:
        Settings(**{field: value})
    assert field in str(caught.value)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("NEWSARCHIVE_MAX_ARTICLE_BYTES", "0"),
        ("NEWSARCHIVE_MAX_ARTICLE_BYTES", "-5"),
        ("NEWSARCHIVE_DATABASE_URL", "mysql://user@host/news"),
    ],
)
def test_unsafe_environment_values_are_refused(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings()


def test_settings_are_frozen(tmp_path):
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ValidationError):
        settings.max_article_bytes = 1  # type: ignore[misc]
    assert settings.max_article_bytes == 5 * MIB


def test_every_field_has_a_help_string():
    for name, field in Settings.model_fields.items():
        assert field.description, name
