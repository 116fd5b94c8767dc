"""``ops config`` (guide row 8): export to a 0600 file, never print values, import back."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.integration.ops.conftest import DB_PASSWORD, SECURE_VALUE, Run

pytestmark = pytest.mark.aws


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_no_values(*outputs: str) -> None:
    for text in outputs:
        assert DB_PASSWORD not in text
        assert SECURE_VALUE not in text


def export(run: Run, path: Path, *extra: str) -> Any:
    result = run("config", "export", str(path), *extra)
    assert result.exit_code == 0, result.stderr
    assert_no_values(result.stdout, result.stderr)
    return result


def test_export_is_private_complete_and_silent(
    run: Run, tmp_path: Path, names: Any, app_config: dict[str, Any]
) -> None:
    path = tmp_path / "config.json"
    result = export(run, path, "--json")
    assert mode(path) == 0o600
    doc = json.loads(path.read_text())
    assert doc["env"] == "dev" and doc["secret"]["name"] == names.db_secret
    assert DB_PASSWORD in doc["secret"]["secret_string"]
    exported = {p["name"]: (p["type"], p["value"]) for p in doc["parameters"]}
    assert exported == app_config["parameters"]  # recursive, decrypted, prod's left out
    listed = {r["name"]: r["type"] for r in json.loads(result.stdout)["items"]}
    assert listed[f"{names.ssm_path}/translate/api_key"] == "SecureString"


def test_export_refuses_an_existing_file_before_any_call(
    run: Run, tmp_path: Path, app_config: dict[str, Any], requests_sent: Any
) -> None:
    path = tmp_path / "config.json"
    path.write_text("keep me")
    with requests_sent() as sent:
        result = run("config", "export", str(path))
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert sent == []
    assert path.read_text() == "keep me"


def test_export_force_replaces_with_a_private_file(
    run: Run, tmp_path: Path, app_config: dict[str, Any]
) -> None:
    path = tmp_path / "config.json"
    path.write_text("old")
    path.chmod(0o644)
    export(run, path, "--force")
    assert mode(path) == 0o600
    assert json.loads(path.read_text())["format"] == "nba-tracker-config/1"
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]  # no temp file left


def test_import_puts_changed_values_back(
    run: Run, client: Any, tmp_path: Path, names: Any, app_config: dict[str, Any]
) -> None:
    path = tmp_path / "config.json"
    export(run, path)
    ssm = client("ssm")
    api_key = f"{names.ssm_path}/translate/api_key"
    ssm.put_parameter(Name=api_key, Value="rotated-by-mistake", Type="SecureString", Overwrite=True)
    ssm.delete_parameter(Name=f"{names.ssm_path}/app/log_level")
    client("secretsmanager").put_secret_value(SecretId=names.db_secret, SecretString="{}")

    result = run("config", "import", str(path), "--yes", "--json")
    assert result.exit_code == 0, result.stderr
    assert_no_values(result.stdout, result.stderr)
    actions = {r["name"]: r["action"] for r in json.loads(result.stdout)["items"]}
    assert actions[api_key] == "update"
    assert actions[f"{names.ssm_path}/app/log_level"] == "create"
    assert actions[f"{names.ssm_path}/app/feeds"] == "unchanged"
    assert actions[names.db_secret] == "update"

    restored = ssm.get_parameter(Name=api_key, WithDecryption=True)["Parameter"]
    assert (restored["Type"], restored["Value"]) == ("SecureString", SECURE_VALUE)
    secret = client("secretsmanager").get_secret_value(SecretId=names.db_secret)["SecretString"]
    assert DB_PASSWORD in secret

    again = json.loads(run("config", "import", str(path), "--json").stdout)["items"]
    assert {r["action"] for r in again} == {"unchanged"}  # nothing to confirm, nothing done


def test_import_dry_run_shows_names_only_and_changes_nothing(
    run: Run, client: Any, tmp_path: Path, names: Any, app_config: dict[str, Any]
) -> None:
    path = tmp_path / "config.json"
    export(run, path)
    api_key = f"{names.ssm_path}/translate/api_key"
    client("ssm").put_parameter(Name=api_key, Value="other", Type="SecureString", Overwrite=True)
    client("secretsmanager").put_secret_value(SecretId=names.db_secret, SecretString="{}")

    for extra in ([], ["--json"]):
        result = run("config", "import", str(path), "--dry-run", *extra)
        assert result.exit_code == 0, result.stderr
        assert_no_values(result.stdout, result.stderr)
        assert api_key in result.stdout and "<redacted>" in result.stdout
    value = client("ssm").get_parameter(Name=api_key, WithDecryption=True)["Parameter"]["Value"]
    assert value == "other"


def test_import_asks_before_overwriting(
    run: Run, client: Any, tmp_path: Path, names: Any, app_config: dict[str, Any]
) -> None:
    path = tmp_path / "config.json"
    export(run, path)
    client("secretsmanager").put_secret_value(SecretId=names.db_secret, SecretString="{}")
    result = run("config", "import", str(path))
    assert result.exit_code == 3
    secret = client("secretsmanager").get_secret_value(SecretId=names.db_secret)
    assert secret["SecretString"] == "{}"


def test_import_refuses_another_environment_before_any_call(
    run: Run, tmp_path: Path, app_config: dict[str, Any], requests_sent: Any
) -> None:
    path = tmp_path / "config.json"
    export(run, path)
    with requests_sent() as sent:
        result = run("config", "import", str(path), "--env", "prod", "--yes")
    assert result.exit_code == 2
    assert "exported from 'dev'" in result.stderr
    assert sent == []


@pytest.mark.parametrize(
    "content",
    ["not json", "[]", '{"format": "something-else"}', '{"format": "nba-tracker-config/1"}'],
)
def test_malformed_export_never_reaches_aws(
    run: Run, tmp_path: Path, aws: str, requests_sent: Any, content: str
) -> None:
    path = tmp_path / "config.json"
    path.write_text(content)
    with requests_sent() as sent:
        result = run("config", "import", str(path), "--yes")
    assert result.exit_code == 2
    assert sent == []
