"""Application config backup (guide: アプリケーションバックアップ).

The database secret and every SSM parameter under ``/nba-tracker/{env}`` go into
one JSON file that only its owner can read, and come back from it. Values are
never printed: rows and dry-runs show names and types only.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from nba_tracker.aws_errors import error_code
from nba_tracker.ops.core import InvalidInput, OpsContext

FORMAT = "nba-tracker-config/1"
PARAMETER_TYPES = ("String", "StringList", "SecureString")
# Kept from describe_parameters so that an import recreates the parameter as it was.
_PARAMETER_META = {"KeyId": "key_id", "Description": "description", "Tier": "tier"}


def check_export_target(path: Path, force: bool) -> None:
    """Refuse before any AWS call: an existing file (without --force), a directory, no parent."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory")
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; pass --force to replace it")
    if not path.parent.is_dir():
        raise InvalidInput(f"directory {path.parent} does not exist")


def db_secret_id(ctx: OpsContext) -> str:
    """The database's master-user secret. Terraform lets RDS keep the password
    (``manage_master_user_password``), and RDS names that secret itself (``rds!cluster-…``),
    so without an ARN from ``--tf-outputs`` the cluster is asked which one it is; the
    guide's name is the fallback for a cluster whose password is not RDS-managed."""
    if ctx.names.db_secret.startswith("arn:"):
        return ctx.names.db_secret
    try:
        clusters = ctx.client("rds").describe_db_clusters(DBClusterIdentifier=ctx.names.db_cluster)
    except ClientError:
        return ctx.names.db_secret
    managed = (clusters["DBClusters"][0].get("MasterUserSecret") or {}).get("SecretArn")
    return str(managed or ctx.names.db_secret)


def _secret(ctx: OpsContext) -> dict[str, Any]:
    sm = ctx.client("secretsmanager")
    secret_id = db_secret_id(ctx)
    described = sm.describe_secret(SecretId=secret_id)
    value = sm.get_secret_value(SecretId=secret_id)
    secret: dict[str, Any] = {"name": described["Name"]}
    if "SecretString" in value:
        secret["secret_string"] = value["SecretString"]
    else:
        secret["secret_binary_b64"] = base64.b64encode(value["SecretBinary"]).decode()
    if described.get("KmsKeyId"):
        secret["kms_key_id"] = described["KmsKeyId"]
    if described.get("Description"):
        secret["description"] = described["Description"]
    return secret


def _current_parameters(ctx: OpsContext) -> dict[str, dict[str, Any]]:
    """name → {type, value, data_type}, decrypted, everything under the env's path."""
    found: dict[str, dict[str, Any]] = {}
    pages = ctx.client("ssm").get_paginator("get_parameters_by_path")
    for page in pages.paginate(Path=ctx.names.ssm_path, Recursive=True, WithDecryption=True):
        for p in page.get("Parameters", []):
            found[p["Name"]] = {
                "name": p["Name"],
                "type": p["Type"],
                "value": p["Value"],
                "data_type": p.get("DataType", "text"),
            }
    return found


def _parameters(ctx: OpsContext) -> list[dict[str, Any]]:
    params = _current_parameters(ctx)
    pages = ctx.client("ssm").get_paginator("describe_parameters")
    path_filter = [{"Key": "Path", "Option": "Recursive", "Values": [ctx.names.ssm_path]}]
    for page in pages.paginate(ParameterFilters=path_filter):
        for meta in page.get("Parameters", []):
            entry = params.get(meta["Name"])
            if entry is None:
                continue
            for api_key, key in _PARAMETER_META.items():
                if meta.get(api_key):
                    entry[key] = meta[api_key]
    return [params[name] for name in sorted(params)]


