"""Settings read the environment and ``.env`` exactly as pydantic-settings' BaseSettings
reads them (prefix, any case, precedence, the file's syntax, the errors): each case is
read by both, ``Settings`` and the same fields on BaseSettings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError, create_model, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nba_tracker.settings import Settings


class _OnBaseSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NBA_TRACKER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )


# The same fields and validators on BaseSettings, configured as Settings was on it.
Reference: type[BaseSettings] = create_model(
    "Settings",
    __base__=_OnBaseSettings,
    __validators__={
        name: field_validator(*d.info.fields, mode=d.info.mode)(d.func.__func__)
        for name, d in Settings.__pydantic_decorators__.field_validators.items()
    },
    **{name: (field.annotation, field) for name, field in Settings.model_fields.items()},
)


ENV_FILE = """
# a comment
NBA_TRACKER_LOG_LEVEL=DEBUG
export NBA_TRACKER_USER_AGENT="Quoted Agent/1.0"
nba_tracker_fetch_retries=7
NBA_TRACKER_ENV=from-file
NBA_TRACKER_DB_NAME
NBA_TRACKER_TRANSLATOR='single quoted'
NBA_TRACKER_NOT_A_FIELD=ignored
FETCH_TIMEOUT=99
"""

CASES: list[tuple[str, dict[str, str], str | None, dict[str, Any]]] = [
    ("nothing set", {}, None, {}),
    (
        "environment, any case",
        {
            "NBA_TRACKER_FETCH_TIMEOUT": "3.5",
            "nba_tracker_db_port": "6543",
            "NBA_TRACKER_DATABASE_URL": "sqlite:////tmp/x.db",
            "NBA_TRACKER_FETCH_ALLOW_PRIVATE": "yes",
            "NBA_TRACKER_FEEDS_FILE": "/srv/feeds.toml",
            "NBA_TRACKER_DB_HOST": "",
            "NBA_TRACKER_API_TOKEN": "s3cret",
            "NBA_TRACKER_UNKNOWN": "1",
            "ENV": "prod",
            "Nba_Tracker_Cors_Origins": "http://a.example,http://b.example",
        },
        None,
        {},
    ),
    ("the file alone", {}, ENV_FILE, {}),
    (
        "environment over the file, arguments over both",
        {"NBA_TRACKER_ENV": "from-env", "NBA_TRACKER_LOG_LEVEL": "WARNING"},
        ENV_FILE,
        {"log_level": "ERROR", "database_url": None, "not_a_field": 1},
    ),
    ("an invalid value", {"NBA_TRACKER_FETCH_TIMEOUT": "-1"}, None, {}),
    ("not a number", {"NBA_TRACKER_FETCH_MAX_BYTES": "abc"}, None, {}),
    ("invalid in the file", {}, "NBA_TRACKER_DB_PORT=port\nNBA_TRACKER_ALERT_CONCURRENCY=0\n", {}),
    ("out of range argument", {}, None, {"server_max_connections": 3}),
]


def _read(cls: type[Any], kwargs: dict[str, Any]) -> tuple[str, object]:
    try:
        settings = cls(**kwargs)
    except ValidationError as exc:
        return "error", str(exc)
    return "ok", {
        k: v.get_secret_value() if hasattr(v, "get_secret_value") else v
        for k, v in settings.model_dump().items()
    }


@pytest.mark.parametrize(
    ("environ", "env_file", "kwargs"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_read_as_pydantic_settings_reads_them(
    environ: dict[str, str],
    env_file: str | None,
    kwargs: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in list(os.environ):
        if name.lower().startswith("nba_tracker_"):
            monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    if env_file is not None:
        (tmp_path / ".env").write_text(env_file, encoding="utf-8")
    ours, theirs = _read(Settings, kwargs), _read(Reference, kwargs)
    assert ours == theirs
    if env_file is not None and not environ and not kwargs and ours[0] == "ok":
        assert isinstance(ours[1], dict) and ours[1]["log_level"] == "DEBUG"  # the file was read
