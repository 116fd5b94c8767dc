"""Input rules checked before any AWS client exists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nba_tracker.ops.backup.aws import check_identifier, check_snapshot
from nba_tracker.ops.core import InvalidInput
from nba_tracker.ops.logs.aws import parse_duration
from nba_tracker.ops.monitoring.aws import check_email
from nba_tracker.ops.scaling.aws import check_acu, check_autoscaling, check_count


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("30m", 1800),
        ("1h", 3600),
        ("24h", 86400),
        ("2d", 172800),
        ("1h30m", 5400),
        ("1W", 604800),
    ],
)
def test_periods(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text", ["", "1", "h", "1 h", "-1h", "0m", "1.5h", "1y", "3700d", "1h-", "now"]
)
def test_malformed_periods(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_duration(text)


@pytest.mark.parametrize(
    ("low", "high"), [(0.5, 2), (0.5, 1), (0, 1), (1, 256), (128, 128), (0, 2.5)]
)
def test_acu_ranges_aws_accepts(low: float, high: float) -> None:
    check_acu(low, high)


@pytest.mark.parametrize(
    ("low", "high"),
    [(0.3, 2), (0.25, 2), (-0.5, 2), (0.5, 0.5), (0.5, 256.5), (3, 2), (0.5, 2.25), (0, 0)],
)
def test_acu_ranges_aws_rejects(low: float, high: float) -> None:
    with pytest.raises(InvalidInput):
        check_acu(low, high)


def test_auto_pause_delay_only_with_min_zero_and_in_range() -> None:
    check_acu(0, 2, 300)
    check_acu(0, 2, 86_400)
    for low, delay in ((0.5, 600), (0, 299), (0, 86_401)):
        with pytest.raises(InvalidInput):
            check_acu(low, 2, delay)


def test_counts() -> None:
    assert check_count(0) == 0 and check_count(100) == 100
    for bad in (-1, 101):
        with pytest.raises(InvalidInput):
            check_count(bad)
    check_autoscaling(1, 10, 70)
    check_autoscaling(0, 1, 100)
    for args in ((2, 1, 70), (0, 0, 70), (1, 10, 0), (1, 10, 101), (1, 101, 70)):
        with pytest.raises(InvalidInput):
            check_autoscaling(*args)


@pytest.mark.parametrize("good", ["oncall@example.com", "a.b+ops@sub.example.co.jp", " x@y.io "])
def test_emails_accepted(good: str) -> None:
    assert check_email(good) == good.strip()


@pytest.mark.parametrize(
    "bad", ["", "oncall", "a@b", "a@@b.com", "a b@c.com", "a@-b.com", "@b.com"]
)
def test_emails_rejected(bad: str) -> None:
    with pytest.raises(InvalidInput):
        check_email(bad)


def test_rds_identifiers() -> None:
    assert check_identifier("nba-tracker-dev-restored", "--as")
    assert check_snapshot(
        "arn:aws:rds:ap-northeast-1:123456789012:cluster-snapshot:nba-tracker-manual-1"
    )
    for bad in ("1abc", "a--b", "a-", "a_b", "", "x" * 64):
        with pytest.raises(InvalidInput):
            check_identifier(bad, "--as")
