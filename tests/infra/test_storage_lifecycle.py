"""infra/storage/logs-lifecycle.json: the one lifecycle definition, in the exact shape
S3 PutBucketLifecycleConfiguration takes, applied here with boto3 as the ops command does."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.infra.conftest import INFRA

LIFECYCLE = INFRA / "storage" / "logs-lifecycle.json"


def test_lifecycle_archives_then_expires() -> None:
    rules = json.loads(LIFECYCLE.read_text())["Rules"]
    assert rules and all(rule["Status"] == "Enabled" for rule in rules)
    rule = rules[0]
    classes = [t["StorageClass"] for t in sorted(rule["Transitions"], key=lambda t: t["Days"])]
    assert classes == ["STANDARD_IA", "GLACIER"]
    assert rule["Expiration"]["Days"] > max(t["Days"] for t in rule["Transitions"])
    # checkov cannot read this file, so the multipart cleanup it asks for is checked here.
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] <= 7


@pytest.mark.aws
def test_s3_accepts_the_lifecycle_file(moto_endpoint: str) -> None:
    s3 = boto3.client("s3", region_name="ap-northeast-1", endpoint_url=moto_endpoint)
    bucket = "nba-tracker-dev-logs"
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"}
    )
    configuration = json.loads(LIFECYCLE.read_text())
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=configuration)
    stored = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in stored] == [r["ID"] for r in configuration["Rules"]]
    assert stored[0]["Transitions"] == configuration["Rules"][0]["Transitions"]
