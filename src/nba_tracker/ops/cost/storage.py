"""The logs bucket's lifecycle, from the same definition Terraform applies."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from nba_tracker.ops.core import OpsContext, OpsError

_REPO_COPY = Path("infra/storage/logs-lifecycle.json")


def load_lifecycle() -> dict[str, Any]:
    """``infra/storage/logs-lifecycle.json`` (S3's LifecycleConfiguration shape); the
    installed package carries a copy."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / _REPO_COPY
        if candidate.is_file():
            return dict(json.loads(candidate.read_text()))
    packaged = resources.files("nba_tracker").joinpath("data/logs-lifecycle.json")
    if packaged.is_file():
        return dict(json.loads(packaged.read_text()))
    raise OpsError("lifecycle definition not found (infra/storage/logs-lifecycle.json)")


def apply_lifecycle(ctx: OpsContext) -> list[dict[str, Any]]:
    config = load_lifecycle()
    ctx.change(
        "s3",
        "put_bucket_lifecycle_configuration",
        Bucket=ctx.names.logs_bucket,
        LifecycleConfiguration=config,
    )
    return [
        {
            "rule": r.get("ID"),
            "status": r.get("Status"),
            "transitions": ", ".join(
                f"{t['StorageClass']}@{t['Days']}d" for t in r.get("Transitions", [])
            ),
            "expire_days": (r.get("Expiration") or {}).get("Days"),
        }
        for r in config.get("Rules", [])
    ]
