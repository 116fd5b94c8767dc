"""ops maintenance window set / check on the moto server."""

from __future__ import annotations

import json

import boto3
import pytest
from typer.testing import CliRunner

from nba_tracker.ops.cli import app
from nba_tracker.ops.core import InvalidInput
from nba_tracker.ops.maintenance.aws import parse_window
from nba_tracker.ops.naming import resource_names
from tests.support.aws import create_aurora

NAMES = resource_names("dev")
REGION = NAMES.region


@pytest.mark.parametrize(
    "bad", ["sun:15:00", "sun:25:00-sun:26:00", "sun:15:00-sun:15:10", "Sunday 3pm"]
)
def test_bad_windows_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        parse_window(bad)


def test_window_set_and_checklist(aws: str) -> None:
    rds = boto3.client("rds", region_name=REGION)
    create_aurora(rds, NAMES.db_cluster, BackupRetentionPeriod=1)
    runner = CliRunner()
    bad = runner.invoke(app, ["maintenance", "window", "set", "sun:15:00-sun:15:05"])
    assert bad.exit_code == 2
    ok = runner.invoke(app, ["maintenance", "window", "set", "sun:15:00-sun:16:00"])
    assert ok.exit_code == 0, ok.output
    cluster = rds.describe_db_clusters(DBClusterIdentifier=NAMES.db_cluster)["DBClusters"][0]
    assert cluster["PreferredMaintenanceWindow"] == "sun:15:00-sun:16:00"
    check = runner.invoke(app, ["maintenance", "check", "--json"])
    assert check.exit_code == 1  # backups kept 1 day: the checklist fails
    items = {r["item"]: r["state"] for r in json.loads(check.stdout)["items"]}
    assert items["automated backups"] == "fail"
