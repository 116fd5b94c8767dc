"""Each collection writes one CloudWatch Embedded Metric Format line that CloudWatch turns
into the NBATracker metrics the alarms watch."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from nba_tracker import observability
from nba_tracker.ingest.pipeline import Collector
from nba_tracker.ingest.registry import FeedSpec
from nba_tracker.settings import Settings
from nba_tracker.store.engine import make_engine, make_sessionmaker
from nba_tracker.store.lock import LockMode
from tests.support.feeds import realistic_items, rss


def test_one_emf_line_per_collection(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(rss(realistic_items(3, "emf")))
    stream = io.StringIO()
    monkeypatch.setattr(observability, "_metrics_stream", stream)
    settings = Settings(env="dev")
    engine = make_engine(settings, database_url)
    try:
        asyncio.run(
            Collector(settings, make_sessionmaker(engine)).run(
                [FeedSpec("Good", str(good)), FeedSpec("Missing", str(tmp_path / "nope.xml"))],
                lock=LockMode.NONE,
            )
        )
    finally:
        engine.dispose()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert len(lines) == 1
    record = lines[0]
    directive = record["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "NBATracker"
    assert directive["Dimensions"] == [["Environment"]]
    names = {m["Name"] for m in directive["Metrics"]}
    assert names == {"ArticlesNew", "FeedsFailed", "FeedsTotal", "CollectionSeconds"}
    assert record["Environment"] == "dev"
    assert (record["ArticlesNew"], record["FeedsFailed"], record["FeedsTotal"]) == (3, 1, 2)
    assert record["CollectionSeconds"] >= 0
