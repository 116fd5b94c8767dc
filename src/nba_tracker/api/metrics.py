"""Prometheus metrics: requests by route, latency histograms, collection counters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from nba_tracker.api.deps import run_db
from nba_tracker.store.alerts import state_counts
from nba_tracker.store.league_log import agreement

REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "nba_tracker_http_requests_total",
    "HTTP requests",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "nba_tracker_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
CACHE = Counter("nba_tracker_cache_total", "Read cache lookups", ["result"], registry=REGISTRY)
COLLECTIONS = Counter(
    "nba_tracker_collections_total", "Collection runs", ["status"], registry=REGISTRY
)
ARTICLES_NEW = Counter(
    "nba_tracker_articles_new_total", "Articles stored by collections", registry=REGISTRY
)
FEEDS_FAILED = Counter(
    "nba_tracker_feeds_failed_total", "Feeds that failed in a collection", registry=REGISTRY
)
DATA_VERSION = Gauge("nba_tracker_data_version", "Current data version", registry=REGISTRY)
# Read from the outbox at each scrape: every dispatcher's outcomes, whichever task ran it.
ALERTS = Gauge(
    "nba_tracker_alerts", "Alerts in the outbox by delivery state", ["state"], registry=REGISTRY
)
# The league log's verdict on the text's labels over the last week (store.league_log).
LEAGUE_LOG = Gauge(
    "nba_tracker_league_log_stories",
    "Stories of the last 7 days by the league log's verdict, and log transactions",
    ["figure"],
    registry=REGISTRY,
)
AGREEMENT = Gauge(
    "nba_tracker_league_log_agreement_ratio",
    "Share of the last 7 days' reported/official stories the league log confirmed",
    registry=REGISTRY,
)

_ROUTES = (
    (re.compile(r"^/team/[^/]+$"), "/team/{abbreviation}"),
    (re.compile(r"^/story/[^/]+$"), "/story/{id}"),
    (re.compile(r"^/player/[^/]+$"), "/player/{id}"),
    (re.compile(r"^/feeds/player/[^/]+$"), "/feeds/player/{id}"),
    (re.compile(r"^/feeds/team/[^/]+/ledger\.atom$"), "/feeds/team/{abbreviation}/ledger"),
    (re.compile(r"^/feeds/team/[^/]+$"), "/feeds/team/{abbreviation}"),
    (re.compile(r"^/feeds/category/[^/]+$"), "/feeds/category/{name}"),
    (re.compile(r"^/static/.*$"), "/static"),
)
_KNOWN = {"/", "/graphql", "/health", "/metrics", "/api/ping", "/api/updates", "/feeds/all.atom"}


def route_label(path: str) -> str:
    """A bounded label: unknown paths must not create one series each."""
    if path in _KNOWN:
        return path
    for pattern, label in _ROUTES:
        if pattern.match(path):
            return label
    return "other"


def observe(method: str, path: str, status: int, seconds: float) -> None:
    route = route_label(path)
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


router = APIRouter(include_in_schema=False)


@router.get("/metrics")
async def prometheus(request: Request) -> Response:
    factory = getattr(request.app.state, "sessionmaker", None)
    if factory is not None:
        try:
            counts = await run_db(factory, state_counts)
        except Exception:  # metrics answer while the database is away; /health says so
            counts = {}
        for state, n in counts.items():
            ALERTS.labels(state).set(n)
        try:
            figure = await run_db(factory, lambda s: agreement(s, datetime.now(UTC), 7))
        except Exception:
            figure = None
        if figure is not None:
            for name in ("labelled", "confirmed", "contradicted", "log_transactions", "unreported"):
                LEAGUE_LOG.labels(name).set(getattr(figure, name))
            if figure.rate is not None:
                AGREEMENT.set(figure.rate)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
