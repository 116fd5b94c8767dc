"""The scheduler Lambda's configuration and packaging, without AWS."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError

import pytest

from nba_tracker.lambdas.scheduler import ConfigError, SchedulerConfig, handler

ENV = {
    "CLUSTER_NAME": "nba-tracker-dev",
    "SERVICE_NAME": "nba-tracker-dev",
    "DB_CLUSTER_ID": "nba-tracker-dev",
    "STATE_PARAMETER": "/nba-tracker/dev/scheduler/state",
}


def test_the_environment_terraform_passes_is_read_into_a_frozen_config() -> None:
    config = SchedulerConfig.from_env(ENV)
    assert config.target.scalable_resource == "service/nba-tracker-dev/nba-tracker-dev"
    assert config.target.state_parameter == "/nba-tracker/dev/scheduler/state"
    with pytest.raises(FrozenInstanceError):
        config.cluster_name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("key", sorted(ENV))
def test_a_missing_or_blank_key_is_named(key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        SchedulerConfig.from_env({k: v for k, v in ENV.items() if k != key})
    with pytest.raises(ConfigError, match=key):
        SchedulerConfig.from_env({**ENV, key: "  "})


@pytest.mark.parametrize("event", [{}, {"action": "reboot"}, {"action": None}])
def test_an_event_without_stop_or_start_is_refused_before_any_call(
    event: dict[str, object],
) -> None:
    with pytest.raises(ValueError, match="'stop' or 'start'"):
        handler(event)


def test_the_module_imports_with_boto3_alone() -> None:
    """The function is zipped with the package and boto3 only: no CLI libraries."""
    code = (
        "import sys, nba_tracker.lambdas.scheduler\n"
        "loaded = sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
