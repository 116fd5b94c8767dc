"""The deployment test's own helpers, without an apply."""

from __future__ import annotations

import pytest

from tests.deploy.harness import summarize_errors

# Run last in this directory, these carry the deployment's teardown (a destroy after a
# failed run), which takes minutes.
pytestmark = pytest.mark.timeout(1800)

# What terraform -no-color prints when two resources fail (shortened from a real apply).
APPLY_OUTPUT = """module.network.aws_vpc.this: Creation complete after 1s [id=vpc-e431cfdd73f9f2a01]

Error: creating Flow Log (vpc-e431cfdd73f9f2a01): api error 400: LogDestination: nba-tracker-dev-logs/vpc-flow-logs does not exist.

  with module.network.aws_flow_log.this,
  on ../../modules/network/main.tf line 36, in resource "aws_flow_log" "this":
  36: resource "aws_flow_log" "this" {

Error: Invalid value for variable

  on main.tf line 3:
   3: variable "x" {
"""


def test_errors_are_named_by_resource() -> None:
    assert summarize_errors(APPLY_OUTPUT).splitlines() == [
        "module.network.aws_flow_log.this: creating Flow Log (vpc-e431cfdd73f9f2a01): "
        "api error 400: LogDestination: nba-tracker-dev-logs/vpc-flow-logs does not exist.",
        "(configuration): Invalid value for variable",
    ]


def test_boxed_errors_too() -> None:
    boxed = "╷\n│ Error: creating S3 Bucket Logging: denied\n│\n│   with module.mwaa.aws_s3_bucket_logging.this[0],\n╵\n"
    assert (
        summarize_errors(boxed)
        == "module.mwaa.aws_s3_bucket_logging.this[0]: creating S3 Bucket Logging: denied"
    )


def test_without_errors_the_tail_is_shown() -> None:
    assert summarize_errors("plan failed oddly") == "plan failed oddly"
