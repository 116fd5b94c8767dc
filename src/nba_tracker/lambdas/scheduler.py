"""The dev environment's nightly stop and morning start (EventBridge
``cron(0 13 * * ? *)`` → stop, ``cron(0 23 * * ? *)`` → start, 22:00 / 08:00 JST).

Event: ``{"action": "stop" | "start"}``. Environment: CLUSTER_NAME, SERVICE_NAME,
DB_CLUSTER_ID, STATE_PARAMETER (where the previous desired count and autoscaling bounds
are kept). Only boto3 is imported: the function is zipped with this package alone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from nba_tracker.ops import lifecycle


class ConfigError(Exception):
    """The function's environment is incomplete; the message names the key."""


@dataclass(frozen=True)
class SchedulerConfig:
    cluster_name: str
    service_name: str
    db_cluster_id: str
    state_parameter: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SchedulerConfig:
        env = os.environ if environ is None else environ
        values = {}
        for key in ("CLUSTER_NAME", "SERVICE_NAME", "DB_CLUSTER_ID", "STATE_PARAMETER"):
            value = env.get(key, "").strip()
            if not value:
                raise ConfigError(f"environment variable {key} is missing or empty")
            values[key.lower()] = value
        return cls(
            values["cluster_name"],
            values["service_name"],
            values["db_cluster_id"],
            values["state_parameter"],
        )

    @property
    def target(self) -> lifecycle.Target:
        return lifecycle.Target(
            self.cluster_name, self.service_name, self.db_cluster_id, self.state_parameter
        )


def _clients() -> dict[str, Any]:
    return {name: boto3.client(name) for name in ("ecs", "rds", "ssm", "application-autoscaling")}


def handler(event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
    action = str((event or {}).get("action", "")).lower()
    if action not in {"stop", "start"}:
        raise ValueError(f"action must be 'stop' or 'start', got {action!r}")
    config = SchedulerConfig.from_env()
    run = lifecycle.stop if action == "stop" else lifecycle.start
    results = run(_clients(), config.target)
    for result in results:
        # One JSON line per resource: CloudWatch Logs Insights can filter on it.
        print(json.dumps({"message": "Scheduled action", "action": action, **result.as_dict()}))  # noqa: T201
    return {
        "action": action,
        "ok": all(r.result is not lifecycle.Outcome.ERROR for r in results),
        "results": [r.as_dict() for r in results],
    }
