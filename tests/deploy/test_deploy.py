"""The operations guide against what Terraform builds: environments/dev applied to a moto
server, every section's commands run in the guide's order on those resources, names
taken once from ``terraform output -json`` (``--tf-outputs``) and once from the Python
naming alone, the configuration converging, prod's plan checked, and everything
destroyed at the end.

The tests run in file order on one applied environment (the ``deployed`` fixture).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.deploy.harness import PARALLELISM, REGION, REPO, SWITCHES, Deployed, switch_args
from tests.support.aws import ecr_manifest

pytestmark = [pytest.mark.deploy, pytest.mark.slow, pytest.mark.timeout(1800)]

MODES = ("tf-outputs", "naming")


def client(deployed: Deployed, service: str) -> Any:
    """boto3 on the emulator, for assertions and for data an application would write."""
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    ).client(service, endpoint_url=deployed.endpoint)  # type: ignore[call-overload]


def changed_attributes(change: dict[str, Any]) -> set[str]:
    before = change["change"].get("before") or {}
    after = change["change"].get("after") or {}
    unknown = change["change"].get("after_unknown") or {}
    keys = set(before) | set(after) | set(unknown)
    return {k for k in keys if before.get(k) != after.get(k) or unknown.get(k) is True}


# --- 1. The configuration converges ----------------------------------------------------


def test_second_plan_changes_nothing(deployed: Deployed) -> None:
    """Right after the apply, before any ops command touches a resource: exit code 0.
    On a difference, the message names each resource and attribute that would change."""
    result = deployed.dev.run(
        "plan",
        "-detailed-exitcode",
        "-out=second.plan",
        f"-parallelism={PARALLELISM}",
        *switch_args(),
    )
    assert result.returncode in (0, 2), result.stdout[-3000:] + result.stderr[-3000:]
    if result.returncode == 0:
        return
    plan = deployed.dev.show_json("second.plan")
    changes = []
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        if actions == ["no-op"]:
            continue
        what = ", ".join(sorted(changed_attributes(change))) if actions == ["update"] else ""
        changes.append(f"{change['address']}: {'/'.join(actions)} {what}".rstrip())
    pytest.fail("the second plan would change:\n" + "\n".join(changes), pytrace=False)


# --- 2. The guide, section by section, on Terraform's resources ------------------------


def put_app_logs(deployed: Deployed) -> None:
    """What the service writes to its log group: a request line and an error."""
    group = deployed.output("ecs_log_group")
    logs = client(deployed, "logs")
    stream = f"app/app/{time.time_ns()}"
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[
            {
                "timestamp": now - 2000,
                "message": '{"message": "Request completed", "duration": 12.5}',
            },
            {"timestamp": now - 1000, "message": "ERROR feed timeout source=espn"},
        ],
    )


def push_image(deployed: Deployed, tag: str, n: int) -> None:
    """docker push, as far as ECR can tell: a manifest under a tag."""
    repository = deployed.output("ecr_repository_url").rsplit("/", 1)[-1]
    client(deployed, "ecr").put_image(
        repositoryName=repository, imageManifest=ecr_manifest(n), imageTag=tag
    )


def rows(result: Any) -> list[dict[str, Any]]:
    data = result.json()
    return list(data["items"] if isinstance(data, dict) else data)


@pytest.mark.parametrize("mode", MODES)
def test_guide_in_order(deployed: Deployed, mode: str, tmp_path: Path) -> None:
    ops = deployed.ops(tf_outputs=mode == "tf-outputs")
    n = MODES.index(mode)

    # 監視とアラート: Terraform already made the dashboard and every alarm of the definition.
    status = ops("monitoring", "status", "--json").json()
    assert status["not_deployed"] == 0, status
    assert {a["alarm"] for a in status["items"]} >= {
        "nba-tracker-ecs-cpu-high",
        "nba-tracker-db-cpu-high",
    }
    ops("monitoring", "deploy", "--yes")
    assert ops("monitoring", "status", "--json").json()["not_deployed"] == 0
    email = f"oncall-{mode}@example.com"
    ops("alerts", "subscribe", "--email", email, "--yes")
    subscribed = rows(ops("alerts", "list", "--json"))
    assert email in {s["endpoint"] for s in subscribed}, subscribed

    # ログ管理: the service's group Terraform made; MWAA's do not exist while it is off.
    put_app_logs(deployed)
    tail = ops("logs", "tail", "ecs", "--since", "10m", "--json")
    assert "feed timeout" in tail.stdout
    found = ops(
        "logs", "search", "--since", "10m", "--pattern", "ERROR", "--source", "ecs", "--json"
    )
    assert "ERROR feed timeout" in found.stdout and "Request completed" not in found.stdout
    missing = ops("logs", "tail", "mwaa-task", expect=1)
    assert "does not exist" in missing.stderr

    # バックアップとリストア
    snapshot = rows(ops("db", "snapshot", "create", "--wait", "--yes", "--json"))[0]
    assert snapshot["status"] == "available"
    listed = {s["snapshot"] for s in rows(ops("db", "snapshot", "list", "--json"))}
    assert snapshot["snapshot"] in listed
    restored = f"nba-tracker-dev-restored-{n}"
    restore = rows(ops("db", "restore", snapshot["snapshot"], "--as", restored, "--yes", "--json"))
    assert restore[0]["status"] == "available", restore
    backup = tmp_path / "config.json"
    exported = rows(ops("config", "export", str(backup), "--json"))
    secret_name = deployed.output("db_secret_arn").split(":secret:", 1)[1].rsplit("-", 1)[0]
    assert {"secret", secret_name} <= {v for r in exported for v in r.values()}, exported
    assert "/nba-tracker/dev/scheduler/state" in {r["name"] for r in exported}
    assert backup.stat().st_mode & 0o077 == 0
    ops("config", "import", str(backup), "--dry-run")
    ops("config", "import", str(backup), "--yes")

    # スケーリング
    ops("scale", "ecs", "--count", "3", "--yes")
    ops("scale", "autoscaling", "--min", "1", "--max", "10", "--cpu-target", "70", "--yes")
    ops("scale", "db", "--min-acu", "0.5", "--max-acu", "2", "--yes")
    ops("scale", "ecs", "--count", "-1", expect=2)

    # トラブルシューティング: MWAA is off; a fresh environment has no image yet (the
    # second pass sees the one the first pushed).
    findings = rows(ops("doctor", "all", "--json", expect=2 if n == 0 else 0))
    by_area = {(f["area"], f["severity"], f["seen"]) for f in findings}
    no_image = ("ecs", "high", "image nba-tracker-dev:latest is not in ECR")
    assert (no_image in by_area) == (n == 0), findings
    # Both containers of the task run that image: it is one finding, not one per container.
    assert sum(f["seen"] == no_image[2] for f in findings) == (n == 0), findings
    if n:
        assert {f["severity"] for f in findings if f["area"] == "ecs"} == {"ok"}, findings
    assert {f["severity"] for f in findings if f["area"] == "db"} == {"ok"}, findings
    assert any(f["area"] == "mwaa" and f["severity"] == "info" for f in findings), findings

    # 緊急時の対応: stop and start, each twice; the second does nothing.
    first = {r["resource"]: r["result"] for r in rows(ops("emergency", "stop", "--yes", "--json"))}
    assert first["ecs:nba-tracker-dev"] == "changed" and first["rds:nba-tracker-dev"] == "changed"
    again = {r["resource"]: r["result"] for r in rows(ops("emergency", "stop", "--yes", "--json"))}
    assert (
        again["ecs:nba-tracker-dev"] == "no_action" and again["rds:nba-tracker-dev"] == "no_action"
    )
    start = {r["resource"]: r["result"] for r in rows(ops("emergency", "start", "--yes", "--json"))}
    assert start["ecs:nba-tracker-dev"] == "changed" and start["rds:nba-tracker-dev"] == "changed"
    again = {r["resource"]: r["result"] for r in rows(ops("emergency", "start", "--yes", "--json"))}
    assert again["ecs:nba-tracker-dev"] == "no_action"

    # ロールバック on the repository Terraform made.
    push_image(deployed, "latest", 10 * n + 1)
    push_image(deployed, f"v4{n}", 10 * n + 2)
    released = rows(ops("release", f"v4{n}", "--yes", "--json"))
    assert released[0]["latest"] == f"v4{n}", released
    rolled = rows(ops("rollback", "--yes", "--json"))
    assert rolled[0]["from_tag"] == "previous-version", rolled
    refused = ops("rollback", "--to", "v99", "--yes", expect=1)
    assert "nothing changed" in refused.stderr

    # コスト最適化 and the unused-resource list.
    ops("cost", "report", "--from", "2026-11-01", "--to", "2026-11-08", "--json")
    ops("cleanup", "--json")

    # セキュリティ運用: what a fresh environment shows, nothing more.
    audit = rows(ops("audit", "--json"))
    seen = {(f["area"], f["severity"], re.sub(r"sg-[0-9a-f]+", "sg-…", f["seen"])) for f in audit}
    assert seen == {
        ("ec2", "low", "sg-… (nba-tracker-dev-alb) open to 0.0.0.0/0 on 80"),
        ("secrets", "medium", "nba-tracker-dev-api-token: rotation is not enabled"),
    }, audit
    # RDS rotates its own secret; moto's RotateSecret without a rotation function would
    # leave no current version, so the call is shown (--dry-run), not made.
    rotation = ops("secrets", "rotate", "--dry-run", "--json").json()
    planned = rotation["dry_run_calls"]
    assert planned == [
        {
            "service": "secretsmanager",
            "operation": "rotate_secret",
            "params": {"SecretId": deployed.output("db_secret_arn")},
        }
    ], rotation

    # メンテナンス作業
    ops("storage", "lifecycle", "apply", "--yes")
    checks = {r["item"]: r["state"] for r in rows(ops("maintenance", "check", "--json"))}
    assert checks["automated backups"] == "ok" and checks["untagged ECR images"] == "ok", checks
    assert checks["logs archived to S3"] == "warn", checks  # nothing exported yet
    window = rows(ops("maintenance", "window", "set", "sun:15:00-sun:16:00", "--yes", "--json"))
    assert window[0]["window"] == "sun:15:00-sun:16:00"


def test_scheduler_lambda_with_terraforms_environment(deployed: Deployed) -> None:
    """The handler Terraform configured, from the package Terraform uploaded, with the
    function's own environment variables."""
    config = client(deployed, "lambda").get_function_configuration(
        FunctionName=deployed.output("scheduler_function_name")
    )
    variables = config["Environment"]["Variables"]
    module, function = config["Handler"].rsplit(".", 1)
    package = deployed.root / "build" / "lambda" / "scheduler.zip"
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import importlib; "
        f"h = getattr(importlib.import_module({module!r}), {function!r}); "
        "print(json.dumps(h({'action': sys.argv[2]}, None)))"
    )

    def invoke(action: str) -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", code, str(package), action],
            env={**deployed.env, **variables},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))

    stopped = invoke("stop")
    assert stopped["ok"], stopped
    assert {r["result"] for r in stopped["results"]} == {"changed"}, stopped
    assert {r["result"] for r in invoke("stop")["results"]} == {"no_action"}
    started = invoke("start")
    assert started["ok"] and "changed" in {r["result"] for r in started["results"]}, started


