"""GraphQL manages subscriptions (bearer token only); the app's own dispatcher delivers
what a collection causes; a failed delivery shows in alertDeliveries and /metrics."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nba_tracker.api.app import create_app
from nba_tracker.settings import Settings
from tests.integration.alerts.test_outbox import (
    OFFICIAL,
    OFFICIAL_BODY,
    T0,
    reported_by_five,
)
from tests.integration.api.conftest import TOKEN, collect, gql
from tests.support.feeds import Item
from tests.support.receivers import Answer, Receiver

ADD = """mutation($s: AlertSubscriptionInput!) {
  addAlertSubscription(subscription: $s) { id channel target teams leastStatus secret }
}"""


def wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_graphql_subscription_and_background_delivery(database_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=database_url,  # type: ignore[arg-type]
        api_token=TOKEN,  # type: ignore[arg-type]
        alerts_allow_loopback=True,
        alert_max_attempts=1,
    )
    with (
        Receiver() as ok,
        Receiver(lambda _r: Answer(404)) as gone,
        TestClient(create_app(settings, dispatch_alerts=True)) as client,
    ):
        refused = gql(client, ADD, {"s": {"channel": "webhook", "target": ok.url()}})
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"  # type: ignore[index]
        bad = gql(
            client,
            ADD,
            {"s": {"channel": "webhook", "target": "https://10.1.2.3/x", "teams": ["MEM"]}},
            token=TOKEN,
        )
        assert "private" in bad["errors"][0]["message"]  # type: ignore[index]
        added = gql(
            client,
            ADD,
            {"s": {"channel": "webhook", "target": ok.url(), "teams": ["mem"]}},
            token=TOKEN,
        )["data"]["addAlertSubscription"]  # type: ignore[index]
        assert added["teams"] == ["MEM"] and added["leastStatus"] == "reported"
        assert added["secret"] and added["target"].endswith("/…")
        gql(
            client,
            ADD,
            {"s": {"channel": "slack", "target": gone.url(), "players": ["Ja Morant"]}},
            token=TOKEN,
        )

        for name, items in reported_by_five().items():
            collect(database_url, tmp_path / f"{name}.xml", items)
        collect(
            database_url,
            tmp_path / "nba.xml",
            [Item(OFFICIAL, "https://nba.example/m", OFFICIAL_BODY, T0 + timedelta(hours=2))],
        )
        wait_for(lambda: len(ok.accepted) == 2)
        assert [json.loads(r.body)["status"] for r in ok.accepted] == ["reported", "official"]

        failed_query = '{ alertDeliveries(state: "failed") { subscription state lastError } }'
        wait_for(
            lambda: len(gql(client, failed_query, token=TOKEN)["data"]["alertDeliveries"]) == 2  # type: ignore[index]
        )
        failed = gql(client, failed_query, token=TOKEN)["data"]["alertDeliveries"]  # type: ignore[index]
        assert {f["lastError"] for f in failed} == {"HTTP 404"}
        metrics = client.get("/metrics").text
        assert 'nba_tracker_alerts{state="failed"} 2.0' in metrics
        assert 'nba_tracker_alerts{state="delivered"} 2.0' in metrics
        subs = gql(client, "{ alertSubscriptions { id failed delivered secret } }", token=TOKEN)
        rows = subs["data"]["alertSubscriptions"]  # type: ignore[index]
        assert [(r["delivered"], r["failed"], r["secret"]) for r in rows] == [
            (2, 0, None),
            (0, 2, None),
        ]
        replayed = gql(client, "mutation { replayFailedAlerts }", token=TOKEN)
        assert replayed["data"]["replayFailedAlerts"] == 2  # type: ignore[index]
        wait_for(lambda: len(gone.requests) == 4)
