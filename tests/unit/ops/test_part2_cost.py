"""ops cost report. Cost Explorer's grouped results are answered by botocore's Stubber
with the GetCostAndUsage response shape of the API reference (moto's Cost Explorer only
returns preset results), so the test checks our request, parsing, chart and advice."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from nba_tracker.ops.core import InvalidInput, build_context
from nba_tracker.ops.cost import aws as cost


def group(service: str, amount: str) -> dict[str, object]:
    return {"Keys": [service], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}}


def test_report_sums_by_service_and_advises_on_a_dominant_one() -> None:
    ctx = build_context("prod")
    ce = boto3.client(
        "ce", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    ctx._clients["ce"] = ce
    stub = Stubber(ce)
    expected = {
        "TimePeriod": {"Start": "2026-11-01", "End": "2026-11-03"},
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [{"Type": "DIMENSION", "Key": "SERVICE"}],
    }
    stub.add_response(
        "get_cost_and_usage",
        {
            "ResultsByTime": [
                {
                    "TimePeriod": {"Start": "2026-11-01", "End": "2026-11-02"},
                    "Estimated": False,
                    "Groups": [
                        group("Amazon Relational Database Service", "30.0"),
                        group("AWS Fargate", "5.0"),
                    ],
                },
            ],
            "NextPageToken": "page-2",
        },
        expected,
    )
    stub.add_response(
        "get_cost_and_usage",
        {
            "ResultsByTime": [
                {
                    "TimePeriod": {"Start": "2026-11-02", "End": "2026-11-03"},
                    "Estimated": True,
                    "Groups": [
                        group("Amazon Relational Database Service", "30.0"),
                        group("AWS Fargate", "7.0"),
                    ],
                },
            ],
        },
        {**expected, "NextPageToken": "page-2"},
    )
    with stub:
        result = cost.report(ctx, "2026-11-01", "2026-11-03")
    assert result.by_service == [
        ("Amazon Relational Database Service", 60.0),
        ("AWS Fargate", 12.0),
    ]
    assert result.by_period == [("2026-11-01", 35.0), ("2026-11-02", 37.0)]
    assert len(result.advice) == 1
    assert "Aurora Serverless v2" in result.advice[0]
    assert cost.bar(60, 60) == "█" * 30


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-11-05", "2026-11-01"), ("yesterday", "today"), ("2024-01-01", "2026-01-01")],
)
def test_bad_periods_never_reach_aws(start: str, end: str) -> None:
    with pytest.raises(InvalidInput):
        cost.report(build_context("dev"), start, end)
