"""Rollback and release re-tag images through the ECR API on the moto server."""

from __future__ import annotations

import time

import boto3
import pytest
from typer.testing import CliRunner

from nba_tracker.ops.cli import app
from nba_tracker.ops.naming import resource_names
from tests.support.aws import ecr_manifest

NAMES = resource_names("dev")
REGION = NAMES.region


@pytest.fixture
def repo(aws: str) -> None:
    ecr = boto3.client("ecr", region_name=REGION)
    ecr.create_repository(repositoryName=NAMES.ecr_repository)
    ecr.put_image(repositoryName=NAMES.ecr_repository, imageManifest=ecr_manifest(1), imageTag="v1")
    ecr.put_image(repositoryName=NAMES.ecr_repository, imageManifest=ecr_manifest(2), imageTag="v2")
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName=NAMES.cluster)
    ecs.register_task_definition(
        family=NAMES.service, containerDefinitions=[{"name": "app", "image": "img", "memory": 512}]
    )
    ecs.create_service(
        cluster=NAMES.cluster,
        serviceName=NAMES.service,
        taskDefinition=NAMES.service,
        desiredCount=0,
    )


def digest_of(tag: str) -> str | None:
    images = boto3.client("ecr", region_name=REGION).batch_get_image(
        repositoryName=NAMES.ecr_repository, imageIds=[{"imageTag": tag}]
    )["images"]
    return images[0]["imageId"]["imageDigest"] if images else None


def test_release_then_rollback(repo: None) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["release", "v1", "--yes"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["release", "v2", "--yes"])
    assert second.exit_code == 0, second.output
    assert digest_of("latest") == digest_of("v2")
    assert digest_of("previous-version") == digest_of("v1")
    back = runner.invoke(app, ["rollback", "--yes"])
    assert back.exit_code == 0, back.output
    assert digest_of("latest") == digest_of("v1")


def test_rollback_refuses_a_missing_image_and_changes_nothing(repo: None) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["release", "v2", "--yes"]).exit_code == 0
    before = digest_of("latest")
    out = runner.invoke(app, ["rollback", "--to", "v99", "--yes"])
    assert out.exit_code == 1
    assert "no image tagged 'v99'" in out.output
    assert digest_of("latest") == before


def test_rollback_dry_run_prints_the_calls(repo: None) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["release", "v2", "--yes"]).exit_code == 0
    out = runner.invoke(app, ["rollback", "--to", "v1", "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "put_image" in out.output and "update_service" in out.output
    assert digest_of("latest") == digest_of("v2")


def test_without_previous_version_the_image_pushed_before_latest_comes_back(repo: None) -> None:
    ecr = boto3.client("ecr", region_name=REGION)
    # Releases pushed straight as latest, without ops release: no previous-version tag.
    for n, tag in ((3, "v3"), (4, "latest")):
        time.sleep(1.1)  # moto records push times in whole seconds
        ecr.put_image(
            repositoryName=NAMES.ecr_repository, imageManifest=ecr_manifest(n), imageTag=tag
        )
    assert digest_of("previous-version") is None
    out = CliRunner().invoke(app, ["rollback", "--yes", "--json"])
    assert out.exit_code == 0, out.output
    assert digest_of("latest") == digest_of("v3")
    assert "stable" in out.output


def test_release_refuses_a_missing_tag(repo: None) -> None:
    out = CliRunner().invoke(app, ["release", "v99", "--yes"])
    assert out.exit_code == 1
    assert digest_of("latest") is None