def test_both_namings_reach_the_same_resources(deployed: Deployed, tmp_path: Path) -> None:
    """What each read-only command sees must not depend on where the names came from."""
    views = {}
    for mode in MODES:
        ops = deployed.ops(tf_outputs=mode == "tf-outputs")
        backup = tmp_path / f"{mode}.json"
        views[mode] = {
            "monitoring status": ops("monitoring", "status", "--json").json(),
            "alerts list": ops("alerts", "list", "--json").json(),
            "db snapshot list": ops("db", "snapshot", "list", "--json").json(),
            "doctor all": ops("doctor", "all", "--json", expect=(0, 1, 2)).json(),
            "config export": ops("config", "export", str(backup), "--json").json(),
            "audit": ops("audit", "--json", expect=(0, 1)).json(),
            "maintenance check": ops("maintenance", "check", "--json", expect=(0, 1)).json(),
        }
    for command, seen in views["tf-outputs"].items():
        assert seen == views["naming"][command], f"ops {command} differs between the namings"


# --- 3. prod: the plan and what only prod has ------------------------------------------


def test_prod_plan_differs_where_it_must(deployed: Deployed) -> None:
    deployed.prod_plan.result()  # planned while dev was applied
    plan = deployed.prod.show_json("prod.plan")
    managed = [c for c in plan["resource_changes"] if c["mode"] == "managed"]
    assert {tuple(c["change"]["actions"]) for c in managed} == {("create",)}
    creates = {c["address"]: c["change"]["after"] for c in managed}
    assert not [a for a in creates if a.startswith("module.scheduler.")], (
        "prod has no scheduled stop"
    )
    clusters = [v for a, v in creates.items() if a.endswith("aws_rds_cluster.this")]
    assert len(clusters) == 1 and clusters[0]["deletion_protection"] is True
    instances = [a for a in creates if ".aws_rds_cluster_instance." in a]
    assert len(instances) == 2, instances
    albs = [v for a, v in creates.items() if a.endswith("aws_lb.this")]
    assert len(albs) == 1 and albs[0]["enable_deletion_protection"] is True
    dashboard = [v for a, v in creates.items() if a.endswith("aws_cloudwatch_dashboard.this")]
    assert dashboard and dashboard[0]["dashboard_name"] == "NBATracker-Prod"