def _write_private(path: Path, data: bytes, force: bool) -> None:
    """Create the file 0600 from the first byte; --force replaces it atomically."""
    if not force:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _summary(doc: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = [{"kind": "secret", "name": doc["secret"]["name"], "type": "SecretString"}]
    rows += [{"kind": "parameter", "name": p["name"], "type": p["type"]} for p in doc["parameters"]]
    return rows


def export_config(
    ctx: OpsContext, path: Path, *, force: bool = False, now: datetime | None = None
) -> list[dict[str, str]]:
    check_export_target(path, force)
    doc = {
        "format": FORMAT,
        "env": ctx.names.env,
        "region": ctx.names.region,
        "ssm_path": ctx.names.ssm_path,
        "exported_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "secret": _secret(ctx),
        "parameters": _parameters(ctx),
    }
    _write_private(path, (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode(), force)
    return _summary(doc)


def load_export(ctx: OpsContext, path: Path) -> dict[str, Any]:
    """Read and check an export before any AWS call; it must belong to this environment."""
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not an nba-tracker config export ({FORMAT})")
    if doc.get("env") != ctx.names.env:
        raise InvalidInput(
            f"{path} was exported from {doc.get('env')!r}, not {ctx.names.env!r}; "
            "importing another environment's config is refused"
        )
    secret = doc.get("secret")
    if (
        not isinstance(secret, dict)
        or not secret.get("name")
        or not (isinstance(secret.get("secret_string"), str) or "secret_binary_b64" in secret)
    ):
        raise InvalidInput(f"{path}: the secret entry is incomplete")
    params = doc.get("parameters")
    if not isinstance(params, list):
        raise InvalidInput(f"{path}: 'parameters' must be a list")
    prefix = ctx.names.ssm_path.rstrip("/") + "/"
    for p in params:
        if not isinstance(p, dict) or not isinstance(p.get("value"), str):
            raise InvalidInput(f"{path}: a parameter entry has no value")
        if not str(p.get("name", "")).startswith(prefix):
            raise InvalidInput(f"{path}: parameter {p.get('name')!r} is outside {prefix}")
        if p.get("type") not in PARAMETER_TYPES:
            raise InvalidInput(f"{path}: parameter {p['name']} has unknown type {p.get('type')!r}")
    return doc


def is_private(path: Path) -> bool:
    return not (path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


@dataclass
class ImportStep:
    kind: str
    name: str
    type: str
    action: str  # "create", "update" or "unchanged"
    call: tuple[str, str, dict[str, Any]] | None = None

    def row(self, dry_run: bool) -> dict[str, str]:
        action = (
            self.action if self.action == "unchanged" or not dry_run else f"would {self.action}"
        )
        return {"kind": self.kind, "name": self.name, "type": self.type, "action": action}


def _secret_step(ctx: OpsContext, secret: Mapping[str, Any]) -> ImportStep:
    name = secret["name"]
    value: dict[str, Any] = (
        {"SecretString": secret["secret_string"]}
        if "secret_string" in secret
        else {"SecretBinary": base64.b64decode(secret["secret_binary_b64"])}
    )
    try:
        current = ctx.client("secretsmanager").get_secret_value(SecretId=name)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
        create: dict[str, Any] = {"Name": name, **value}
        if secret.get("kms_key_id"):
            create["KmsKeyId"] = secret["kms_key_id"]
        if secret.get("description"):
            create["Description"] = secret["description"]
        return ImportStep(
            "secret", name, "SecretString", "create", ("secretsmanager", "create_secret", create)
        )
    key = next(iter(value))
    if current.get(key) == value[key]:
        return ImportStep("secret", name, "SecretString", "unchanged")
    return ImportStep(
        "secret",
        name,
        "SecretString",
        "update",
        ("secretsmanager", "put_secret_value", {"SecretId": name, **value}),
    )


def _parameter_step(param: Mapping[str, Any], current: Mapping[str, Any] | None) -> ImportStep:
    name, type_ = param["name"], param["type"]
    if current and current["type"] == type_ and current["value"] == param["value"]:
        return ImportStep("parameter", name, type_, "unchanged")
    call: dict[str, Any] = {"Name": name, "Value": param["value"], "Type": type_, "Overwrite": True}
    if type_ == "SecureString" and param.get("key_id"):
        call["KeyId"] = param["key_id"]
    if param.get("description"):
        call["Description"] = param["description"]
    if param.get("tier"):
        call["Tier"] = param["tier"]
    if param.get("data_type"):
        call["DataType"] = param["data_type"]
    return ImportStep(
        "parameter", name, type_, "update" if current else "create", ("ssm", "put_parameter", call)
    )


def plan_import(ctx: OpsContext, doc: Mapping[str, Any]) -> list[ImportStep]:
    """What an import would change, comparing with the live values (read-only)."""
    current = _current_parameters(ctx)
    steps = [_secret_step(ctx, doc["secret"])]
    steps += [_parameter_step(p, current.get(p["name"])) for p in doc["parameters"]]
    return steps


_SECRET_PARAMS = ("Value", "SecretString", "SecretBinary")


def apply_import(ctx: OpsContext, steps: list[ImportStep]) -> list[dict[str, str]]:
    changes = [s for s in steps if s.call is not None]
    if changes:
        ctx.confirm(f"overwrite {len(changes)} config value(s) of {ctx.names.env}")
    for step in changes:
        assert step.call is not None
        service, operation, params = step.call
        ctx.change(service, operation, redact=_SECRET_PARAMS, **params)
    return [s.row(ctx.dry_run) for s in steps]