# --- 4. The test's own wiring ----------------------------------------------------------


def test_switches_are_documented() -> None:
    doc = (REPO / "docs" / "deploy.md").read_text()
    section = doc[doc.index("## Testing the deployment") :]
    for name in SWITCHES:
        assert f"`{name}" in section, f"docs/deploy.md does not explain the switch {name}"
        for env in ("dev", "prod"):
            variables = (
                REPO / "infra" / "terraform" / "environments" / env / "variables.tf"
            ).read_text()
            assert f'variable "{name}"' in variables, f"{env} lacks the variable {name}"


# --- 5. Destroy ------------------------------------------------------------------------


def test_destroy_leaves_nothing(deployed: Deployed) -> None:
    # The clusters the guide restored are the operator's, in Terraform's subnet group and
    # security group: they go first, as they would before a real destroy.
    rds = client(deployed, "rds")
    for cluster in rds.describe_db_clusters()["DBClusters"]:
        name = cluster["DBClusterIdentifier"]
        if name.startswith("nba-tracker-dev-restored"):
            for member in cluster.get("DBClusterMembers", []):
                rds.delete_db_instance(
                    DBInstanceIdentifier=member["DBInstanceIdentifier"], SkipFinalSnapshot=True
                )
            rds.delete_db_cluster(DBClusterIdentifier=name, SkipFinalSnapshot=True)
    deployed.dev.check("destroy", "-auto-approve", f"-parallelism={PARALLELISM}", *switch_args())
    deployed.destroyed.append(True)
    state = json.loads(deployed.dev.check("show", "-json"))
    assert not state.get("values", {}).get("root_module", {}).get("resources"), "state not empty"
    clusters = {
        c["DBClusterIdentifier"]
        for c in client(deployed, "rds").describe_db_clusters()["DBClusters"]
    }
    assert "nba-tracker-dev" not in clusters, clusters
    ecs = client(deployed, "ecs")
    arns = ecs.list_clusters()["clusterArns"]
    active = (
        [
            c["clusterName"]
            for c in ecs.describe_clusters(clusters=arns)["clusters"]
            if c["status"] == "ACTIVE"
        ]
        if arns
        else []
    )
    assert not active, active
